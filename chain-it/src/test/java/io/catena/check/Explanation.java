package io.catena.check;

import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

/**
 * Says where the search got stuck, in terms of ops: after the longest prefix it linearized, the pending op with
 * the earliest completion had to take effect by then, and neither it nor any op invoked before that completion
 * could come next (each is refused by the register or by the version order, or leads only to configurations
 * already refuted).
 */
final class Explanation {

    private Explanation() {
    }

    static KeyResult ofSearch(String key, List<Op> checked, RegisterModel model, VersionOrder versionOrder,
                              Search.Outcome outcome, List<Op> ops) {
        BitSet inPrefix = new BitSet();
        Arrays.stream(outcome.prefix()).forEach(inPrefix::set);
        List<Op> prefix = Arrays.stream(outcome.prefix()).mapToObj(checked::get).toList();
        int[] pending = IntStream.range(0, checked.size()).filter(i -> !inPrefix.get(i)).toArray();
        int blocking = Arrays.stream(pending).filter(i -> !checked.get(i).openEnded()).boxed()
                .min(Comparator.comparingLong(i -> checked.get(i).completedAt()))
                .orElseThrow(() -> new AssertionError("a violation with no pending op that has a deadline"));
        long deadline = checked.get(blocking).completedAt();
        int[] candidates = Arrays.stream(pending).filter(i -> checked.get(i).invokedAt() <= deadline).toArray();
        // Open-ended ops invoked before the end of the prefix that the timeline shows only clutter the story
        // (in a long run, INFO ops pile up): they are named, not explained.
        long windowStart = LongStream.concat(
                prefix.subList(Math.max(0, prefix.size() - Timeline.PREFIX_TAIL_OPS), prefix.size()).stream()
                        .mapToLong(Op::invokedAt),
                Arrays.stream(candidates).filter(i -> !checked.get(i).openEnded())
                        .mapToLong(i -> checked.get(i).invokedAt())).min().orElse(deadline);
        int[] explained = Arrays.stream(candidates).filter(i -> checked.get(i).invokedAt() >= windowStart).toArray();
        int[] earlier = Arrays.stream(candidates).filter(i -> checked.get(i).invokedAt() < windowStart).toArray();

        String holds = holdsAfter(prefix);
        StringBuilder text = new StringBuilder("key " + Call.quote(key) + ": not linearizable. The longest "
                + "linearizable prefix has " + prefix.size() + " of " + checked.size() + " ops and leaves the key "
                + "holding " + holds + ":\n");
        appendPrefix(text, prefix);
        text.append("then ").append(checked.get(blocking)).append(" must take effect by ").append(deadline)
                .append(", but none of the ").append(candidates.length)
                .append(" ops pending then can be linearized next:\n");
        for (int i : Arrays.stream(explained).limit(Linearizability.EXPLAIN_OPS_MAX).toArray()) {
            text.append("  ").append(checked.get(i)).append(": ")
                    .append(whyNot(i, model, versionOrder, outcome.stateAfterPrefix(), holds, checked, inPrefix))
                    .append('\n');
        }
        if (earlier.length > 0) {
            text.append("  and ").append(earlier.length).append(" open-ended ops invoked earlier, which could take "
                    + "effect at any time: ").append(Arrays.stream(earlier).limit(Linearizability.EXPLAIN_OPS_MAX)
                    .mapToObj(i -> "#" + checked.get(i).id()).collect(Collectors.joining(", "))).append('\n');
        }
        List<Op> involved = Arrays.stream(explained).mapToObj(checked::get).toList();
        return new KeyResult(key, Verdict.VIOLATION, text.toString().stripTrailing(), prefix, involved, ops,
                outcome.steps());
    }

    private static void appendPrefix(StringBuilder text, List<Op> prefix) {
        int shown = Math.min(prefix.size(), Linearizability.EXPLAIN_OPS_MAX);
        if (prefix.size() > shown) {
            text.append("  ... ").append(prefix.size() - shown).append(" earlier ops\n");
        }
        if (shown > 0) {
            text.append(Linearizability.lines(prefix.subList(prefix.size() - shown, prefix.size()))).append('\n');
        }
    }

    private static String whyNot(int op, RegisterModel model, VersionOrder versionOrder, int state, String holds,
                                 List<Op> checked, BitSet inPrefix) {
        String why = model.whyRejected(state, op, holds);
        if (why == null && versionOrder != null) {
            why = versionOrder.whyNot(op, checked, inPrefix);
        }
        return why != null ? why : "could take effect, but no linearization of the rest follows";
    }

    /** What the key holds after {@code prefix}, in words: the effect of its last write. */
    private static String holdsAfter(List<Op> prefix) {
        for (int i = prefix.size() - 1; i >= 0; i--) {
            Op op = prefix.get(i);
            if (op.mayHaveTakenEffect()) {
                String version = op.writtenVersion() == Output.VERSION_UNKNOWN ? "version unknown"
                        : "v" + op.writtenVersion();
                String value = op.kind() == Op.Kind.DELETE ? "no value" : Call.quote(op.call().value());
                return value + " (" + version + ", from #" + op.id() + ")";
            }
        }
        return "no value (initial)";
    }
}
