package io.catena.client;

/**
 * Where a read may be served (docs/client.md). {@link #TAIL} is the default: the tail, which holds exactly the
 * committed writes. {@link #STRONG} ({@code ?consistency=strong}) may be served by any node of the chain, which
 * answers with the committed value. {@link #ANY} ({@code ?consistency=any}) may be served by any node from what
 * it has applied, at least up to {@code min_seq} when one is given.
 */
public enum Consistency {
    TAIL, STRONG, ANY;

    /** The {@code consistency} query value, or null for the default (no parameter). */
    String wire() {
        return switch (this) {
            case TAIL -> null;
            case STRONG -> "strong";
            case ANY -> "any";
        };
    }
}
