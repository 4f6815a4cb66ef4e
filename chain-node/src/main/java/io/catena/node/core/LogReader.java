package io.catena.node.core;

import java.util.Optional;

/**
 * Read access to the durable log, for the replica to resend entries it no longer holds in memory (a successor
 * that reconnects behind the replica's in-memory window). Implementations answer from durable state only: every
 * seq up to the last durable one is readable, none after it.
 */
public interface LogReader {

    /** The entry at {@code seq}, or empty when the log does not hold it (never written, or truncated). */
    Optional<LogEntry> entry(long seq);

    /**
     * The seq of the write that gave {@code key} its value in committed data, or 0 when data holds no value for it.
     * Reflects at least every commit reported durable so far.
     */
    long committedSeqOf(byte[] key);

    /** Opens a consistent view of committed data for a snapshot; the caller closes it. */
    SnapshotSource openSnapshot();
}
