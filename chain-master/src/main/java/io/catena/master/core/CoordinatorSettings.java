package io.catena.master.core;

import io.catena.config.MasterSettings;

/**
 * The coordinator's limits (see MasterSettings for defaults).
 *
 * @param chainLengthMin       nodes that must be alive before the first configuration (epoch 1) is formed
 * @param leaseMs              lease granted per report; nodes count it from when they sent the report
 * @param leaseMarginMs        extra wait past a lease's end before acting on it (clock-rate drift, scheduling)
 * @param reportTimeoutMs      a node with no report for this long is suspected
 * @param promoteLagEntriesMax a caught-up learner is promoted only when its appliedSeq is at most this many entries
 *                             behind the tail's last reported committedSeq
 */
public record CoordinatorSettings(int chainLengthMin, long leaseMs, long leaseMarginMs, long reportTimeoutMs,
                                  long promoteLagEntriesMax) {

    public CoordinatorSettings {
        if (chainLengthMin < 1 || leaseMs < 1 || leaseMarginMs < 0 || reportTimeoutMs < 1
                || promoteLagEntriesMax < 0) {
            throw new IllegalArgumentException("invalid coordinator settings: " + this);
        }
    }

    /** With the default promotion lag ({@link MasterSettings#PROMOTE_LAG_ENTRIES_MAX_DEFAULT}). */
    public CoordinatorSettings(int chainLengthMin, long leaseMs, long leaseMarginMs, long reportTimeoutMs) {
        this(chainLengthMin, leaseMs, leaseMarginMs, reportTimeoutMs, MasterSettings.PROMOTE_LAG_ENTRIES_MAX_DEFAULT);
    }
}
