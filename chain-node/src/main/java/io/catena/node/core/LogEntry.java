package io.catena.node.core;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * One entry of the replication log: the write the head assigned to {@code seq} in configuration
 * {@code entryEpoch}. {@code crc} is CRC32C over (seq, entryEpoch, op, key, value); it is computed once at the
 * head, carried in every frame, checked on receipt and stored with the entry.
 *
 * <p>The arrays are owned by the entry: callers must not modify them after construction.
 */
public record LogEntry(long seq, long entryEpoch, Op op, byte[] key, byte[] value, int crc) {

    public static final byte[] NO_VALUE = new byte[0];

    public LogEntry {
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        if (seq < 1) {
            throw new IllegalArgumentException("seq must be >= 1, got " + seq);
        }
        if (entryEpoch < 1) {
            throw new IllegalArgumentException("entryEpoch must be >= 1, got " + entryEpoch);
        }
        if (op == Op.DELETE && value.length != 0) {
            throw new IllegalArgumentException("a DELETE entry carries no value");
        }
    }

    /** A new entry with its checksum computed. */
    public static LogEntry create(long seq, long entryEpoch, Op op, byte[] key, byte[] value) {
        return new LogEntry(seq, entryEpoch, op, key, value, checksum(seq, entryEpoch, op, key, value));
    }

    public static int checksum(long seq, long entryEpoch, Op op, byte[] key, byte[] value) {
        CRC32C crc = new CRC32C();
        ByteBuffer header = ByteBuffer.allocate(Long.BYTES * 2 + 1);
        header.putLong(seq).putLong(entryEpoch).put(op.code()).flip();
        crc.update(header);
        crc.update(key);
        crc.update(value);
        return (int) crc.getValue();
    }

    /** Whether the stored checksum matches the contents: false means the entry was corrupted on the way. */
    public boolean crcValid() {
        return crc == checksum(seq, entryEpoch, op, key, value);
    }

    /** Approximate size in memory and on the wire, for batch and window limits. */
    public int sizeBytes() {
        return 32 + key.length + value.length;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof LogEntry that
                && seq == that.seq && entryEpoch == that.entryEpoch && op == that.op && crc == that.crc
                && Arrays.equals(key, that.key) && Arrays.equals(value, that.value);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(seq) * 31 + crc;
    }

    @Override
    public String toString() {
        return "LogEntry[seq=" + seq + ", entryEpoch=" + entryEpoch + ", op=" + op + ", key="
                + new String(key, StandardCharsets.UTF_8) + ", valueBytes=" + value.length + "]";
    }
}
