package io.catena.node.core;

import java.util.Objects;

/** One key of a snapshot of committed data: its value and the seq of the write that produced it. */
public record SnapshotItem(byte[] key, long seq, byte[] value) {

    public SnapshotItem {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        if (seq < 1) {
            throw new IllegalArgumentException("a stored value has a seq >= 1, got " + seq);
        }
    }

    public int sizeBytes() {
        return 16 + key.length + value.length;
    }
}
