package io.catena.node.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.catena.config.ChainConfiguration;
import io.catena.config.ControlPlaneJson;
import io.catena.config.HostPort;
import io.catena.config.NodeDescriptor;
import io.catena.node.core.LogEntry;
import io.catena.node.core.Op;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class EntryEncodingTest {

    @Test
    void aPutEntryRoundTripsWithTheSeqGivenToTheDecoder() {
        LogEntry entry = LogEntry.create(42, 7, Op.PUT, utf8("key"), utf8("value"));

        ByteBuffer encoded = EntryEncoding.encodeEntry(entry);

        assertThat(encoded.remaining()).isEqualTo(EntryEncoding.entryBytes(entry));
        assertThat(EntryEncoding.decodeEntry(42, encoded)).isEqualTo(entry);
    }

    @Test
    void aDeleteEntryRoundTrips() {
        LogEntry entry = LogEntry.create(1, 1, Op.DELETE, utf8("gone"), LogEntry.NO_VALUE);

        assertThat(EntryEncoding.decodeEntry(1, EntryEncoding.encodeEntry(entry))).isEqualTo(entry);
    }

    @Test
    void theLayoutIsEpochOpKeyValueCrcBigEndian() {
        LogEntry entry = LogEntry.create(3, 0x0102030405060708L, Op.PUT, utf8("k"), utf8("vv"));

        ByteBuffer encoded = EntryEncoding.encodeEntry(entry);

        assertThat(encoded.getLong()).isEqualTo(0x0102030405060708L);
        assertThat(encoded.get()).isEqualTo(Op.PUT.code());
        assertThat(encoded.getShort()).isEqualTo((short) 1);
        assertThat(encoded.get()).isEqualTo((byte) 'k');
        assertThat(encoded.getInt()).isEqualTo(2);
        encoded.position(encoded.position() + 2);
        assertThat(encoded.getInt()).isEqualTo(entry.crc());
        assertThat(encoded.hasRemaining()).isFalse();
    }

    @Test
    void keysLongerThan32767BytesKeepAnUnsignedLength() {
        byte[] key = new byte[40_000];
        Arrays.fill(key, (byte) 0xFE);
        LogEntry entry = LogEntry.create(9, 2, Op.PUT, key, new byte[] {0, -1});

        assertThat(EntryEncoding.decodeEntry(9, EntryEncoding.encodeEntry(entry))).isEqualTo(entry);
    }

    @Test
    void aKeyLongerThanTheLengthFieldIsRefused() {
        LogEntry entry = LogEntry.create(1, 1, Op.PUT, new byte[EntryEncoding.KEY_BYTES_MAX + 1], utf8("v"));

        assertThatThrownBy(() -> EntryEncoding.encodeEntry(entry)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theStoredCrcIsReturnedEvenWhenItDoesNotMatch() {
        LogEntry corrupted = new LogEntry(5, 1, Op.PUT, utf8("k"), utf8("v"), 12345);

        LogEntry decoded = EntryEncoding.decodeEntry(5, EntryEncoding.encodeEntry(corrupted));

        assertThat(decoded.crc()).isEqualTo(12345);
        assertThat(decoded.crcValid()).isFalse();
    }

    @Test
    void aTruncatedEntryIsReportedAsCorruptNotAsUnderflow() {
        ByteBuffer encoded = EntryEncoding.encodeEntry(LogEntry.create(1, 1, Op.PUT, utf8("k"), utf8("value")));
        encoded.limit(encoded.limit() - 1);

        assertThatThrownBy(() -> EntryEncoding.decodeEntry(1, encoded))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("truncated");
    }

    @Test
    void encodingIntoADirectBufferMatchesTheHeapEncoding() {
        LogEntry entry = LogEntry.create(8, 3, Op.PUT, utf8("key"), utf8("value"));
        ByteBuffer direct = ByteBuffer.allocateDirect(EntryEncoding.entryBytes(entry));

        EntryEncoding.encodeEntry(entry, direct);

        assertThat(direct.flip()).isEqualTo(EntryEncoding.encodeEntry(entry));
    }

    @Test
    void seqKeysSortAsUnsignedBytesInSeqOrder() {
        byte[] one = seqKey(1);
        byte[] big = seqKey(256);
        byte[] bigger = seqKey(1L << 40);

        assertThat(Arrays.compareUnsigned(one, big)).isNegative();
        assertThat(Arrays.compareUnsigned(big, bigger)).isNegative();
        assertThat(EntryEncoding.decodeSeqKey(ByteBuffer.wrap(bigger))).isEqualTo(1L << 40);
    }

    @Test
    void aDataValueRoundTripsWithItsSeq() {
        ByteBuffer out = ByteBuffer.allocate(EntryEncoding.dataBytes(utf8("value")));
        EntryEncoding.encodeData(77, utf8("value"), out);

        StoredValue decoded = EntryEncoding.decodeData(out.flip());

        assertThat(decoded.seq()).isEqualTo(77);
        assertThat(decoded.value()).isEqualTo(utf8("value"));
    }

    @Test
    void anEmptyDataValueRoundTrips() {
        ByteBuffer out = ByteBuffer.allocate(EntryEncoding.dataBytes(new byte[0]));
        EntryEncoding.encodeData(3, new byte[0], out);

        assertThat(EntryEncoding.decodeData(out.flip()).value()).isEmpty();
    }

    private static byte[] seqKey(long seq) {
        ByteBuffer out = ByteBuffer.allocate(EntryEncoding.SEQ_KEY_BYTES);
        EntryEncoding.encodeSeqKey(seq, out);
        return out.array();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aConfigurationRoundTripsWithItsChainOrderAndLearners() {
        ChainConfiguration configuration =
                new ChainConfiguration(7, List.of(node("n2"), node("n1")), List.of(node("n3")));

        byte[] stored = EntryEncoding.encodeConfiguration(configuration);

        assertThat(EntryEncoding.decodeConfiguration(ByteBuffer.wrap(stored))).isEqualTo(configuration);
    }

    @Test
    void aConfigurationIsStoredAsItsControlPlaneJson() {
        ChainConfiguration configuration = ChainConfiguration.of(2, List.of(node("n1")));

        String stored = new String(EntryEncoding.encodeConfiguration(configuration), StandardCharsets.UTF_8);

        assertThat(stored).isEqualTo(ControlPlaneJson.toJson(configuration).encode());
    }

    @Test
    void anUnreadableStoredConfigurationIsReportedAsCorruption() {
        assertThatThrownBy(() -> EntryEncoding.decodeConfiguration(utf8("{\"epoch\": 1")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("configuration");
        assertThatThrownBy(() -> EntryEncoding.decodeConfiguration(utf8("{\"epoch\": 1, \"chain\": []}")))
                .isInstanceOf(IllegalStateException.class);
    }

    private static NodeDescriptor node(String id) {
        return new NodeDescriptor(id, HostPort.parse("127.0.0.1:8080"), HostPort.parse("127.0.0.1:9090"));
    }
}
