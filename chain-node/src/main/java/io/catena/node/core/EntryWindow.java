package io.catena.node.core;

/**
 * The replica's in-memory run of recent log entries, {@code [firstSeq, firstSeq + size)}, consecutive by seq.
 * It is a cache in front of the durable log: entries are appended as they are accepted and dropped once
 * committed and delivered downstream; anything older is read back through {@link LogReader}.
 */
final class EntryWindow {

    private LogEntry[] ring = new LogEntry[1024];
    private int head;
    private int size;
    private long firstSeq;

    EntryWindow(long nextSeq) {
        this.firstSeq = nextSeq;
    }

    /** The seq the next {@link #append} must carry. */
    long nextSeq() {
        return firstSeq + size;
    }

    int size() {
        return size;
    }

    void append(LogEntry entry) {
        if (entry.seq() != nextSeq()) {
            throw new IllegalStateException("window expects seq " + nextSeq() + ", got " + entry.seq());
        }
        if (size == ring.length) {
            grow();
        }
        ring[(head + size) & (ring.length - 1)] = entry;
        size++;
    }

    /** The entry at {@code seq}, or null when it is outside the window. */
    LogEntry get(long seq) {
        if (seq < firstSeq || seq >= nextSeq()) {
            return null;
        }
        return ring[(head + (int) (seq - firstSeq)) & (ring.length - 1)];
    }

    /** Forgets entries up to and including {@code seq}. */
    void dropThrough(long seq) {
        while (size > 0 && firstSeq <= seq) {
            ring[head] = null;
            head = (head + 1) & (ring.length - 1);
            firstSeq++;
            size--;
        }
    }

    /** Forgets everything; the next append must carry {@code nextSeq}. */
    void reset(long nextSeq) {
        java.util.Arrays.fill(ring, null);
        head = 0;
        size = 0;
        firstSeq = nextSeq;
    }

    private void grow() {
        LogEntry[] bigger = new LogEntry[ring.length * 2];
        for (int i = 0; i < size; i++) {
            bigger[i] = ring[(head + i) & (ring.length - 1)];
        }
        ring = bigger;
        head = 0;
    }
}
