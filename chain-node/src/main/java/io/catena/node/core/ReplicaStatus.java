package io.catena.node.core;

import io.catena.config.Role;

/**
 * A snapshot of the replica for {@code GET /status} and tests.
 *
 * @param acceptedSeq  highest seq handed to storage (durable or on its way)
 * @param appliedSeq   highest seq durable in the local log
 * @param committedSeq highest seq known committed (the tail has it)
 * @param downstream   the link to the successor, or null when this node has none
 * @param upstreamLinked whether a predecessor's link is open and has said Hello
 * @param staleFramesRejected frames refused because they carried another epoch
 * @param corruptFramesRejected frames refused because an entry failed its CRC32C or broke the sequence
 * @param caughtUp     this node holds every committed entry of its configuration (see NodeReport)
 * @param leaseUntilMs when the lease from the master runs out, on this node's clock
 * @param compactedSeq the log holds no entry at or before this seq (compaction or a snapshot)
 * @param installingSnapshot a snapshot from the predecessor is being installed
 * @param snapshotsSent snapshots this node started sending to a successor since it started
 * @param snapshotsInstalled snapshots this node installed from its predecessor since it started
 */
public record ReplicaStatus(String id, Role role, long epoch, long acceptedSeq, long appliedSeq,
                            long committedSeq, String predecessor, String successor, Downstream downstream,
                            boolean upstreamLinked, int waitingWrites, long staleFramesRejected,
                            long corruptFramesRejected, boolean caughtUp, long leaseUntilMs,
                            long compactedSeq, boolean installingSnapshot, long snapshotsSent,
                            long snapshotsInstalled) {

    /**
     * The successor link.
     *
     * @param state              connecting, hello_sent, snapshot, streaming or diverged
     * @param sentSeq            highest seq sent on this link
     * @param successorDurableSeq highest seq the successor reported durable
     * @param handshakePosition  the successor's Position at the last handshake (-1 before any)
     * @param handshakeResendThrough the last seq the replica had durable at that handshake: the handshake
     *                           resends (handshakePosition, handshakeResendThrough]
     */
    public record Downstream(String successorId, String state, long sentSeq, long successorDurableSeq,
                             long handshakePosition, long handshakeResendThrough) {
    }
}
