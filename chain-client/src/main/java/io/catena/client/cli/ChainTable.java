package io.catena.client.cli;

import io.catena.client.ChainView;
import io.catena.client.NodeStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** How the master's view and a node's status are printed: a table for status, one line per epoch for watch. */
final class ChainTable {

    private ChainTable() {
    }

    /** The chain head first, then the nodes outside it, one row each; the seqs are from the last reports. */
    static String table(ChainView view) {
        StringBuilder text = new StringBuilder();
        text.append("epoch ").append(view.epoch()).append("  master ").append(view.masterId()).append(" at ")
                .append(view.masterHttp()).append('\n');
        if (!view.hasChain()) {
            text.append("no chain yet: the master forms one once enough nodes have joined\n");
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"NODE", "ROLE", "HTTP", "ALIVE", "APPLIED", "COMMITTED", "LAG", "LEASE_MS"});
        for (ChainView.Member member : view.chain()) {
            rows.add(row(member, member.role()));
        }
        for (ChainView.Member member : view.others()) {
            rows.add(row(member, "outside"));
        }
        if (rows.size() > 1) {
            text.append(aligned(rows));
        }
        return text.toString();
    }

    /** {@code epoch 3  n2 (head) -> n3 -> n1 (tail)  outside: n4 (dead)}. */
    static String line(ChainView view) {
        String chain = view.chain().isEmpty() ? "no chain" : view.chain().stream()
                .map(member -> member.id() + (view.chain().size() == 1 ? " (sole)"
                        : member == view.chain().get(0) ? " (head)"
                        : member == view.chain().get(view.chain().size() - 1) ? " (tail)" : ""))
                .collect(Collectors.joining(" -> "));
        String others = view.others().stream().map(member -> member.id() + (member.alive() ? "" : " (dead)"))
                .collect(Collectors.joining(", "));
        return "epoch " + view.epoch() + "  " + chain + (others.isEmpty() ? "" : "  outside: " + others);
    }

    /** A node's own view of itself. */
    static String node(NodeStatus status) {
        return "node " + status.id() + "  role " + status.role() + "  epoch " + status.epoch() + "  applied "
                + status.appliedSeq() + "  committed " + status.committedSeq() + "  predecessor "
                + orNone(status.predecessor()) + "  successor " + orNone(status.successor());
    }

    private static String[] row(ChainView.Member member, String role) {
        return new String[] {member.id(), role, member.http().toString(), member.alive() ? "yes" : "no",
                Long.toString(member.appliedSeq()), Long.toString(member.committedSeq()),
                Long.toString(member.lag()), Long.toString(member.leaseLeftMs())};
    }

    private static String aligned(List<String[]> rows) {
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder text = new StringBuilder();
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(String.format("%-" + widths[i] + "s", row[i])).append(i + 1 < row.length ? "  " : "");
            }
            text.append(line.toString().stripTrailing()).append('\n');
        }
        return text.toString();
    }

    private static String orNone(String id) {
        return id == null ? "-" : id;
    }
}
