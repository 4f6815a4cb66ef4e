package io.catena.node.core;

import io.catena.config.NodeDescriptor;

/** How a client write ended, as the replica decided it; the HTTP layer maps each to a status code. */
public sealed interface WriteOutcome {

    /** The tail has the entry: it is committed at {@code seq}. HTTP 200. */
    record Committed(long seq) implements WriteOutcome {
    }

    /**
     * The first {@code ack.nodes()} nodes of the chain hold the entry durably, but it is not known to be committed
     * (ack levels {@code head} and N below the chain's length). HTTP 200 with the level met.
     */
    record Durable(long seq, AckLevel ack) implements WriteOutcome {
    }

    /** The precondition did not hold: the key's latest version is {@code currentSeq} (0: none). HTTP 412. */
    record PreconditionFailed(long currentSeq) implements WriteOutcome {
    }

    /** The request cannot be served as asked, whatever the timing (for example ack=N above the chain length). HTTP 400. */
    record Invalid(String reason) implements WriteOutcome {
    }

    /** This node is not the head; {@code head} is, in this node's configuration. HTTP 307. */
    record NotHead(NodeDescriptor head) implements WriteOutcome {
    }

    /** The write was not accepted and had no effect (for example, too many writes pending). HTTP 503. */
    record Rejected(String reason) implements WriteOutcome {
    }

    /**
     * The entry was assigned {@code seq} and handed down the chain, but no commit was seen in time: it may or may
     * not take effect. HTTP 504 with {@code "error": "outcome_unknown"}; never reported as a failure.
     */
    record OutcomeUnknown(long seq, String reason) implements WriteOutcome {
    }
}
