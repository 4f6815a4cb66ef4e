package io.catena.check;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Renders the ops of a {@link KeyResult} one per line, by invocation time: where the op sits in the longest
 * linearizable prefix ({@code lin}), whether it is involved in the violation ({@code *}), its client, its
 * interval as numbers and as a bar on a shared time axis, its kind, input and output.
 *
 * <pre>
 * lin       op  client  [start, end]           |time                                    | kind    in                   out
 * 1         #0  c1      [0, 30]                |==================                      | WRITE   "a"                  ok
 * 2         #1  c2      [0, 30]                |==================                      | WRITE   "b"                  ok
 *      *    #2  c3      [5, inf]               |   ------------------------------------>| CAS     if absent -> "c"     info
 * 3         #3  c4      [40, 50]               |                      =======           | READ                         "b"
 *      *    #4  c4      [60, 70]               |                                 =======| READ                         "a"
 * </pre>
 */
public final class Timeline {

    /** Ops shown for one key: all of a small history; for a large one, the end of the prefix and the involved. */
    static final int OPS_MAX = 40;
    static final int PREFIX_TAIL_OPS = 10;
    static final int BAR_WIDTH = 40;

    private Timeline() {
    }

    public static String render(KeyResult result) {
        List<Op> shown = shown(result);
        Map<Integer, Integer> linPosition = new HashMap<>();
        for (int i = 0; i < result.longestPrefix().size(); i++) {
            linPosition.put(result.longestPrefix().get(i).id(), i + 1);
        }
        Set<Integer> involved = new LinkedHashSet<>();
        result.involved().forEach(op -> involved.add(op.id()));
        long start = shown.stream().mapToLong(Op::invokedAt).min().orElse(0);
        long end = shown.stream().mapToLong(op -> op.completedAt() == Op.NEVER ? op.invokedAt() : op.completedAt())
                .max().orElse(start);
        StringBuilder text = new StringBuilder(String.format("%-4s %1s %5s  %-6s  %-22s |%-" + BAR_WIDTH
                + "s| %-7s %-20s %s%n", "lin", "", "op", "client", "[start, end]", "time", "kind", "in", "out"));
        for (Op op : shown) {
            Integer lin = linPosition.get(op.id());
            text.append(String.format("%-4s %1s %5s  %-6s  %-22s |%s| %-7s %-20s %s%n",
                    lin == null ? "" : lin, involved.contains(op.id()) ? "*" : "", "#" + op.id(), "c" + op.client(),
                    op.renderInterval(), bar(op, start, end), op.kind(), op.call().render(), op.renderOutcome()));
        }
        int hidden = result.ops().size() - shown.size();
        if (hidden > 0) {
            text.append("(").append(hidden).append(" more ops not shown)\n");
        }
        return text.toString();
    }

    private static List<Op> shown(KeyResult result) {
        if (result.ops().size() <= OPS_MAX) {
            return result.ops().stream().sorted(byInvocation()).toList();
        }
        List<Op> prefix = result.longestPrefix();
        Set<Op> shown = new LinkedHashSet<>(prefix.subList(Math.max(0, prefix.size() - PREFIX_TAIL_OPS),
                prefix.size()));
        shown.addAll(result.involved());
        List<Op> sorted = new ArrayList<>(shown);
        sorted.sort(byInvocation());
        return sorted.subList(0, Math.min(sorted.size(), OPS_MAX));
    }

    private static Comparator<Op> byInvocation() {
        return Comparator.comparingLong(Op::invokedAt).thenComparingInt(Op::id);
    }

    /** The op's interval on a {@link #BAR_WIDTH}-column axis from {@code start} to {@code end}; '>' if open. */
    private static String bar(Op op, long start, long end) {
        double span = Math.max(1, end - start);
        int from = column(op.invokedAt(), start, span);
        boolean open = op.completedAt() == Op.NEVER;
        int to = open ? BAR_WIDTH - 1 : Math.max(from, column(op.completedAt(), start, span));
        char[] bar = " ".repeat(BAR_WIDTH).toCharArray();
        for (int c = from; c <= to; c++) {
            bar[c] = open ? '-' : '=';
        }
        if (open) {
            bar[BAR_WIDTH - 1] = '>';
        }
        return new String(bar);
    }

    private static int column(long time, long start, double span) {
        return (int) Math.min(BAR_WIDTH - 1, Math.round((time - start) / span * (BAR_WIDTH - 1)));
    }
}
