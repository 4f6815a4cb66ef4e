package io.catena.client;

import java.util.List;

/**
 * One page of {@code GET /kv}: items in unsigned byte order of their keys; {@code next} is the key to pass as
 * {@code after} for the next page, null when this page is the last; {@code limit} is the limit that applied.
 */
public record ScanPage(List<Item> items, String next, int limit) {

    /** One pair; {@code value} is null when the scan asked for keys only. */
    public record Item(String key, long seq, byte[] value) {
    }
}
