package io.catena.node.core;

/**
 * How far down the chain a write must be durable before the head answers (docs/consistency.md): the first
 * {@code nodes} nodes of the chain, or {@link #ALL} (the tail has it: committed, visible to reads at the tail).
 * {@code head} is {@code nodes = 1}: asynchronous replication, lost if the head fails before forwarding.
 */
public record AckLevel(int nodes) {

    /** Marker for {@code all}: committed at the tail, whatever the chain's length. */
    public static final int ALL_NODES = Integer.MAX_VALUE;
    public static final AckLevel ALL = new AckLevel(ALL_NODES);
    public static final AckLevel HEAD = new AckLevel(1);

    public AckLevel {
        if (nodes < 1) {
            throw new IllegalArgumentException("an ack level counts at least one node, got " + nodes);
        }
    }

    /**
     * Parses {@code all}, {@code head} or a node count 1..{@code nodesMax}.
     *
     * @throws IllegalArgumentException with a message for the client when it is none of those
     */
    public static AckLevel parse(String text) {
        if (text.equals("all")) {
            return ALL;
        }
        if (text.equals("head")) {
            return HEAD;
        }
        if (!text.matches("[1-9][0-9]{0,8}")) {
            throw new IllegalArgumentException("ack must be all, head or a node count >= 1, got '" + text + "'");
        }
        return new AckLevel(Integer.parseInt(text));
    }

    public boolean isAll() {
        return nodes == ALL_NODES;
    }

    /** The level a chain of {@code chainLength} nodes satisfies this one with: a count of all of them is all. */
    AckLevel within(int chainLength) {
        return nodes >= chainLength ? ALL : this;
    }

    /** {@code all}, {@code head} or the node count, as in the request. */
    public String wireName() {
        return isAll() ? "all" : nodes == 1 ? "head" : Integer.toString(nodes);
    }
}
