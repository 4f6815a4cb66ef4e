package io.catena.master.core;

import java.util.List;
import java.util.Objects;

/**
 * The coordinator's answer to an operator's request to remove a node ({@code POST /chain/nodes/{id}/remove},
 * docs/master.md "Drain"), with the installs the request caused (carry them out like any other).
 *
 * @param removeAfterMs for {@link Outcome#DRAINING}: the earliest the node can leave the chain, from now
 * @param message       for {@link Outcome#UNKNOWN} and {@link Outcome#REFUSED}: why, for the operator
 */
public record Removal(Outcome outcome, String nodeId, long removeAfterMs, String message, List<Install> installs) {

    public enum Outcome {
        /** A chain node that gets no lease any more and leaves the chain once its last one has surely expired. */
        DRAINING,
        /** The node is not in the configuration (any more); it is not taken back while it stays draining. */
        REMOVED,
        /** The master has never heard of this node. */
        UNKNOWN,
        /** Removing it would leave the chain empty or without a node known to hold every committed entry. */
        REFUSED
    }

    public Removal {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(nodeId, "nodeId");
        installs = List.copyOf(installs);
        if (removeAfterMs < 0) {
            throw new IllegalArgumentException("removeAfterMs must be >= 0, got " + removeAfterMs);
        }
    }
}
