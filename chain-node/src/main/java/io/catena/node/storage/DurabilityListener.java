package io.catena.node.storage;

/** Told by the storage writer, on its own thread, after each batch is durable (or the writer fails). */
public interface DurabilityListener {

    /** Everything up to {@code appliedSeq} is durable in the log; data is committed up to {@code committedSeq}. */
    void durable(long appliedSeq, long committedSeq);

    /**
     * The writer could not make a batch durable (disk full, I/O error) and has stopped: nothing submitted after
     * the last {@link #durable} report is durable. A node treats this as a crash (fail-stop).
     */
    void failed(Throwable cause);
}
