package io.catena.master.core;

import static io.catena.master.core.MasterGroup.configuration;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** One master's acceptor: promises, acceptances and refusals, and what it must persist before answering. */
class AcceptorTest {

    final Acceptor acceptor = new Acceptor("m2", AcceptorState.INITIAL);
    final Ballot one = new Ballot(1, "m1");
    final Ballot two = new Ballot(2, "m3");

    @Test
    void a_higher_ballot_is_promised_and_persisted_before_the_answer() {
        Acceptor.Outcome outcome = acceptor.onPrepare(new BallotMessage.Prepare(one, 5));

        assertThat(outcome.persist().promised()).isEqualTo(one);
        assertThat(outcome.answer()).isEqualTo(new BallotMessage.Promise(one, 5, "m2", Ballot.ZERO,
                io.catena.config.ChainConfiguration.NONE));
    }

    @Test
    void the_same_ballot_is_promised_again_without_persisting_a_probe() {
        acceptor.onPrepare(new BallotMessage.Prepare(one, 5));

        Acceptor.Outcome again = acceptor.onPrepare(new BallotMessage.Prepare(one, 9));

        assertThat(again.persist()).isNull();
        assertThat(again.answer()).isInstanceOf(BallotMessage.Promise.class);
    }

    @Test
    void a_lower_ballot_is_refused_with_the_promised_one_and_changes_nothing() {
        acceptor.onPrepare(new BallotMessage.Prepare(two, 0));

        Acceptor.Outcome prepare = acceptor.onPrepare(new BallotMessage.Prepare(one, 0));
        Acceptor.Outcome accept = acceptor.onAccept(new BallotMessage.Accept(one, configuration(1, "n1")));

        assertThat(prepare.answer()).isEqualTo(new BallotMessage.Nack(one, "m2", two));
        assertThat(accept.answer()).isEqualTo(new BallotMessage.Nack(one, "m2", two));
        assertThat(prepare.persist()).isNull();
        assertThat(accept.persist()).isNull();
        assertThat(acceptor.state().accepted().isNone()).isTrue();
    }

    @Test
    void an_accepted_configuration_is_reported_in_later_promises_with_its_ballot() {
        acceptor.onAccept(new BallotMessage.Accept(one, configuration(4, "n1", "n2")));

        Acceptor.Outcome promise = acceptor.onPrepare(new BallotMessage.Prepare(two, 0));

        assertThat(promise.answer()).isEqualTo(new BallotMessage.Promise(two, 0, "m2", one,
                configuration(4, "n1", "n2")));
    }

    @Test
    void the_accepted_epoch_never_decreases() {
        acceptor.onAccept(new BallotMessage.Accept(one, configuration(4, "n1", "n2")));

        Acceptor.Outcome older = acceptor.onAccept(new BallotMessage.Accept(two, configuration(3, "n1")));

        assertThat(older.answer()).isEqualTo(new BallotMessage.Nack(two, "m2", one));
        assertThat(acceptor.state().accepted().epoch()).isEqualTo(4);
    }

    @Test
    void a_higher_ballot_replaces_the_value_accepted_for_the_same_epoch() {
        acceptor.onAccept(new BallotMessage.Accept(one, configuration(4, "n1", "n2")));

        Acceptor.Outcome outcome = acceptor.onAccept(new BallotMessage.Accept(two, configuration(4, "n2")));

        assertThat(outcome.answer()).isEqualTo(new BallotMessage.Accepted(two, 4, "m2"));
        assertThat(outcome.persist()).isEqualTo(new AcceptorState(two, two, configuration(4, "n2")));
    }
}
