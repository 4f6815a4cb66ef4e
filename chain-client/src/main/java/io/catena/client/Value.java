package io.catena.client;

/** A value read from the chain and the seq of the write that produced it (its ETag). */
public record Value(byte[] bytes, long seq) {
}
