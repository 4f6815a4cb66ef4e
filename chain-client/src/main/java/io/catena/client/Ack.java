package io.catena.client;

import java.util.Objects;

/**
 * How far down the chain a write must get before the head answers: {@code all} (the tail has it: the default),
 * {@code head} (the head has it durable), or a number N of nodes counted from the head. Sent as {@code ?ack=}.
 */
public record Ack(String wire) {

    public static final Ack ALL = new Ack("all");
    public static final Ack HEAD = new Ack("head");

    public Ack {
        Objects.requireNonNull(wire, "wire");
        if (!wire.equals("all") && !wire.equals("head") && !isPositiveCount(wire)) {
            throw new IllegalArgumentException("ack must be all, head or a number of nodes >= 1, not '" + wire + "'");
        }
    }

    /** Parses {@code all}, {@code head} or {@code N} (N >= 1). */
    public static Ack parse(String text) {
        return new Ack(text.trim());
    }

    private static boolean isPositiveCount(String text) {
        if (text.isEmpty() || text.length() > 3 || !text.chars().allMatch(Character::isDigit)) {
            return false;
        }
        return Integer.parseInt(text) >= 1;
    }

    @Override
    public String toString() {
        return wire;
    }
}
