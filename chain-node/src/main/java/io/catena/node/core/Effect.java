package io.catena.node.core;

import io.catena.config.NodeDescriptor;
import java.util.List;
import java.util.Objects;

/** What the replica asks its runtime to do. See {@link Effects} for the order they are carried out in. */
public sealed interface Effect {

    /**
     * One ordered storage step. In this order, in one transaction or several but never reordered with other
     * persists: if {@code snapshot} is non-null, install that part of a snapshot (the first part discards the
     * log and the data; the last records the snapshot's seq as applied and committed, with an empty log after
     * it); if {@code truncateAfter >= 0}, discard log entries after that seq (never committed ones); if
     * {@code configuration} is non-null, record it as the highest configuration accepted; append {@code append}
     * (consecutive seqs, continuing the log); apply every log entry up to {@code commitUpTo} to the committed
     * data and record {@code commitUpTo} as the committed seq; if {@code compactThrough >= 0}, delete log
     * entries up to that seq (committed ones only: the log then starts after it). Persists complete strictly in
     * the order issued; completion is reported back through {@link ChainReplica#onDurable(long, long, long)}
     * with the number of persists completed so far.
     */
    record Persist(List<LogEntry> append, long commitUpTo, long truncateAfter,
                   io.catena.config.ChainConfiguration configuration, long compactThrough,
                   SnapshotPart snapshot) implements Effect {
        public static final long NO_TRUNCATE = -1;
        public static final long NO_COMPACTION = -1;

        public Persist {
            append = List.copyOf(append);
            if (snapshot != null && (!append.isEmpty() || truncateAfter >= 0 || compactThrough >= 0)) {
                throw new IllegalArgumentException("a snapshot part travels alone (a configuration may ride along)");
            }
        }

        public Persist(List<LogEntry> append, long commitUpTo, long truncateAfter,
                       io.catena.config.ChainConfiguration configuration) {
            this(append, commitUpTo, truncateAfter, configuration, NO_COMPACTION, null);
        }

        /** Append and commit only (the common case). */
        public Persist(List<LogEntry> append, long commitUpTo) {
            this(append, commitUpTo, NO_TRUNCATE, null);
        }

        /** Deletes committed log entries through {@code compactThrough}; {@code commitUpTo} keeps the commit point. */
        public static Persist compaction(long commitUpTo, long compactThrough) {
            return new Persist(List.of(), commitUpTo, NO_TRUNCATE, null, compactThrough, null);
        }

        /** One part of a snapshot being installed. */
        public static Persist snapshot(SnapshotPart part) {
            return new Persist(List.of(), part.last() ? part.seq() : 0, NO_TRUNCATE, null, NO_COMPACTION, part);
        }

        public long lastSeq() {
            return append.isEmpty() ? 0 : append.get(append.size() - 1).seq();
        }
    }

    /**
     * A part of a snapshot of committed data at {@code seq} (whose entry has {@code entryEpoch}): the first part
     * discards the receiver's log and data, every part adds its items, the last sets the position.
     */
    record SnapshotPart(long seq, long entryEpoch, boolean first, boolean last, List<SnapshotItem> items) {
        public SnapshotPart {
            items = List.copyOf(items);
        }
    }

    /** Open the link to the successor; the transport answers with linkUp or linkConnectFailed. */
    record Connect(long linkId, NodeDescriptor successor) implements Effect {
        public Connect {
            Objects.requireNonNull(successor, "successor");
        }
    }

    /** Send a frame on a link; frames on one link arrive in the order sent, or the link closes. */
    record Send(long linkId, Frame frame) implements Effect {
    }

    /** Close a link, with the reason for the log. */
    record Close(long linkId, String reason) implements Effect {
    }

    /** Complete a client write. */
    record Reply(long requestId, WriteOutcome outcome) implements Effect {
    }
}
