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

    /** pred -> succ: opens a link in a configuration. */
    record Hello(long epoch, String fromId) implements Frame {
        public Hello {
            Objects.requireNonNull(fromId, "fromId");
        }
    }

    /**
     * succ -> pred: where the successor's log ends. {@code entryEpochAtApplied} is the entryEpoch of its entry at
     * {@code appliedSeq} (0 for an empty log), so that the predecessor can detect a diverged log.
     */
    record Position(long epoch, long appliedSeq, long entryEpochAtApplied) implements Frame {
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
}
