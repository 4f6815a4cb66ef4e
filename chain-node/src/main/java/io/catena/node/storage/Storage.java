package io.catena.node.storage;

import io.catena.node.core.Effect;
import io.catena.node.core.LogReader;
import java.util.Optional;

/**
 * The storage port (docs/storage.md): a node's replication log, its committed data and its metadata.
 *
 * <p>Writes are asynchronous and strictly ordered: {@link #submit} queues a {@link Effect.Persist}; a single
 * writer drains the queue, commits several persists per transaction (group commit), forces the transaction to
 * disk per the sync policy, and only then reports the new durable position to the {@link DurabilityListener}.
 * Reads ({@link #entry}, {@link #get}) see only committed transactions and may be called from any thread.
 */
public interface Storage extends LogReader, AutoCloseable {

    /** The durable state found at open: where the log ends and what is committed. */
    StoredState recovered();

    /** Sets the one listener told about durability; call before the first {@link #submit}. */
    void setDurabilityListener(DurabilityListener listener);

    /**
     * Queues a persist. A truncation must keep every committed entry and not reach past the end of the log;
     * entries must continue the log (after the truncation, if any) without a gap; {@code commitUpTo} must not pass
     * the last entry appended (by this or an earlier persist). Violations are programming errors and fail the
     * writer, and the transaction they were in changes nothing.
     */
    void submit(Effect.Persist persist);

    /** The committed value of a key, or empty when the key has none (never written, or deleted). */
    Optional<StoredValue> get(byte[] key);

    @Override
    default long committedSeqOf(byte[] key) {
        return get(key).map(StoredValue::seq).orElse(0L);
    }

    /**
     * Committed pairs in unsigned byte order of their keys: keys that start with {@code prefix} (empty: all) and
     * sort after {@code after} (null: from the first), at most {@code limit}; all from one consistent view.
     */
    java.util.List<ScanItem> scan(byte[] prefix, byte[] after, int limit);

    /** A digest of the committed data and the committedSeq it reflects, from one consistent view. */
    DataDigest digest();

    /**
     * Records the writer's batch sizes and commit latency in {@code registry} (docs/operations.md); call once,
     * before the first {@link #submit}. A storage without a writer records nothing.
     */
    default void bindMetrics(io.micrometer.core.instrument.MeterRegistry registry) {
    }

    /** Stops the writer after the queued persists are done, and releases the files. */
    @Override
    void close();
}
