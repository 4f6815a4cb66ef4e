package io.catena.check;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Violations that need no search, each a short proof about a few ops. They are checked first because they are
 * the common ones (a stale read, a lost write), because their explanation is crisp, and because a search that
 * must refute every ordering of a long key can take long where these take a pass over the ops.
 *
 * <ul>
 *   <li>Two writes claim one version (the store gives each write its own).</li>
 *   <li>A read saw a value that no write that may have taken effect wrote.</li>
 *   <li>A read saw a version that a write of another value claims.</li>
 *   <li>A stale read: a read saw x, yet a write M of something else (a definite one: acknowledged, not
 *       may-be-lost) was invoked after every write of x completed, and completed before the read was invoked. So
 *       every write of x is linearized before M, and M before the read. For x = no value, the writes of x are the
 *       deletes and the initial state. Skipped when a write of x is open-ended: it could come after M.</li>
 * </ul>
 */
final class EvidentViolations {

    private record Found(String why, List<Op> involved) {
    }

    private final List<Op> checked;

    /** @param checked the ops the search would get: FAIL ops and INFO reads dropped */
    EvidentViolations(List<Op> checked) {
        this.checked = checked;
    }

    /** The first evident violation, as a result for {@code key}, or {@code null} if there is none. */
    KeyResult find(String key, List<Op> ops) {
        Found found = versionClaimedTwice();
        found = found != null ? found : impossibleRead();
        found = found != null ? found : staleRead();
        if (found == null) {
            return null;
        }
        String explanation = "key " + Call.quote(key) + ": not linearizable: " + found.why() + ":\n"
                + Linearizability.lines(found.involved());
        return new KeyResult(key, Verdict.VIOLATION, explanation, List.of(), found.involved(), ops, 0);
    }

    private Found versionClaimedTwice() {
        Map<Long, Op> writerOfVersion = new HashMap<>();
        for (Op op : writes()) {
            if (op.writtenVersion() != Output.VERSION_UNKNOWN) {
                Op other = writerOfVersion.putIfAbsent(op.writtenVersion(), op);
                if (other != null) {
                    return new Found("two writes claim version " + op.writtenVersion()
                            + ", which the store gives to one write only", List.of(other, op));
                }
            }
        }
        return null;
    }

    private Found impossibleRead() {
        Map<String, Op> writerOfValue = new HashMap<>();
        Map<Long, Op> writerOfVersion = new HashMap<>();
        for (Op op : writes()) {
            writerOfValue.putIfAbsent(valueOf(op), op);
            if (op.writtenVersion() != Output.VERSION_UNKNOWN) {
                writerOfVersion.put(op.writtenVersion(), op);
            }
        }
        for (Op read : reads()) {
            String seen = read.output().value();
            if (seen != null && !writerOfValue.containsKey(seen)) {
                return new Found("a read saw " + Call.quote(seen) + ", which no write that may have taken effect "
                        + "wrote", List.of(read));
            }
            Op writer = writerOfVersion.get(read.output().version());
            if (read.output().versionKnown() && writer != null && !Objects.equals(valueOf(writer), seen)) {
                return new Found("a read saw " + Call.quote(seen) + " at v" + read.output().version()
                        + ", but the write of that version put " + Call.quote(valueOf(writer)),
                        List.of(writer, read));
            }
        }
        return null;
    }

    private Found staleRead() {
        Map<String, List<Op>> writersOf = new HashMap<>();
        writersOf.put(null, new ArrayList<>()); // no value: the initial state, then any delete
        for (Op op : writes()) {
            writersOf.computeIfAbsent(valueOf(op), v -> new ArrayList<>()).add(op);
        }
        List<Op> definite = writes().stream().filter(op -> !op.openEnded())
                .sorted(Comparator.comparingLong(Op::completedAt)).toList();
        for (Op read : reads()) {
            List<Op> writers = writersOf.get(read.output().value());
            if (writers.stream().anyMatch(Op::openEnded)) {
                continue;
            }
            long lastWriterDone = writers.stream().mapToLong(Op::completedAt).max().orElse(Long.MIN_VALUE);
            for (Op overwrite : definite) {
                if (overwrite.completedAt() >= read.invokedAt()) {
                    break;
                }
                if (overwrite.invokedAt() > lastWriterDone
                        && !Objects.equals(valueOf(overwrite), read.output().value())) {
                    List<Op> involved = new ArrayList<>(writers);
                    involved.add(overwrite);
                    involved.add(read);
                    return new Found("a read saw " + Call.quote(read.output().value()) + ", but #" + overwrite.id()
                            + " overwrote it: invoked after every write of that value completed ("
                            + (writers.isEmpty() ? "there are none: it is the initial state" : "at "
                            + lastWriterDone) + "), it completed before the read was invoked", involved);
                }
            }
        }
        return null;
    }

    /** Ops that may have changed the key. */
    private List<Op> writes() {
        return checked.stream().filter(Op::mayHaveTakenEffect).toList();
    }

    private List<Op> reads() {
        return checked.stream().filter(op -> op.kind() == Op.Kind.READ).toList();
    }

    /** The value a write leaves, {@code null} for a delete. */
    private static String valueOf(Op write) {
        return write.kind() == Op.Kind.DELETE ? null : write.call().value();
    }
}
