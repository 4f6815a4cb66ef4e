package io.catena.node.storage;

/** A committed value and the seq of the write that produced it (the HTTP ETag). */
public record StoredValue(long seq, byte[] value) {
}
