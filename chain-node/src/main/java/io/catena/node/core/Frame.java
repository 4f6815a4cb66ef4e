package io.catena.node.core;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The node-to-node protocol (docs/protocol.md). Every frame carries the sender's configuration epoch; a frame
 * from another epoch is rejected, never applied.
 */
public sealed interface Frame {

    long epoch();

    /**
     * pred -> succ: opens a link in a configuration. {@code committedSeq} is the highest seq the predecessor knows
     * committed anywhere upstream (its own commit point or the one its own predecessor's Hello carried): a
     * successor that is the tail serves reads only once its own data is committed that far.
     */
    record Hello(long epoch, String fromId, long committedSeq) implements Frame {
        public Hello {
            Objects.requireNonNull(fromId, "fromId");
        }
    }

    /**
     * succ -> pred: where the successor's log ends. {@code entryEpochAtApplied} is the entryEpoch of its entry at
     * {@code appliedSeq} (0 for an empty log), so that the predecessor can detect a diverged log;
     * {@code committedSeq} tells it how far the successor's log is surely common with every other node's, and
     * {@code entryEpochAtCommitted} lets the predecessor check that claim before telling it to truncate there
     * ({@link #NOT_STATED} skips the check).
     */
    record Position(long epoch, long appliedSeq, long entryEpochAtApplied, long committedSeq,
                    long entryEpochAtCommitted) implements Frame {
        public static final long NOT_STATED = -1;

        public Position(long epoch, long appliedSeq, long entryEpochAtApplied, long committedSeq) {
            this(epoch, appliedSeq, entryEpochAtApplied, committedSeq, NOT_STATED);
        }
    }

    /**
     * pred -> succ, after a Position that diverges: discard your log entries after {@code afterSeq} (they were
     * never committed), then report your Position again. {@code afterSeq} is never below the successor's
     * committedSeq; a successor refuses one that is.
     */
    record Truncate(long epoch, long afterSeq) implements Frame {
    }

    /** pred -> succ: log entries with strictly consecutive seqs. */
    record Entries(long epoch, List<LogEntry> entries) implements Frame {
        public Entries {
            entries = List.copyOf(entries);
            if (entries.isEmpty()) {
                throw new IllegalArgumentException("an Entries frame carries at least one entry");
            }
        }

        public long firstSeq() {
            return entries.get(0).seq();
        }

        public long lastSeq() {
            return entries.get(entries.size() - 1).seq();
        }
    }

    /**
     * succ -> pred, cumulative: everything up to {@code committedSeq} is committed (the tail has it), and
     * {@code durable[i]} is the highest seq durable at the i-th node below the receiver ({@code durable[0]} is the
     * sender itself).
     */
    record Ack(long epoch, long committedSeq, long[] durable) implements Frame {
        public Ack {
            durable = durable.clone();
            if (durable.length == 0) {
                throw new IllegalArgumentException("an Ack carries at least the sender's durable seq");
            }
        }

        @Override
        public long[] durable() {
            return durable.clone();
        }

        public long senderDurableSeq() {
            return durable[0];
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Ack that && epoch == that.epoch && committedSeq == that.committedSeq
                    && Arrays.equals(durable, that.durable);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(epoch) * 31 + Long.hashCode(committedSeq);
        }

        @Override
        public String toString() {
            return "Ack[epoch=" + epoch + ", committedSeq=" + committedSeq + ", durable=" + Arrays.toString(durable)
                    + "]";
        }
    }

    /**
     * pred -> succ: part {@code index} (0, 1, ...) of a snapshot of the predecessor's committed data at
     * {@code snapshotSeq}, whose entry has {@code entryEpoch}. Sent when the predecessor's log no longer holds the
     * entries after the successor's position; part 0 makes the successor discard its log and data, the
     * {@code last} part completes it, and the successor then reports its new Position.
     */
    record SnapshotChunk(long epoch, long snapshotSeq, long entryEpoch, long index, boolean last,
                         List<SnapshotItem> items) implements Frame {
        public SnapshotChunk {
            items = List.copyOf(items);
            if (index < 0 || snapshotSeq < 0) {
                throw new IllegalArgumentException("snapshot chunk " + index + " at seq " + snapshotSeq);
            }
        }
    }

    /** succ -> pred: snapshot parts through {@code index} are durable here (flow control for the sender). */
    record SnapshotAck(long epoch, long index) implements Frame {
    }
}
