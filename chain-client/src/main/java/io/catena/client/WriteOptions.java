package io.catena.client;

/**
 * Options of one write. {@code ack} null means the node's default ({@code all}); {@code ifMatch} null means no
 * {@code If-Match}; {@code ifAbsent} sends {@code If-None-Match: *} (write only if the key has no value).
 */
public record WriteOptions(Ack ack, Long ifMatch, boolean ifAbsent) {

    public static final WriteOptions DEFAULT = new WriteOptions(null, null, false);

    public WriteOptions {
        if (ifMatch != null && ifMatch < 0) {
            throw new IllegalArgumentException("If-Match seq must be >= 0, not " + ifMatch);
        }
        if (ifMatch != null && ifAbsent) {
            throw new IllegalArgumentException("If-Match and If-None-Match: * exclude each other");
        }
    }

    public WriteOptions withAck(Ack value) {
        return new WriteOptions(value, ifMatch, ifAbsent);
    }

    /** Write only if the key's current value was written at {@code seq} (its ETag). */
    public WriteOptions withIfMatch(long seq) {
        return new WriteOptions(ack, seq, false);
    }

    /** Write only if the key has no value. */
    public WriteOptions withIfAbsent() {
        return new WriteOptions(ack, null, true);
    }
}
