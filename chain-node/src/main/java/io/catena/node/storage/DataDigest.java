package io.catena.node.storage;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A fingerprint of a node's committed data, from one consistent view: SHA-256 over every (key, seq, value) in
 * key order, and the committedSeq the view reflects. Two nodes with the same seq and digest hold the same data.
 */
public record DataDigest(long seq, long keys, String sha256) {

    /** Feeds pairs in key order. */
    public static final class Builder {
        private final long seq;
        private final MessageDigest sha;
        private final ByteBuffer header = ByteBuffer.allocate(16);
        private long keys;

        public Builder(long seq) {
            this.seq = seq;
            try {
                this.sha = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java has SHA-256", e);
            }
        }

        public Builder add(byte[] key, long valueSeq, byte[] value) {
            header.clear().putInt(key.length).putLong(valueSeq).putInt(value.length).flip();
            sha.update(header);
            sha.update(key);
            sha.update(value);
            keys++;
            return this;
        }

        public DataDigest build() {
            return new DataDigest(seq, keys, HexFormat.of().formatHex(sha.digest()));
        }
    }
}
