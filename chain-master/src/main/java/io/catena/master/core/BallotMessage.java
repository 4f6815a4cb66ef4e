package io.catena.master.core;

import io.catena.config.ChainConfiguration;
import java.util.Objects;

/**
 * The messages between masters (docs/master.md, "Several masters"), each carrying the ballot it is about. A
 * leader sends {@link Prepare} and {@link Accept} to every master, itself included; each master's
 * {@link Acceptor} answers with {@link Promise}, {@link Accepted} or {@link Nack}.
 */
public sealed interface BallotMessage {

    Ballot ballot();

    /**
     * Phase 1, and the leader's periodic confirmation: "promise to accept nothing below {@code ballot}".
     *
     * @param probeMs the leader's own clock when it sent this; echoed in the promise, so the leader knows that a
     *                majority still followed it at that time
     */
    record Prepare(Ballot ballot, long probeMs) implements BallotMessage {
        public Prepare {
            Objects.requireNonNull(ballot, "ballot");
        }
    }

    /** An acceptor promised {@code ballot}; it reports the last configuration it accepted and under which ballot. */
    record Promise(Ballot ballot, long probeMs, String from, Ballot acceptedBallot, ChainConfiguration accepted)
            implements BallotMessage {
        public Promise {
            Objects.requireNonNull(ballot, "ballot");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(acceptedBallot, "acceptedBallot");
            Objects.requireNonNull(accepted, "accepted");
        }
    }

    /** Phase 2: "accept {@code configuration} (its epoch is the slot) under {@code ballot}". */
    record Accept(Ballot ballot, ChainConfiguration configuration) implements BallotMessage {
        public Accept {
            Objects.requireNonNull(ballot, "ballot");
            Objects.requireNonNull(configuration, "configuration");
            if (configuration.isNone()) {
                throw new IllegalArgumentException("nothing to accept under " + ballot + ": no configuration");
            }
        }
    }

    /** An acceptor durably accepted the configuration of {@code epoch} under {@code ballot}. */
    record Accepted(Ballot ballot, long epoch, String from) implements BallotMessage {
        public Accepted {
            Objects.requireNonNull(ballot, "ballot");
            Objects.requireNonNull(from, "from");
        }
    }

    /**
     * An acceptor refused a {@link Prepare} or an {@link Accept} under {@code ballot}: it has promised
     * {@code promised}, higher (or, for an accept, it already holds a later epoch: then {@code promised} may equal
     * {@code ballot} and the leader only does not count it).
     */
    record Nack(Ballot ballot, String from, Ballot promised) implements BallotMessage {
        public Nack {
            Objects.requireNonNull(ballot, "ballot");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(promised, "promised");
        }
    }
}
