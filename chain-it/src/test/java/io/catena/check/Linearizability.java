package io.catena.check;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Checks that a history of key-value operations is linearizable: that each op can be given one instant
 * between its invocation and its completion so that, in the order of those instants, every output is what a
 * single register per key would have produced.
 *
 * <p>Keys are independent (linearizability is P-compositional), so each key is checked alone. For one key:
 * <ol>
 *   <li>FAIL ops are dropped (they surely had no effect), and so are INFO reads (they observed nothing).</li>
 *   <li>{@link EvidentViolations} are reported at once, without a search: reads of values no write wrote, of
 *       a version another value's write claims, stale reads provable from real-time order alone, and two
 *       writes claiming one version.</li>
 *   <li>The rest is a {@link Search}. INFO ops, and acknowledged writes marked {@link Op#mayBeLost()}, may take
 *       effect at any time after their invocation, or never. Unless turned off, writes of known versions must
 *       take effect in version order ({@link VersionOrder}).</li>
 * </ol>
 * The initial state of every key is "no value". See {@link RegisterModel} for how unknown versions match.
 */
public final class Linearizability {

    /**
     * A bound that turns a search gone exponential into a loud UNKNOWN rather than a hung test. Measured: a
     * linearizable key of 500 ops from 10 clients takes 10^4 to 4 * 10^5 steps; the search runs 5 to 50 million
     * steps a second, so this is at most about a second per key.
     */
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
        KeyResult evident = new EvidentViolations(checked).find(key, ops);
        if (evident != null) {
            return evident;
        }
        RegisterModel model = new RegisterModel(checked);
        Search.Outcome outcome = new Search(checked, model, versionsIncrease, stepsMax).run();
        List<Op> prefix = Arrays.stream(outcome.prefix()).mapToObj(checked::get).toList();
        return switch (outcome.verdict()) {
            case LINEARIZABLE -> new KeyResult(key, Verdict.OK, "", prefix, List.of(), ops, outcome.steps());
            case VIOLATION -> Explanation.ofSearch(key, checked, model, versionOrderAfter(checked, outcome), outcome,
                    ops);
            case STEPS_EXCEEDED -> new KeyResult(key, Verdict.UNKNOWN, "key " + Call.quote(key)
                    + ": undecided after " + outcome.steps() + " steps (stepsMax " + stepsMax + "); longest "
                    + "linearizable prefix " + prefix.size() + " of " + checked.size() + " ops, "
                    + outcome.memoSize() + " configurations explored", prefix, List.of(), ops, outcome.steps());
        };
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

    static String lines(List<Op> ops) {
        return ops.stream().map(op -> "  " + op).collect(Collectors.joining("\n"));
    }
}
