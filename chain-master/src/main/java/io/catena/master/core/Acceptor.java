package io.catena.master.core;

import io.catena.config.ChainConfiguration;
import java.util.Objects;

/**
 * One master's acceptor (docs/master.md, "Several masters"), pure: a {@link BallotMessage.Prepare} or
 * {@link BallotMessage.Accept} in, the state to persist and the answer out. The caller must make {@link
 * Outcome#persist} durable <b>before</b> the answer leaves, or a crash could forget a promise or an acceptance
 * that a leader has already counted.
 *
 * <p>Rules, each in one place:
 * <ul>
 *   <li>Prepare(b): promise if {@code b >= promised} (raising the promise), answering with the last accepted
 *       configuration and its ballot; otherwise Nack.</li>
 *   <li>Accept(b, c): accept if {@code b >= promised} and c's epoch is not below the accepted one (the accepted
 *       epoch never decreases; refusing more never endangers safety); otherwise Nack.</li>
 * </ul>
 */
public final class Acceptor {

    /** The answer to send, and the new state to make durable first (null: unchanged). */
    public record Outcome(AcceptorState persist, BallotMessage answer) {
        public Outcome {
            Objects.requireNonNull(answer, "answer");
        }
    }

    private final String masterId;
    private AcceptorState state;

    public Acceptor(String masterId, AcceptorState stored) {
        this.masterId = Objects.requireNonNull(masterId, "masterId");
        this.state = Objects.requireNonNull(stored, "stored");
    }

    public AcceptorState state() {
        return state;
    }

    public Outcome onPrepare(BallotMessage.Prepare prepare) {
        Ballot ballot = prepare.ballot();
        if (ballot.isBelow(state.promised())) {
            return new Outcome(null, new BallotMessage.Nack(ballot, masterId, state.promised()));
        }
        AcceptorState next = ballot.isAbove(state.promised())
                ? new AcceptorState(ballot, state.acceptedBallot(), state.accepted()) : null;
        return new Outcome(change(next), new BallotMessage.Promise(ballot, prepare.probeMs(), masterId,
                state.acceptedBallot(), state.accepted()));
    }

    public Outcome onAccept(BallotMessage.Accept accept) {
        Ballot ballot = accept.ballot();
        ChainConfiguration configuration = accept.configuration();
        if (ballot.isBelow(state.promised()) || configuration.epoch() < state.accepted().epoch()) {
            return new Outcome(null, new BallotMessage.Nack(ballot, masterId, state.promised()));
        }
        boolean same = ballot.equals(state.acceptedBallot()) && configuration.equals(state.accepted());
        AcceptorState next = same ? null : new AcceptorState(ballot, ballot, configuration);
        return new Outcome(change(next), new BallotMessage.Accepted(ballot, configuration.epoch(), masterId));
    }

    private AcceptorState change(AcceptorState next) {
        if (next != null) {
            state = next;
        }
        return next;
    }
}
