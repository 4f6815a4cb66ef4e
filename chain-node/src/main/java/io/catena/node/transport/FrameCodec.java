package io.catena.node.transport;

import io.catena.node.core.Frame;
import io.catena.node.core.LogEntry;
import io.catena.node.core.Op;
import io.catena.node.core.SnapshotItem;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary form of {@link Frame}s on a replication link (docs/protocol.md, "Frames"). Big-endian throughout:
 *
 * <pre>
 * frame    = length:u32 body               length = bytes of body
 * body     = type:u8 epoch:u64 payload
 * Hello    (1) = committedSeq:u64 idLength:u16 id:utf8
 * Position (2) = appliedSeq:u64 entryEpochAtApplied:u64 committedSeq:u64 entryEpochAtCommitted:u64
 * Entries  (3) = count:u32 { seq:u64 entryEpoch:u64 op:u8 keyLength:u16 key valueLength:u32 value crc32c:u32 }*
 * Ack      (4) = committedSeq:u64 count:u16 { durableSeq:u64 }*
 * Truncate (5) = afterSeq:u64
 * SnapshotChunk (6) = snapshotSeq:u64 entryEpoch:u64 index:u64 last:u8 count:u32
 *                     { keyLength:u16 key seq:u64 valueLength:u32 value }*
 * SnapshotAck   (7) = index:u64
 * </pre>
 *
 * Decoding never trusts a length field: every read is bounds-checked against the body and a violation is a
 * {@link FrameFormatException}, after which the link is closed.
 */
public final class FrameCodec {

    public static final int LENGTH_FIELD_BYTES = 4;
    static final byte HELLO = 1;
    static final byte POSITION = 2;
    static final byte ENTRIES = 3;
    static final byte ACK = 4;
    static final byte TRUNCATE = 5;
    static final byte SNAPSHOT_CHUNK = 6;
    static final byte SNAPSHOT_ACK = 7;
    private static final int KEY_BYTES_MAX = 511;

    private FrameCodec() {
    }

    /** The whole frame, length prefix included. */
    public static Buffer encode(Frame frame) {
        Buffer buffer = Buffer.buffer(64);
        buffer.appendInt(0);
        if (frame instanceof Frame.Hello hello) {
            byte[] id = hello.fromId().getBytes(StandardCharsets.UTF_8);
            header(buffer, HELLO, frame).appendLong(hello.committedSeq()).appendShort((short) id.length)
                    .appendBytes(id);
        } else if (frame instanceof Frame.Position position) {
            header(buffer, POSITION, frame).appendLong(position.appliedSeq())
                    .appendLong(position.entryEpochAtApplied()).appendLong(position.committedSeq())
                    .appendLong(position.entryEpochAtCommitted());
        } else if (frame instanceof Frame.Entries entries) {
            header(buffer, ENTRIES, frame).appendInt(entries.entries().size());
            for (LogEntry entry : entries.entries()) {
                appendEntry(buffer, entry);
            }
        } else if (frame instanceof Frame.Ack ack) {
            long[] durable = ack.durable();
            header(buffer, ACK, frame).appendLong(ack.committedSeq()).appendShort((short) durable.length);
            for (long seq : durable) {
                buffer.appendLong(seq);
            }
        } else if (frame instanceof Frame.Truncate truncate) {
            header(buffer, TRUNCATE, frame).appendLong(truncate.afterSeq());
        } else if (frame instanceof Frame.SnapshotChunk chunk) {
            header(buffer, SNAPSHOT_CHUNK, frame).appendLong(chunk.snapshotSeq()).appendLong(chunk.entryEpoch())
                    .appendLong(chunk.index()).appendByte((byte) (chunk.last() ? 1 : 0))
                    .appendInt(chunk.items().size());
            for (SnapshotItem item : chunk.items()) {
                buffer.appendShort((short) item.key().length).appendBytes(item.key()).appendLong(item.seq())
                        .appendInt(item.value().length).appendBytes(item.value());
            }
        } else if (frame instanceof Frame.SnapshotAck ack) {
            header(buffer, SNAPSHOT_ACK, frame).appendLong(ack.index());
        } else {
            throw new AssertionError("unknown frame " + frame);
        }
        buffer.setInt(0, buffer.length() - LENGTH_FIELD_BYTES);
        return buffer;
    }

    /** Decodes one frame body (without its length prefix). */
    public static Frame decode(Buffer body) {
        Reader reader = new Reader(body);
        byte type = reader.u8();
        long epoch = reader.u64();
        Frame frame = switch (type) {
            case HELLO -> readHello(reader, epoch);
            case POSITION -> new Frame.Position(epoch, reader.u64(), reader.u64(), reader.u64(), reader.u64());
            case TRUNCATE -> new Frame.Truncate(epoch, reader.u64());
            case ENTRIES -> new Frame.Entries(epoch, readEntries(reader));
            case ACK -> readAck(reader, epoch);
            case SNAPSHOT_CHUNK -> readSnapshotChunk(reader, epoch);
            case SNAPSHOT_ACK -> new Frame.SnapshotAck(epoch, reader.u64());
            default -> throw new FrameFormatException("unknown frame type " + type);
        };
        if (reader.remaining() != 0) {
            throw new FrameFormatException(reader.remaining() + " trailing bytes after frame type " + type);
        }
        return frame;
    }

