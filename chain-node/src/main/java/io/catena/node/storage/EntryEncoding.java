package io.catena.node.storage;

import io.catena.config.ChainConfiguration;
import io.catena.config.ControlPlaneJson;
import io.catena.node.core.LogEntry;
import io.catena.node.core.Op;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Byte layouts of the stored records, all big-endian.
 *
 * <ul>
 *   <li>{@code log} key: seq (8), so that LMDB's byte order is seq order.
 *   <li>{@code log} value: entryEpoch (8), op code (1), key length (2, unsigned), key, value length (4), value,
 *       crc32c (4). The seq is not repeated: it is the record's key.
 *   <li>{@code data} value: seq (8), value bytes (the rest).
 *   <li>{@code meta} value under {@code configuration}: the configuration's control-plane JSON
 *       ({@link ControlPlaneJson#toJson(ChainConfiguration)}), UTF-8, the same text the master sends.
 * </ul>
 *
 * <p>The stored crc is written and read back as is, never recomputed, so a reader can still tell a corrupted
 * entry ({@link LogEntry#crcValid()}). Encoders write at the buffer's position and advance it; decoders read
 * from position to limit and copy the bytes out (LMDB buffers die with their transaction).
 */
public final class EntryEncoding {

    public static final int SEQ_KEY_BYTES = Long.BYTES;
    /** Largest key the 2-byte length field can carry (LMDB's own limit, 511, is lower). */
    public static final int KEY_BYTES_MAX = 0xFFFF;
    private static final int ENTRY_FIXED_BYTES = Long.BYTES + 1 + Short.BYTES + Integer.BYTES + Integer.BYTES;

    private EntryEncoding() {
    }

    /** Bytes {@link #encodeEntry} writes for {@code entry}. */
    public static int entryBytes(LogEntry entry) {
        return ENTRY_FIXED_BYTES + entry.key().length + entry.value().length;
    }

    public static void encodeSeqKey(long seq, ByteBuffer out) {
        out.order(ByteOrder.BIG_ENDIAN).putLong(seq);
    }

    public static long decodeSeqKey(ByteBuffer in) {
        requireRemaining(in, SEQ_KEY_BYTES, "seq key");
        return in.order(ByteOrder.BIG_ENDIAN).getLong();
    }

    public static void encodeEntry(LogEntry entry, ByteBuffer out) {
        if (entry.key().length > KEY_BYTES_MAX) {
            throw new IllegalArgumentException("key of " + entry.key().length + " bytes exceeds " + KEY_BYTES_MAX);
        }
        out.order(ByteOrder.BIG_ENDIAN)
                .putLong(entry.entryEpoch())
                .put(entry.op().code())
                .putShort((short) entry.key().length)
                .put(entry.key())
                .putInt(entry.value().length)
                .put(entry.value())
                .putInt(entry.crc());
    }

    /** A heap buffer holding the encoded entry, flipped for reading. */
    public static ByteBuffer encodeEntry(LogEntry entry) {
        ByteBuffer out = ByteBuffer.allocate(entryBytes(entry));
        encodeEntry(entry, out);
        return out.flip();
    }

    /** The entry stored under {@code seq}; its crc is the stored one. */
    public static LogEntry decodeEntry(long seq, ByteBuffer in) {
        in.order(ByteOrder.BIG_ENDIAN);
        requireRemaining(in, ENTRY_FIXED_BYTES, "log entry at seq " + seq);
        long entryEpoch = in.getLong();
        Op op = Op.fromCode(in.get());
        byte[] key = readBytes(in, Short.toUnsignedInt(in.getShort()), seq);
        requireRemaining(in, Integer.BYTES, "value length at seq " + seq);
        int valueBytes = in.getInt();
        if (valueBytes < 0) {
            throw new IllegalStateException("negative value length " + valueBytes + " at seq " + seq);
        }
        byte[] value = valueBytes == 0 ? LogEntry.NO_VALUE : readBytes(in, valueBytes, seq);
        requireRemaining(in, Integer.BYTES, "crc at seq " + seq);
        int crc = in.getInt();
        return new LogEntry(seq, entryEpoch, op, key, value, crc);
    }

    /** The entryEpoch of an encoded entry, without decoding the rest. */
    public static long decodeEntryEpoch(ByteBuffer in) {
        requireRemaining(in, ENTRY_FIXED_BYTES, "log entry");
        return in.order(ByteOrder.BIG_ENDIAN).getLong(in.position());
    }

    public static int dataBytes(byte[] value) {
        return Long.BYTES + value.length;
    }

    public static void encodeData(long seq, byte[] value, ByteBuffer out) {
        out.order(ByteOrder.BIG_ENDIAN).putLong(seq).put(value);
    }

    public static StoredValue decodeData(ByteBuffer in) {
        requireRemaining(in, Long.BYTES, "data value");
        long seq = in.order(ByteOrder.BIG_ENDIAN).getLong();
        byte[] value = new byte[in.remaining()];
        in.get(value);
        return new StoredValue(seq, value);
    }

    /** The stored form of the highest configuration accepted (meta key {@code configuration}). */
    public static byte[] encodeConfiguration(ChainConfiguration configuration) {
        return ControlPlaneJson.toJson(configuration).encode().getBytes(StandardCharsets.UTF_8);
    }

    /** Reads back what {@link #encodeConfiguration} wrote; unreadable bytes mean corruption, as for entries. */
    public static ChainConfiguration decodeConfiguration(ByteBuffer in) {
        byte[] bytes = new byte[in.remaining()];
        in.get(bytes);
        return decodeConfiguration(bytes);
    }

    public static ChainConfiguration decodeConfiguration(byte[] stored) {
        String text = new String(stored, StandardCharsets.UTF_8);
        try {
            return ControlPlaneJson.configuration(ControlPlaneJson.parse(text));
        } catch (RuntimeException e) { // the codec's IllegalArgumentException, or worse on damaged bytes
            throw new IllegalStateException("unreadable stored configuration (" + e.getMessage() + "): " + text, e);
        }
    }

    private static byte[] readBytes(ByteBuffer in, int length, long seq) {
        requireRemaining(in, length, "field at seq " + seq);
        byte[] bytes = new byte[length];
        in.get(bytes);
        return bytes;
    }

    // Stored bytes that are too short mean corruption or a format mismatch: say which record, not just "underflow".
    private static void requireRemaining(ByteBuffer in, int bytes, String what) {
        if (in.remaining() < bytes) {
            throw new IllegalStateException("truncated " + what + ": need " + bytes + " bytes, have "
                    + in.remaining());
        }
    }
}
