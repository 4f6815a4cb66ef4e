package io.catena.master.core;

import io.catena.config.ChainConfiguration;
import java.util.Objects;

/**
 * What one master's acceptor keeps durably (fsynced before any answer leaves): the highest ballot it has promised,
 * and the last configuration it accepted with the ballot it accepted it under. {@code accepted} is
 * {@link ChainConfiguration#NONE} (with {@link Ballot#ZERO}) before the first.
 *
 * <p>Invariants: {@code acceptedBallot <= promised}; the accepted epoch never decreases (see {@link Acceptor}).
 */
public record AcceptorState(Ballot promised, Ballot acceptedBallot, ChainConfiguration accepted) {

    public static final AcceptorState INITIAL = new AcceptorState(Ballot.ZERO, Ballot.ZERO, ChainConfiguration.NONE);

    public AcceptorState {
        Objects.requireNonNull(promised, "promised");
        Objects.requireNonNull(acceptedBallot, "acceptedBallot");
        Objects.requireNonNull(accepted, "accepted");
        if (acceptedBallot.isAbove(promised)) {
            throw new IllegalArgumentException("accepted under " + acceptedBallot + " above the promise "
                    + promised);
        }
    }

    /**
     * The state of a master that kept only a configuration (before several masters): accepted under no ballot.
     * A configuration accepted under {@link Ballot#ZERO} loses to any accepted under a real ballot in the same
     * epoch, which is right: it was never chosen by a majority of a group of several masters.
     */
    public static AcceptorState of(ChainConfiguration accepted) {
        return new AcceptorState(Ballot.ZERO, Ballot.ZERO, accepted);
    }
}
