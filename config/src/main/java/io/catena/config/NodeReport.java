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
 * @param caughtUp     whether, in that configuration, the node holds every committed entry: its predecessor
 *                     validated its log and it has committed through its predecessor's commit point (a node
 *                     just appended at the tail is still catching up); the master never forms a chain from
 *                     nodes that are all still catching up
 */
public record NodeReport(NodeDescriptor node, long epoch, Role role, long appliedSeq, long committedSeq,
                         boolean caughtUp) {

    /** A report from a node that holds every committed entry. */
    public NodeReport(NodeDescriptor node, long epoch, Role role, long appliedSeq, long committedSeq) {
        this(node, epoch, role, appliedSeq, committedSeq, true);
    }

    public NodeReport {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(role, "role");
        if (epoch < 0 || appliedSeq < 0 || committedSeq < 0 || committedSeq > appliedSeq) {
            throw new IllegalArgumentException("inconsistent report: epoch=" + epoch + " appliedSeq=" + appliedSeq
                    + " committedSeq=" + committedSeq);
        }
    }
}
