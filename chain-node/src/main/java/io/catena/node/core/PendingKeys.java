package io.catena.node.core;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The keys with log entries not yet applied to this node's data: CRAQ's dirty keys (docs/consistency.md). For
 * each such key it keeps the latest entry's version, which is the key's current version in sequence order: what a
 * strong read must not answer from local data, and what a conditional write at the head is checked against.
 *
 * <p>An entry stays pending until data is durably committed through its seq ({@link #releaseThrough}) or the log
 * discards it ({@link #truncateAfter}).
 */
final class PendingKeys {

    /** A key's latest pending version: its seq, and whether that entry deletes the key. */
    record Version(long seq, boolean deleted) {
        /** The version a precondition sees: 0 when the key has no value. */
        long visibleSeq() {
            return deleted ? 0 : seq;
        }
    }

    private final Map<ByteBuffer, Version> latest = new HashMap<>();
    private final ArrayDeque<LogEntry> bySeq = new ArrayDeque<>();

    void add(LogEntry entry) {
        if (!bySeq.isEmpty() && entry.seq() <= bySeq.peekLast().seq()) {
            throw new IllegalStateException("pending entries must grow by seq: " + entry.seq() + " after "
                    + bySeq.peekLast().seq());
        }
        latest.put(ByteBuffer.wrap(entry.key()), new Version(entry.seq(), entry.op() == Op.DELETE));
        bySeq.addLast(entry);
    }

    /** The log's entries after {@code afterSeq} were discarded: their keys fall back to earlier pending versions. */
    void truncateAfter(long afterSeq) {
        if (bySeq.isEmpty() || bySeq.peekLast().seq() <= afterSeq) {
            return;
        }
        while (!bySeq.isEmpty() && bySeq.peekLast().seq() > afterSeq) {
            bySeq.removeLast();
        }
        latest.clear();
        for (LogEntry entry : bySeq) {
            latest.put(ByteBuffer.wrap(entry.key()), new Version(entry.seq(), entry.op() == Op.DELETE));
        }
    }

    /** Data now holds every entry through {@code seq}: those keys are clean unless a later entry names them. */
    void releaseThrough(long seq) {
        while (!bySeq.isEmpty() && bySeq.peekFirst().seq() <= seq) {
            LogEntry entry = bySeq.removeFirst();
            ByteBuffer key = ByteBuffer.wrap(entry.key());
            Version version = latest.get(key);
            if (version != null && version.seq() <= seq) {
                latest.remove(key);
            }
        }
    }

    /** The key's latest pending version, or null when the key is clean. */
    Version latest(byte[] key) {
        return latest.get(ByteBuffer.wrap(key));
    }

    int size() {
        return latest.size();
    }
}
