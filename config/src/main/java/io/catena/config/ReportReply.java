package io.catena.config;

import java.util.Objects;

/**
 * The master's answer to a {@link NodeReport}: the current configuration and the lease it grants. A node holds
 * the lease for {@code leaseMs} from when it sent the report, and only for {@code configuration}; {@code
 * leaseMs == 0} grants nothing (the node is not in the configuration, or is suspected and about to be removed).
 */
public record ReportReply(ChainConfiguration configuration, long leaseMs, String masterId) {

    public ReportReply {
        Objects.requireNonNull(configuration, "configuration");
        Objects.requireNonNull(masterId, "masterId");
        if (leaseMs < 0) {
            throw new IllegalArgumentException("leaseMs must be >= 0, got " + leaseMs);
        }
    }
}
