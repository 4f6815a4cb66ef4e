package io.catena.node.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.catena.node.core.Frame;
import io.catena.node.core.LogEntry;
import io.catena.node.core.Op;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameCodecTest {

    static Frame roundTrip(Frame frame) {
        Buffer encoded = FrameCodec.encode(frame);
        assertThat(encoded.getInt(0)).isEqualTo(encoded.length() - FrameCodec.LENGTH_FIELD_BYTES);
        return FrameCodec.decode(encoded.slice(FrameCodec.LENGTH_FIELD_BYTES, encoded.length()));
    }

    static LogEntry entry(long seq, String key, String value) {
        return LogEntry.create(seq, 3, Op.PUT, key.getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void every_frame_type_survives_encoding_unchanged() {
        List<Frame> frames = List.of(
                new Frame.Hello(3, "n1", 40),
                new Frame.Position(3, 42, 2, 40, 2),
                new Frame.Truncate(3, 40),
                new Frame.Entries(3, List.of(entry(1, "a", "x"), entry(2, "b", ""),
                        LogEntry.create(3, 3, Op.DELETE, new byte[] {1, 2}, LogEntry.NO_VALUE))),
                new Frame.Ack(3, 40, new long[] {42, 41}));
        for (Frame frame : frames) {
            assertThat(roundTrip(frame)).isEqualTo(frame);
        }
    }

    @Test
    void the_crc_travels_with_the_entry_so_corruption_is_detectable_after_decoding() {
        Buffer encoded = FrameCodec.encode(new Frame.Entries(3, List.of(entry(1, "key", "value"))));
        int lastValueByte = encoded.length() - 5;
        encoded.setByte(lastValueByte, (byte) 'X');

        Frame.Entries decoded = (Frame.Entries) FrameCodec.decode(encoded.slice(4, encoded.length()));

        assertThat(decoded.entries().get(0).crcValid()).isFalse();
    }

    @Test
    void a_truncated_frame_is_a_format_error() {
        Buffer encoded = FrameCodec.encode(new Frame.Position(1, 5, 1, 0));

        assertThatThrownBy(() -> FrameCodec.decode(encoded.slice(4, encoded.length() - 3)))
                .isInstanceOf(FrameFormatException.class).hasMessageContaining("truncated");
    }

    @Test
    void an_unknown_frame_type_is_a_format_error() {
        Buffer body = Buffer.buffer().appendByte((byte) 99).appendLong(1);

        assertThatThrownBy(() -> FrameCodec.decode(body)).isInstanceOf(FrameFormatException.class);
    }

    @Test
    void an_entry_count_larger_than_the_frame_can_hold_is_a_format_error() {
        Buffer body = Buffer.buffer().appendByte((byte) 3).appendLong(1).appendInt(1_000_000);

        assertThatThrownBy(() -> FrameCodec.decode(body)).isInstanceOf(FrameFormatException.class)
                .hasMessageContaining("entry count");
    }

    @Test
    void trailing_bytes_after_a_frame_are_a_format_error() {
        Buffer encoded = FrameCodec.encode(new Frame.Hello(1, "n1", 0)).appendByte((byte) 0);

        assertThatThrownBy(() -> FrameCodec.decode(encoded.slice(4, encoded.length())))
                .isInstanceOf(FrameFormatException.class).hasMessageContaining("trailing");
    }
}
