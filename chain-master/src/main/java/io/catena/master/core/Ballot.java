package io.catena.master.core;

import java.util.Comparator;
import java.util.Objects;

/**
 * A master's ballot (docs/master.md, "Several masters"): a round number and the id of the master that chose it.
 * Ballots are totally ordered, round first, then master id, so two masters never hold the same ballot. A master
 * picks its next round above every round it has seen, its own acceptor's promises included, so a restarted master
 * never reuses a ballot.
 */
public record Ballot(long round, String masterId) implements Comparable<Ballot> {

    /** Below every real ballot: what an acceptor has promised before it has promised anything. */
    public static final Ballot ZERO = new Ballot(0, "");

    private static final Comparator<Ballot> ORDER = Comparator.comparingLong(Ballot::round)
            .thenComparing(Ballot::masterId);

    public Ballot {
        Objects.requireNonNull(masterId, "masterId");
        if (round < 0 || (round == 0) != masterId.isEmpty()) {
            throw new IllegalArgumentException("a ballot has a positive round and a master id (or is ZERO): "
                    + round + "/" + masterId);
        }
    }

    /** The first ballot of {@code masterId} above {@code seen}. */
    public static Ballot above(Ballot seen, String masterId) {
        return new Ballot(seen.round + 1, masterId);
    }

    public boolean isAbove(Ballot other) {
        return compareTo(other) > 0;
    }

    public boolean isBelow(Ballot other) {
        return compareTo(other) < 0;
    }

    @Override
    public int compareTo(Ballot other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return round + "/" + masterId;
    }
}
