package io.catena.node.core;

import io.catena.config.NodeDescriptor;

/** Whether this node may answer a read of committed data now. */
public sealed interface ReadDecision {

    /** Serve from local committed data. */
    record Serve() implements ReadDecision {
    }

    /** Not the tail: the read belongs at {@code tail}. HTTP 307. */
    record Redirect(NodeDescriptor tail) implements ReadDecision {
    }

    /**
     * A strong read at a node where the key is dirty (an entry for it is not yet committed here): the answer is
     * the tail's committed version, which this node asks {@code tail} for (CRAQ's version query).
     */
    record AskTail(NodeDescriptor tail) implements ReadDecision {
    }

    /** The tail, but it cannot answer safely now (no lease, or still catching up). HTTP 503. */
    record Unavailable(String reason) implements ReadDecision {
    }

    ReadDecision SERVE = new Serve();
}
