package io.catena.node.core;

/**
 * The named limits the replica enforces (see NodeSettings for defaults and ranges).
 *
 * @param pendingWritesMax         writes the head holds uncommitted before it rejects new ones
 * @param replicationWindowEntries entries sent to the successor beyond what it reported durable
 * @param frameBytesMax            bytes of entries per Entries frame at most (one entry may exceed it alone)
 * @param writeTimeoutMs           how long a client write waits for its commit before its outcome is unknown
 * @param reconnectDelayMs         pause between attempts to open the link to the successor
 * @param logRetentionEntries      committed entries kept in the log behind the commit point for successors to
 *                                 catch up from; older ones are compacted away (a successor further behind
 *                                 gets a snapshot)
 * @param snapshotChunkBytes       bytes of keys and values per snapshot chunk, about
 */
public record ReplicaLimits(int pendingWritesMax, int replicationWindowEntries, int frameBytesMax,
                            long writeTimeoutMs, long reconnectDelayMs, long logRetentionEntries,
                            int snapshotChunkBytes) {

    /** Snapshot chunks sent ahead of the successor's SnapshotAck: bounds memory on both sides. */
    public static final int SNAPSHOT_CHUNKS_IN_FLIGHT_MAX = 4;

    public ReplicaLimits {
        if (pendingWritesMax < 1 || replicationWindowEntries < 1 || frameBytesMax < 1 || writeTimeoutMs < 1
                || reconnectDelayMs < 1 || logRetentionEntries < 1 || snapshotChunkBytes < 1) {
            throw new IllegalArgumentException("every replica limit must be positive: " + this);
        }
    }

    /** Limits that never compact in practice, with 1 MiB snapshot chunks. */
    public ReplicaLimits(int pendingWritesMax, int replicationWindowEntries, int frameBytesMax, long writeTimeoutMs,
                         long reconnectDelayMs) {
        this(pendingWritesMax, replicationWindowEntries, frameBytesMax, writeTimeoutMs, reconnectDelayMs,
                Long.MAX_VALUE / 4, 1 << 20);
    }
}
