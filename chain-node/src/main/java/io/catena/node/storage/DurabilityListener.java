package io.catena.node.storage;

/** Told by the storage writer, on its own thread, after each batch is durable (or the writer fails). */
public interface DurabilityListener {

    /**
     * The first {@code persistCount} persists submitted since the storage was opened are durable: the log ends at
     * {@code appliedSeq} and data is committed up to {@code committedSeq}. The count lets the replica tell a
     * report written before a log truncation from one written after it.
     */
    void durable(long persistCount, long appliedSeq, long committedSeq);

    /**
     * The writer could not make a batch durable (disk full, I/O error) and has stopped: nothing submitted after
     * the last {@link #durable} report is durable. A node treats this as a crash (fail-stop).
     */
    void failed(Throwable cause);
}
