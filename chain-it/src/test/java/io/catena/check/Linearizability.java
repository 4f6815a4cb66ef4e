package io.catena.check;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Checks that a history of key-value operations is linearizable: that each op can be given one instant
 * between its invocation and its completion so that, in the order of those instants, every output is what a
 * single register per key would have produced.
 *
 * <p>Keys are independent (linearizability is P-compositional), so each key is checked alone. For one key:
 * <ol>
 *   <li>FAIL ops are dropped (they surely had no effect), and so are INFO reads (they observed nothing).</li>
 *   <li>Reads that cannot have seen any write are violations at once: a value that no write that may have
 *       taken effect (OK, INFO, or may-be-lost) put, or a version that a write of another value claims.
 *       Two writes claiming one version are a violation too: the store gives each write its own.</li>
 *   <li>The rest is a {@link Search}. INFO ops, and acknowledged writes marked {@link Op#mayBeLost()}, may take
 *       effect at any time after their invocation, or never. Unless turned off, writes of known versions must
 *       take effect in version order ({@link VersionOrder}).</li>
 * </ol>
 * The initial state of every key is "no value". See {@link RegisterModel} for how unknown versions match.
 */
public final class Linearizability {

    /** Enough for thousands of ops per key at the concurrency of a test cluster; a bound, not a budget. */
    public static final long STEPS_MAX_DEFAULT = 5_000_000;
    /** Ops listed in an explanation, per list: enough to debug, short enough to read in a test failure. */
    static final int EXPLAIN_OPS_MAX = 20;

    private final long stepsMax;
    private final boolean versionsIncrease;

    /** {@link #STEPS_MAX_DEFAULT} steps; versions increase in the order writes take effect. */
    public Linearizability() {
        this(STEPS_MAX_DEFAULT, true);
    }

    /**
     * @param stepsMax         search steps per key before giving up with {@link Verdict#UNKNOWN}
     * @param versionsIncrease whether the store's versions increase in the order writes take effect (Catena's
     *                         seq does: the head assigns it and every node applies in seq order); if so, writes of
     *                         known versions are linearized only in that order, which is both a stronger check and
     *                         a much smaller search. If not, versions need only be unique per write.
     */
    public Linearizability(long stepsMax, boolean versionsIncrease) {
        if (stepsMax <= 0) {
            throw new IllegalArgumentException("stepsMax must be positive, got " + stepsMax);
        }
        this.stepsMax = stepsMax;
        this.versionsIncrease = versionsIncrease;
    }

    public long stepsMax() {
        return stepsMax;
    }

    public boolean versionsIncrease() {
        return versionsIncrease;
    }

    /** Checks every key of {@code history} on its own, in order of first invocation. */
    public Report checkAll(History history) {
        List<KeyResult> results = new ArrayList<>();
        history.byKey().forEach((key, ops) -> results.add(check(key, ops)));
        return new Report(results);
    }

    /** Checks the ops of one key; {@code ops} may include FAIL and INFO ops, in any order. */
    public KeyResult check(String key, List<Op> ops) {
        for (Op op : ops) {
            if (!op.key().equals(key)) {
                throw new IllegalArgumentException("op " + op + " is not on key " + Call.quote(key));
            }
        }
        List<Op> checked = ops.stream()
                .filter(op -> op.outcome() != Op.Outcome.FAIL)
                .filter(op -> op.kind() != Op.Kind.READ || op.outcome() == Op.Outcome.OK)
                .sorted(Comparator.comparingLong(Op::invokedAt).thenComparingInt(Op::id))
                .toList();
        KeyResult impossible = impossibleRead(key, checked, ops);
        if (impossible != null) {
            return impossible;
        }
        RegisterModel model = new RegisterModel(checked);
        Search.Outcome outcome = new Search(checked, model, versionsIncrease, stepsMax).run();
        List<Op> prefix = Arrays.stream(outcome.prefix()).mapToObj(checked::get).toList();
        return switch (outcome.verdict()) {
            case LINEARIZABLE -> new KeyResult(key, Verdict.OK, "", prefix, List.of(), ops, outcome.steps());
            case VIOLATION -> explainViolation(key, checked, model, versionOrderAfter(checked, outcome), outcome, ops);
            case STEPS_EXCEEDED -> new KeyResult(key, Verdict.UNKNOWN, "key " + Call.quote(key)
                    + ": undecided after " + outcome.steps() + " steps (stepsMax " + stepsMax + "); longest "
                    + "linearizable prefix " + prefix.size() + " of " + checked.size() + " ops, "
                    + outcome.memoSize() + " configurations explored", prefix, List.of(), ops, outcome.steps());
        };
    }

    /** A violation visible without searching (step 2 of the class comment), or {@code null}. */
    private static KeyResult impossibleRead(String key, List<Op> checked, List<Op> ops) {
        Set<String> written = new HashSet<>();
        Map<Long, Op> writerOfVersion = new HashMap<>();
        for (Op op : checked) {
            if (!op.mayHaveTakenEffect()) {
                continue;
            }
            if (op.kind() != Op.Kind.DELETE) {
                written.add(op.call().value());
            }
            if (op.writtenVersion() != Output.VERSION_UNKNOWN) {
                Op other = writerOfVersion.putIfAbsent(op.writtenVersion(), op);
                if (other != null) {
                    return impossible(key, List.of(other, op), "two writes claim version " + op.writtenVersion()
                            + ", which the store gives to one write only", ops);
                }
            }
        }
        for (Op read : checked) {
            if (read.kind() != Op.Kind.READ) {
                continue;
            }
            String seen = read.output().value();
            if (seen != null && !written.contains(seen)) {
                return impossible(key, List.of(read), "a read saw " + Call.quote(seen)
                        + ", which no write that may have taken effect wrote", ops);
            }
            Op writer = writerOfVersion.get(read.output().version());
            if (read.output().versionKnown() && writer != null && !sameValue(writer, seen)) {
                return impossible(key, List.of(writer, read), "a read saw " + Call.quote(seen) + " at v"
                        + read.output().version() + ", but the write of that version put " + Call.quote(
                        writer.kind() == Op.Kind.DELETE ? null : writer.call().value()), ops);
            }
        }
        return null;
    }

    private static boolean sameValue(Op writer, String seen) {
        String put = writer.kind() == Op.Kind.DELETE ? null : writer.call().value();
        return put == null ? seen == null : put.equals(seen);
    }

    private static KeyResult impossible(String key, List<Op> involved, String why, List<Op> ops) {
        String explanation = "key " + Call.quote(key) + ": not linearizable: " + why + ":\n" + lines(involved);
        return new KeyResult(key, Verdict.VIOLATION, explanation, List.of(), involved, ops, 0);
    }

    /**
     * Explains where the search got stuck: after the longest prefix it found, the op with the earliest
     * completion still pending must take effect next or before, and neither it nor any op invoked before that
     * completion can (each is either refused by the register, or leads only to configurations already refuted).
     */
    private static KeyResult explainViolation(String key, List<Op> checked, RegisterModel model,
                                              VersionOrder versionOrder, Search.Outcome outcome, List<Op> ops) {
        BitSet inPrefix = new BitSet();
        Arrays.stream(outcome.prefix()).forEach(inPrefix::set);
        int[] pending = IntStream.range(0, checked.size()).filter(i -> !inPrefix.get(i)).toArray();
        int blocking = Arrays.stream(pending).filter(i -> !checked.get(i).openEnded())
                .boxed().min(Comparator.comparingLong(i -> checked.get(i).completedAt()))
                .orElseThrow(() -> new AssertionError("a violation with no pending op that has a deadline"));
        long deadline = checked.get(blocking).completedAt();
        List<Integer> candidates = Arrays.stream(pending).filter(i -> checked.get(i).invokedAt() <= deadline)
                .boxed().toList();
        int state = outcome.stateAfterPrefix();
        StringBuilder text = new StringBuilder("key " + Call.quote(key) + ": not linearizable. The longest "
                + "linearizable prefix has " + outcome.prefix().length + " of " + checked.size()
                + " ops and leaves the key holding " + model.state(state) + ":\n");
        List<Op> prefix = Arrays.stream(outcome.prefix()).mapToObj(checked::get).toList();
        if (prefix.size() > EXPLAIN_OPS_MAX) {
            text.append("  ... ").append(prefix.size() - EXPLAIN_OPS_MAX).append(" earlier ops\n");
        }
        text.append(lines(prefix.subList(Math.max(0, prefix.size() - EXPLAIN_OPS_MAX), prefix.size())));
        text.append("\nthen ").append(checked.get(blocking)).append(" must take effect by ")
                .append(deadline).append(", but none of the ").append(candidates.size())
                .append(" ops pending then can be linearized next:\n");
        for (int i : candidates.subList(0, Math.min(candidates.size(), EXPLAIN_OPS_MAX))) {
            String why = model.whyRejected(state, i);
            if (why == null && versionOrder != null) {
                why = versionOrder.whyNot(i);
            }
            text.append("  ").append(checked.get(i)).append(": ")
                    .append(why != null ? why : "could take effect, but no linearization of the rest follows")
                    .append('\n');
        }
        List<Op> involved = candidates.stream().map(checked::get).toList();
        return new KeyResult(key, Verdict.VIOLATION, text.toString().stripTrailing(), prefix, involved, ops,
                outcome.steps());
    }

    /** The version order after the prefix the search found, to explain its refusals; null if not enforced. */
    private VersionOrder versionOrderAfter(List<Op> checked, Search.Outcome outcome) {
        if (!versionsIncrease) {
            return null;
        }
        VersionOrder order = new VersionOrder(checked);
        Arrays.stream(outcome.prefix()).forEach(order::linearized);
        return order;
    }

    private static String lines(List<Op> ops) {
        return ops.stream().map(op -> "  " + op).collect(Collectors.joining("\n"));
    }
}
