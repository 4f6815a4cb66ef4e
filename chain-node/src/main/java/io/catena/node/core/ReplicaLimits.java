package io.catena.node.core;

/**
 * The named limits the replica enforces (see NodeSettings for defaults and ranges).
 *
 * @param pendingWritesMax         writes the head holds uncommitted before it rejects new ones
 * @param replicationWindowEntries entries sent to the successor beyond what it reported durable
 * @param frameBytesMax            bytes of entries per Entries frame at most (one entry may exceed it alone)
 * @param writeTimeoutMs           how long a client write waits for its commit before its outcome is unknown
 * @param reconnectDelayMs         pause between attempts to open the link to the successor
 */
public record ReplicaLimits(int pendingWritesMax, int replicationWindowEntries, int frameBytesMax,
                            long writeTimeoutMs, long reconnectDelayMs) {

    public ReplicaLimits {
        if (pendingWritesMax < 1 || replicationWindowEntries < 1 || frameBytesMax < 1 || writeTimeoutMs < 1
                || reconnectDelayMs < 1) {
            throw new IllegalArgumentException("every replica limit must be positive: " + this);
        }
    }
}
