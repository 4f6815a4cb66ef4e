package io.catena.node.core;

import java.util.List;

/**
 * A consistent view of a node's committed data, read in bounded chunks (one LMDB read transaction held open
 * until {@link #close}): what a predecessor ships to a successor whose position its log no longer covers
 * (docs/protocol.md, "Snapshots"). Writes continue meanwhile; they are not in the view.
 */
public interface SnapshotSource extends AutoCloseable {

    /** The committedSeq the view reflects: every entry through it is applied, none after. */
    long seq();

    /** The entryEpoch of the entry at {@link #seq()} (0 when seq is 0). */
    long entryEpoch();

    /** The next keys in key order, about {@code bytesMax} of them (at least one if any is left). */
    Chunk next(int bytesMax);

    /** Releases the view; idempotent. */
    @Override
    void close();

    /** Keys of one chunk; {@code last} when no key follows. */
    record Chunk(List<SnapshotItem> items, boolean last) {
        public Chunk {
            items = List.copyOf(items);
        }
    }
}
