package io.catena.config;

import java.util.Objects;

/**
 * A node's periodic report to the active master (DESIGN §7). The master's {@link ReportReply} renews the node's
 * lease, which the node counts from when it sent this report.
 *
 * @param node         the reporting node and its addresses
 * @param epoch        the epoch of the configuration the node holds (0: none yet)
 * @param role         its role in that configuration
 * @param appliedSeq   highest seq durable in its log
 * @param committedSeq highest seq it knows committed
 */
public record NodeReport(NodeDescriptor node, long epoch, Role role, long appliedSeq, long committedSeq) {

    public NodeReport {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(role, "role");
        if (epoch < 0 || appliedSeq < 0 || committedSeq < 0 || committedSeq > appliedSeq) {
            throw new IllegalArgumentException("inconsistent report: epoch=" + epoch + " appliedSeq=" + appliedSeq
                    + " committedSeq=" + committedSeq);
        }
    }
}
