package io.catena.check;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The operations of a test run, recorded as clients invoke and complete them; safe to use from many client
 * threads at once.
 *
 * <p>Two ways in: {@link #invoke} then exactly one of {@link #ok}, {@link #fail} or {@link #info} as a run
 * goes (a simulator, a fault suite), or {@link #addOk}, {@link #addFail}, {@link #addInfo} for an op already
 * complete (hand-made histories). An op still outstanding when the history is read is INFO: the run ended
 * before its client heard back, so it may or may not have taken effect.
 */
public final class History {

    private final List<Op> ops = new ArrayList<>();
    /** Ids of ops invoked and not yet completed. */
    private final Set<Integer> outstanding = new HashSet<>();

    /** Records that {@code client} issued {@code call} at {@code invokedAt}; returns the op's id. */
    public synchronized int invoke(int client, Call call, long invokedAt) {
        int id = ops.size();
        ops.add(new Op(id, client, call, invokedAt, Op.NEVER, Op.Outcome.INFO, null, false));
        outstanding.add(id);
        return id;
    }

    public synchronized void ok(int id, Output output, long completedAt) {
        complete(id, completedAt, Op.Outcome.OK, output);
    }

    public synchronized void fail(int id, long completedAt) {
        complete(id, completedAt, Op.Outcome.FAIL, null);
    }

    /** The client gave up on op {@code id} without learning its outcome. */
    public synchronized void info(int id) {
        info(id, null);
    }

    /** As {@link #info(int)}, keeping what the client did learn, e.g. {@code Output.written(seq)} from a 504. */
    public synchronized void info(int id, Output learned) {
        complete(id, Op.NEVER, Op.Outcome.INFO, learned);
    }

    /**
     * Marks the acknowledged write {@code id} as one that may have been lost (it was acknowledged at a level that
     * does not survive every failure); may be called before or after it completes.
     */
    public synchronized void markMayBeLost(int id) {
        ops.set(id, op(id).markedMayBeLost());
    }

    public synchronized Op addOk(int client, Call call, long invokedAt, long completedAt, Output output) {
        int id = invoke(client, call, invokedAt);
        ok(id, output, completedAt);
        return ops.get(id);
    }

    public synchronized Op addFail(int client, Call call, long invokedAt, long completedAt) {
        int id = invoke(client, call, invokedAt);
        fail(id, completedAt);
        return ops.get(id);
    }

    public synchronized Op addInfo(int client, Call call, long invokedAt) {
        int id = invoke(client, call, invokedAt);
        info(id);
        return ops.get(id);
    }

    /** As {@link #addOk}, for a write acknowledged at a level that does not survive every failure. */
    public synchronized Op addOkMayBeLost(int client, Call call, long invokedAt, long completedAt, Output output) {
        Op op = addOk(client, call, invokedAt, completedAt, output);
        markMayBeLost(op.id());
        return ops.get(op.id());
    }

    /** A snapshot of every op, in invocation order; outstanding ops are INFO. */
    public synchronized List<Op> ops() {
        return List.copyOf(ops);
    }

    /** A snapshot split by key, keys in order of first invocation (P-compositionality: each is checked alone). */
    public synchronized Map<String, List<Op>> byKey() {
        Map<String, List<Op>> byKey = new LinkedHashMap<>();
        for (Op op : ops) {
            byKey.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
        }
        byKey.replaceAll((k, keyOps) -> List.copyOf(keyOps));
        return byKey;
    }

    public synchronized int size() {
        return ops.size();
    }

    private void complete(int id, long completedAt, Op.Outcome outcome, Output output) {
        Op op = op(id);
        if (!outstanding.remove(id)) {
            throw new IllegalStateException("op " + id + " completed twice: already " + op);
        }
        ops.set(id, op.completed(completedAt, outcome, output));
    }

    private Op op(int id) {
        if (id < 0 || id >= ops.size()) {
            throw new IllegalArgumentException("no op " + id + " in a history of " + ops.size());
        }
        return ops.get(id);
    }
}
