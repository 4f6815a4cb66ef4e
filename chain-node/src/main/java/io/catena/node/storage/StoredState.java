package io.catena.node.storage;

import io.catena.config.ChainConfiguration;

/**
 * Durable state recovered at open.
 *
 * @param appliedSeq     the last seq in the log (0 for an empty log)
 * @param lastEntryEpoch the entryEpoch of the entry at appliedSeq (0 for an empty log)
 * @param committedSeq   the last seq applied to the committed data (at most appliedSeq)
 * @param configuration  the highest configuration this node accepted ({@link ChainConfiguration#NONE} if none)
 * @param compactedSeq   the log holds no entry at or before this seq (compacted, or replaced by a snapshot)
 */
public record StoredState(long appliedSeq, long lastEntryEpoch, long committedSeq,
                          ChainConfiguration configuration, long compactedSeq) {

    public static final StoredState EMPTY = new StoredState(0, 0, 0, ChainConfiguration.NONE);

    public StoredState {
        java.util.Objects.requireNonNull(configuration, "configuration");
        if (appliedSeq < 0 || committedSeq < 0 || committedSeq > appliedSeq || compactedSeq < 0
                || compactedSeq > committedSeq) {
            throw new IllegalArgumentException("inconsistent stored state: applied=" + appliedSeq
                    + " committed=" + committedSeq + " compacted=" + compactedSeq);
        }
    }

    /** A state whose log was never compacted. */
    public StoredState(long appliedSeq, long lastEntryEpoch, long committedSeq, ChainConfiguration configuration) {
        this(appliedSeq, lastEntryEpoch, committedSeq, configuration, 0);
    }
}
