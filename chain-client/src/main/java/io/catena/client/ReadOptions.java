package io.catena.client;

import io.catena.config.HostPort;
import java.util.Objects;

/**
 * Options of one read. {@code node} null lets the client choose: the tail for {@link Consistency#TAIL}, any node
 * of the chain otherwise. {@code minSeq} null sends no {@code min_seq}.
 */
public record ReadOptions(Consistency consistency, Long minSeq, HostPort node) {

    public static final ReadOptions DEFAULT = new ReadOptions(Consistency.TAIL, null, null);

    public ReadOptions {
        Objects.requireNonNull(consistency, "consistency");
        if (minSeq != null && minSeq < 0) {
            throw new IllegalArgumentException("min_seq must be >= 0, not " + minSeq);
        }
        if (minSeq != null && consistency != Consistency.ANY) {
            throw new IllegalArgumentException("min_seq goes with consistency any, not " + consistency);
        }
    }

    public ReadOptions withConsistency(Consistency value) {
        return new ReadOptions(value, value == Consistency.ANY ? minSeq : null, node);
    }

    public ReadOptions withMinSeq(long seq) {
        return new ReadOptions(Consistency.ANY, seq, node);
    }

    public ReadOptions at(HostPort value) {
        return new ReadOptions(consistency, minSeq, value);
    }
}
