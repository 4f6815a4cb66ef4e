package io.catena.node.core;

import java.util.Objects;

/** A client write as the head receives it: the operation, its ack level and its precondition. */
public record WriteRequest(Op op, byte[] key, byte[] value, AckLevel ack, Precondition precondition) {

    public WriteRequest {
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(ack, "ack");
        Objects.requireNonNull(precondition, "precondition");
    }

    /** An unconditional write acknowledged once committed (ack level all). */
    public static WriteRequest of(Op op, byte[] key, byte[] value) {
        return new WriteRequest(op, key, value, AckLevel.ALL, Precondition.NONE);
    }
}
