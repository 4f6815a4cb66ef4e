package io.catena.config;

/**
 * A node's place in a configuration. {@link #SOLE} is a chain of one: head and tail at once. A {@link #LEARNER}
 * is attached after the tail and catches up from it (docs/protocol.md, "Learners"): it is not in the chain, it
 * takes no part in commits and serves no reads. {@link #OUTSIDE} is a node the configuration does not name.
 */
public enum Role {
    HEAD, MIDDLE, TAIL, SOLE, LEARNER, OUTSIDE;

    /** Whether this role accepts client writes (the chain's entry point). */
    public boolean isHead() {
        return this == HEAD || this == SOLE;
    }

    /** Whether the configuration names this node in its chain (learners are not in it). */
    public boolean isInChain() {
        return this != OUTSIDE && this != LEARNER;
    }

    /** Whether this role commits entries and serves strong reads (the chain's exit point). */
    public boolean isTail() {
        return this == TAIL || this == SOLE;
    }

    /** The lower-case name used in JSON and logs. */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
