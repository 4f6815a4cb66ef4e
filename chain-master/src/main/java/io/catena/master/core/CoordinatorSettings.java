package io.catena.master.core;

/**
 * The coordinator's limits (see MasterSettings for defaults).
 *
 * @param chainLengthMin  nodes that must be alive before the first configuration (epoch 1) is formed
 * @param leaseMs         lease granted per report; nodes count it from when they sent the report
 * @param leaseMarginMs   extra wait past a lease's end before acting on it (clock-rate drift, scheduling)
 * @param reportTimeoutMs a node with no report for this long is suspected
 */
public record CoordinatorSettings(int chainLengthMin, long leaseMs, long leaseMarginMs, long reportTimeoutMs) {

    public CoordinatorSettings {
        if (chainLengthMin < 1 || leaseMs < 1 || leaseMarginMs < 0 || reportTimeoutMs < 1) {
            throw new IllegalArgumentException("invalid coordinator settings: " + this);
        }
    }
}