    private static Buffer header(Buffer buffer, byte type, Frame frame) {
        return buffer.appendByte(type).appendLong(frame.epoch());
    }

    private static void appendEntry(Buffer buffer, LogEntry entry) {
        buffer.appendLong(entry.seq()).appendLong(entry.entryEpoch()).appendByte(entry.op().code())
                .appendShort((short) entry.key().length).appendBytes(entry.key())
                .appendInt(entry.value().length).appendBytes(entry.value())
                .appendInt(entry.crc());
    }

    private static List<LogEntry> readEntries(Reader reader) {
        long count = reader.u32();
        if (count < 1 || count > reader.remaining() / 27) {
            throw new FrameFormatException("implausible entry count " + count);
        }
        List<LogEntry> entries = new ArrayList<>((int) count);
        for (long i = 0; i < count; i++) {
            long seq = reader.u64();
            long entryEpoch = reader.u64();
            Op op;
            try {
                op = Op.fromCode(reader.u8());
            } catch (IllegalArgumentException e) {
                throw new FrameFormatException(e.getMessage());
            }
            int keyLength = reader.u16();
            if (keyLength < 1 || keyLength > KEY_BYTES_MAX) {
                throw new FrameFormatException("key length " + keyLength + " outside 1.." + KEY_BYTES_MAX);
            }
            byte[] key = reader.bytes(keyLength);
            byte[] value = reader.bytes(reader.u32());
            int crc = (int) reader.u32();
            try {
                entries.add(new LogEntry(seq, entryEpoch, op, key, value, crc));
            } catch (IllegalArgumentException e) {
                throw new FrameFormatException("invalid entry: " + e.getMessage());
            }
        }
        return entries;
    }

    private static Frame.SnapshotChunk readSnapshotChunk(Reader reader, long epoch) {
        long snapshotSeq = reader.u64();
        long entryEpoch = reader.u64();
        long index = reader.u64();
        byte last = reader.u8();
        if (last != 0 && last != 1) {
            throw new FrameFormatException("snapshot chunk 'last' flag " + last);
        }
        long count = reader.u32();
        if (count > reader.remaining() / 15) {
            throw new FrameFormatException("implausible snapshot item count " + count);
        }
        List<SnapshotItem> items = new ArrayList<>((int) count);
        for (long i = 0; i < count; i++) {
            int keyLength = reader.u16();
            if (keyLength < 1 || keyLength > KEY_BYTES_MAX) {
                throw new FrameFormatException("key length " + keyLength + " outside 1.." + KEY_BYTES_MAX);
            }
            byte[] key = reader.bytes(keyLength);
            long seq = reader.u64();
            byte[] value = reader.bytes(reader.u32());
            try {
                items.add(new SnapshotItem(key, seq, value));
            } catch (IllegalArgumentException e) {
                throw new FrameFormatException("invalid snapshot item: " + e.getMessage());
            }
        }
        try {
            return new Frame.SnapshotChunk(epoch, snapshotSeq, entryEpoch, index, last == 1, items);
        } catch (IllegalArgumentException e) {
            throw new FrameFormatException(e.getMessage());
        }
    }

    private static Frame.Hello readHello(Reader reader, long epoch) {
        long committedSeq = reader.u64();
        return new Frame.Hello(epoch, new String(reader.bytes(reader.u16()), StandardCharsets.UTF_8), committedSeq);
    }

    private static Frame.Ack readAck(Reader reader, long epoch) {
        long committedSeq = reader.u64();
        int count = reader.u16();
        if (count < 1) {
            throw new FrameFormatException("an Ack carries at least one durable seq");
        }
        long[] durable = new long[count];
        for (int i = 0; i < count; i++) {
            durable[i] = reader.u64();
        }
        return new Frame.Ack(epoch, committedSeq, durable);
    }

    /** Bounds-checked sequential reads over a frame body. */
    private static final class Reader {
        private final Buffer buffer;
        private int position;

        Reader(Buffer buffer) {
            this.buffer = buffer;
        }

        int remaining() {
            return buffer.length() - position;
        }

        private void need(long bytes) {
            if (bytes > remaining()) {
                throw new FrameFormatException("frame truncated: need " + bytes + " bytes at offset " + position
                        + ", have " + remaining());
            }
        }

        byte u8() {
            need(1);
            return buffer.getByte(position++);
        }

        int u16() {
            need(2);
            int value = buffer.getUnsignedShort(position);
            position += 2;
            return value;
        }

        long u32() {
            need(4);
            long value = buffer.getUnsignedInt(position);
            position += 4;
            return value;
        }

        long u64() {
            need(8);
            long value = buffer.getLong(position);
            position += 8;
            return value;
        }

        byte[] bytes(long length) {
            need(length);
            byte[] bytes = buffer.getBytes(position, position + (int) length);
            position += (int) length;
            return bytes;
        }
    }
}
