package io.catena.node.storage;

/** One committed key-value pair of an ordered scan, with the seq of the write that produced it. */
public record ScanItem(byte[] key, long seq, byte[] value) {
}
