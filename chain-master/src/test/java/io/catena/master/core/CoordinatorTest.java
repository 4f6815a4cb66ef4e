package io.catena.master.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.catena.config.ChainConfiguration;
import io.catena.config.HostPort;
import io.catena.config.NodeDescriptor;
import io.catena.config.NodeReport;
import io.catena.config.ReportReply;
import io.catena.config.Role;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The master's decisions, one scenario per test, with time as an input. */
class CoordinatorTest {

    static final CoordinatorSettings SETTINGS = new CoordinatorSettings(3, 2_000, 200, 1_000);
    static final long LEASE_END = SETTINGS.leaseMs() + SETTINGS.leaseMarginMs();

    static NodeDescriptor node(String id) {
        int n = Integer.parseInt(id.substring(1));
        return new NodeDescriptor(id, new HostPort("127.0.0.1", 7000 + n), new HostPort("127.0.0.1", 7100 + n));
    }

    final Coordinator coordinator = new Coordinator("m1", SETTINGS, ChainConfiguration.NONE, 0);

    ReportReply report(long nowMs, String id) {
        ChainConfiguration current = coordinator.configuration();
        return coordinator.onReport(nowMs, new NodeReport(node(id), current.epoch(), current.roleOf(id), 0, 0));
    }

    /** Members n1..n3 joined and reported at time 0: epoch 1 is formed. */
    ChainConfiguration formed() {
        coordinator.onMembershipReady(0);
        for (String id : List.of("n3", "n1", "n2")) {
            coordinator.onMemberUp(0, node(id));
            report(0, id);
        }
        List<Install> installs = coordinator.onTick(0);
        assertThat(installs).hasSize(1);
        for (String id : List.of("n1", "n2", "n3")) {
            assertThat(report(0, id).leaseMs()).as("lease for %s", id).isPositive();
        }
        return installs.get(0).configuration();
    }

    /** A membership event's installs plus those of the reports and ticks that follow. */
    List<Install> down(long nowMs, String id, long untilMs, List<String> alive) {
        List<Install> installs = new java.util.ArrayList<>(coordinator.onMemberDown(nowMs, id));
        installs.addAll(run(nowMs, untilMs, alive));
        return installs;
    }

    /** Every node in {@code alive} reports at each step from {@code fromMs} to {@code toMs}; returns installs. */
    List<Install> run(long fromMs, long toMs, List<String> alive) {
        List<Install> installs = new java.util.ArrayList<>();
        for (long t = fromMs; t <= toMs; t += 100) {
            for (String id : alive) {
                report(t, id);
            }
            installs.addAll(coordinator.onTick(t));
        }
        return installs;
    }

    @Test
    void the_first_chain_is_formed_once_enough_nodes_are_alive_in_id_order() {
        coordinator.onMembershipReady(0);
        coordinator.onMemberUp(0, node("n2"));
        report(0, "n2");
        coordinator.onMemberUp(0, node("n1"));
        report(0, "n1");
        assertThat(coordinator.onTick(0)).as("two of three nodes are not enough").isEmpty();

        coordinator.onMemberUp(0, node("n3"));
        report(0, "n3");
        List<Install> installs = coordinator.onTick(0);

        assertThat(installs).singleElement().satisfies(install -> {
            assertThat(install.configuration().epoch()).isEqualTo(1);
            assertThat(install.configuration().chainIds()).containsExactly("n1", "n2", "n3");
            assertThat(install.recipients()).extracting(NodeDescriptor::id).containsExactlyInAnyOrder("n1", "n2", "n3");
        });
    }

    @Test
    void nothing_is_decided_before_membership_is_established() {
        coordinator.onMemberUp(0, node("n1"));
        coordinator.onMemberUp(0, node("n2"));
        coordinator.onMemberUp(0, node("n3"));
        List.of("n1", "n2", "n3").forEach(id -> report(0, id));

        assertThat(coordinator.onTick(0)).isEmpty();
        assertThat(coordinator.onMembershipReady(0)).hasSize(1);
    }

    @Test
    void chain_members_get_a_lease_and_others_do_not() {
        formed();
        coordinator.onMemberUp(0, node("n4"));

        assertThat(report(10, "n1").leaseMs()).isEqualTo(SETTINGS.leaseMs());
        assertThat(report(10, "n4").leaseMs()).isZero();
        assertThat(report(10, "n4").configuration().epoch()).isEqualTo(1);
    }

    @Test
    void a_failed_head_is_removed_only_after_its_lease_has_surely_expired() {
        formed();
        report(500, "n1");
        coordinator.onMemberDown(600, "n1");

        assertThat(run(600, 500 + LEASE_END - 100, List.of("n2", "n3"))).as("lease still running").isEmpty();
        List<Install> installs = run(500 + LEASE_END, 500 + LEASE_END, List.of("n2", "n3"));

        assertThat(installs).singleElement().satisfies(install -> {
            assertThat(install.configuration().epoch()).isEqualTo(2);
            assertThat(install.configuration().chainIds()).containsExactly("n2", "n3");
            assertThat(install.recipients()).extracting(NodeDescriptor::id).contains("n1", "n2", "n3");
        });
    }

    @Test
    void a_master_that_did_not_run_for_a_while_reads_the_reports_before_removing_anyone() {
        formed();
        run(100, 1_000, List.of("n1", "n2", "n3"));
        long resumedMs = 1_000 + LEASE_END + 2_000; // SIGSTOPped past every lease; the nodes kept reporting

        assertThat(coordinator.onTick(resumedMs)).as("every node looks silent, but nothing was read yet").isEmpty();
        assertThat(run(resumedMs + 10, resumedMs + 10, List.of("n1", "n2"))).as("n3's report not read yet")
                .isEmpty();
        report(resumedMs + 20, "n3");
        assertThat(run(resumedMs + 100, resumedMs + 3 * SETTINGS.reportTimeoutMs(), List.of("n1", "n2", "n3")))
                .as("all three reported once read: no change").isEmpty();

        List<Install> installs = run(resumedMs + 3 * SETTINGS.reportTimeoutMs() + 100,
                resumedMs + 3 * SETTINGS.reportTimeoutMs() + LEASE_END + 2 * SETTINGS.reportTimeoutMs(),
                List.of("n1", "n2"));
        assertThat(installs).as("a node that really stopped reporting is still removed").singleElement()
                .satisfies(install -> assertThat(install.configuration().chainIds()).containsExactly("n1", "n2"));
    }

    @Test
    void a_failed_middle_node_is_removed_and_its_neighbours_linked() {
        formed();
        List<Install> installs = down(100, "n2", LEASE_END + 100, List.of("n1", "n3"));

        assertThat(installs).singleElement().satisfies(install ->
                assertThat(install.configuration().chainIds()).containsExactly("n1", "n3"));
    }

    @Test
    void a_failed_tail_is_removed_and_its_predecessor_becomes_tail() {
        formed();
        List<Install> installs = down(100, "n3", LEASE_END + 100, List.of("n1", "n2"));

        assertThat(installs).singleElement().satisfies(install -> {
            assertThat(install.configuration().chainIds()).containsExactly("n1", "n2");
            assertThat(install.configuration().roleOf("n2")).isEqualTo(Role.TAIL);
        });
    }

    @Test
    void a_node_that_stops_reporting_is_removed_even_if_membership_still_lists_it() {
        formed();

        List<Install> installs = run(100, LEASE_END + 100, List.of("n1", "n2"));

        assertThat(installs).singleElement().satisfies(install ->
                assertThat(install.configuration().chainIds()).containsExactly("n1", "n2"));
    }

    @Test
    void two_nodes_failing_at_once_leave_the_survivor_alone_in_one_new_epoch() {
        formed();
        List<Install> installs = new java.util.ArrayList<>(coordinator.onMemberDown(100, "n1"));
        installs.addAll(down(100, "n3", LEASE_END + 100, List.of("n2")));

        assertThat(installs).singleElement().satisfies(install -> {
            assertThat(install.configuration().epoch()).isEqualTo(2);
            assertThat(install.configuration().chainIds()).containsExactly("n2");
        });
    }

    @Test
    void a_false_suspicion_that_clears_before_the_lease_ends_changes_nothing() {
        formed();
        List<Install> installs = down(100, "n2", 1_000, List.of("n1", "n3"));
        installs.addAll(coordinator.onMemberUp(1_100, node("n2")));
        installs.addAll(run(1_100, 5_000, List.of("n1", "n2", "n3")));

        assertThat(installs).isEmpty();
        assertThat(coordinator.configuration().epoch()).isEqualTo(1);
    }

    @Test
    void a_node_that_returns_after_being_removed_becomes_a_learner_after_the_tail() {
        formed();
        coordinator.onMemberDown(100, "n1");
        run(100, LEASE_END + 100, List.of("n2", "n3"));
        assertThat(coordinator.configuration().chainIds()).containsExactly("n2", "n3");

        coordinator.onMemberUp(3_000, node("n1"));
        List<Install> installs = run(3_000, 3_000, List.of("n1", "n2", "n3"));

        assertThat(installs).singleElement().satisfies(install -> {
            assertThat(install.configuration().epoch()).isEqualTo(3);
            assertThat(install.configuration().chainIds()).containsExactly("n2", "n3");
            assertThat(install.configuration().learners()).containsExactly(node("n1"));
            assertThat(install.configuration().roleOf("n1")).isEqualTo(Role.LEARNER);
            assertThat(install.recipients()).extracting(NodeDescriptor::id).containsExactlyInAnyOrder("n1", "n2",
                    "n3");
        });
        assertThat(report(3_100, "n1").leaseMs()).as("learners hold no lease").isZero();
    }

    @Test
    void the_last_node_is_never_removed() {
        formed();
        coordinator.onMemberDown(100, "n1");
        coordinator.onMemberDown(100, "n2");

        assertThat(down(100, "n3", 10_000, List.of())).isEmpty();
        assertThat(coordinator.configuration().chainIds()).containsExactly("n1", "n2", "n3");
    }

    @Test
    void epochs_strictly_increase_across_changes() {
        formed();
        List<Install> first = down(100, "n3", LEASE_END + 100, List.of("n1", "n2"));
        coordinator.onMemberUp(3_000, node("n3"));
        List<Install> second = run(3_000, 3_000, List.of("n1", "n2", "n3"));

        assertThat(first.get(0).configuration().epoch()).isEqualTo(2);
        assertThat(second.get(0).configuration().epoch()).isEqualTo(3);
    }

    @Test
    void a_restarted_master_keeps_granting_leases_but_waits_one_lease_before_its_first_change() {
        ChainConfiguration stored = ChainConfiguration.of(7, List.of(node("n1"), node("n2"), node("n3")));
        Coordinator restarted = new Coordinator("m1", SETTINGS, stored, 10_000);

        ReportReply reply = restarted.onReport(10_010,
                new NodeReport(node("n1"), 7, Role.HEAD, 5, 5));
        assertThat(reply.leaseMs()).as("leases keep flowing before membership is up").isPositive();
        assertThat(reply.configuration()).isEqualTo(stored);

        restarted.onMembershipReady(10_500);
        restarted.onMemberUp(10_500, node("n1"));
        restarted.onMemberUp(10_500, node("n2"));
        for (long t = 10_500; t < 10_000 + LEASE_END; t += 100) {
            assertThat(restarted.onTick(t)).as("n3 silent, but a lease may be running").isEmpty();
        }
        assertThat(restarted.onTick(10_000 + LEASE_END - 1)).as("n3 silent, but a lease may be running").isEmpty();
        restarted.onReport(10_000 + LEASE_END, new NodeReport(node("n1"), 7, Role.HEAD, 5, 5));
        restarted.onReport(10_000 + LEASE_END, new NodeReport(node("n2"), 7, Role.MIDDLE, 5, 5));
        List<Install> installs = restarted.onTick(10_000 + LEASE_END);

        assertThat(installs).singleElement().satisfies(install -> {
            assertThat(install.configuration().epoch()).isEqualTo(8);
            assertThat(install.configuration().chainIds()).containsExactly("n1", "n2");
        });
    }

    // ------------------------------------------------------------ learners

    ReportReply report(long nowMs, String id, long appliedSeq, long committedSeq, boolean caughtUp) {
        ChainConfiguration current = coordinator.configuration();
        return coordinator.onReport(nowMs, new NodeReport(node(id), current.epoch(), current.roleOf(id), appliedSeq,
                committedSeq, caughtUp));
    }

    /** The chain n1..n3 (tail n3 committed through 5 000), then n4 joins and becomes a learner in epoch 2. */
    ChainConfiguration withLearner(String... learners) {
        formed();
        report(100, "n3", 5_000, 5_000, true);
        for (String id : learners) {
            coordinator.onMemberUp(100, node(id));
            report(100, id, 0, 0, false);
        }
        List<Install> installs = coordinator.onTick(100);
        assertThat(installs).singleElement().satisfies(install -> assertThat(install.configuration().learners())
                .extracting(NodeDescriptor::id).containsExactly(learners));
        return coordinator.configuration();
    }

    @Test
    void a_learner_that_is_caught_up_and_within_the_lag_is_promoted_to_tail() {
        withLearner("n4");

        report(200, "n4", 5_000 - SETTINGS.promoteLagEntriesMax(), 4_000, true);
        List<Install> installs = coordinator.onTick(200);

        assertThat(installs).singleElement().satisfies(install -> {
            assertThat(install.configuration().epoch()).isEqualTo(3);
            assertThat(install.configuration().chainIds()).containsExactly("n1", "n2", "n3", "n4");
            assertThat(install.configuration().learners()).isEmpty();
            assertThat(install.configuration().roleOf("n4")).isEqualTo(Role.TAIL);
            assertThat(install.recipients()).extracting(NodeDescriptor::id).containsExactlyInAnyOrder("n1", "n2",
                    "n3", "n4");
        });
        assertThat(report(300, "n4").leaseMs()).as("a promoted node is in the chain").isPositive();
    }

    @Test
    void a_learner_further_behind_the_tail_than_the_lag_allows_is_not_promoted() {
        withLearner("n4");

        report(200, "n4", 5_000 - SETTINGS.promoteLagEntriesMax() - 1, 3_000, true);

        assertThat(coordinator.onTick(200)).isEmpty();
        assertThat(coordinator.configuration().learners()).containsExactly(node("n4"));
    }

    @Test
    void a_learner_that_is_not_caught_up_is_not_promoted_however_close_it_is() {
        withLearner("n4");

        report(200, "n4", 5_000, 5_000, false);

        assertThat(coordinator.onTick(200)).isEmpty();
    }

    @Test
    void a_learner_caught_up_only_in_an_older_epoch_is_not_promoted() {
        withLearner("n4");

        coordinator.onReport(200, new NodeReport(node("n4"), 1, Role.OUTSIDE, 5_000, 5_000, true));

        assertThat(coordinator.onTick(200)).isEmpty();
    }

    @Test
    void only_one_learner_is_promoted_per_configuration_change_the_first_in_line_first() {
        withLearner("n4", "n5");
        report(200, "n4", 5_000, 5_000, true);
        report(200, "n5", 5_000, 5_000, true);

        List<Install> first = coordinator.onTick(200);
        List<Install> stale = coordinator.onTick(300);
        report(400, "n5", 5_000, 5_000, true); // n5 reports in the new epoch
        List<Install> second = coordinator.onTick(400);

        assertThat(first).singleElement().satisfies(install -> {
            assertThat(install.configuration().chainIds()).containsExactly("n1", "n2", "n3", "n4");
            assertThat(install.configuration().learners()).containsExactly(node("n5"));
        });
        assertThat(stale).as("n5's caught-up report was for the previous epoch").isEmpty();
        assertThat(second).singleElement().satisfies(install ->
                assertThat(install.configuration().chainIds()).containsExactly("n1", "n2", "n3", "n4", "n5"));
    }

    @Test
    void a_promoted_node_does_not_count_as_holding_every_entry_until_it_reports_so_in_its_new_epoch() {
        withLearner("n4");
        report(200, "n4", 5_000, 5_000, true);
        coordinator.onTick(200); // epoch 3: n1 n2 n3 n4
        for (String id : List.of("n1", "n2", "n3")) {
            report(200, id);
            coordinator.onMemberDown(300, id); // all three leases end at 200 + LEASE_END
        }

        for (long t = 300; t <= 6_000; t += 100) {
            report(t, "n4", 5_000, 5_000, false);
            assertThat(coordinator.onTick(t)).as("at %d ms", t).isEmpty();
        }
        report(6_100, "n4", 5_000, 5_000, true);
        assertThat(coordinator.onTick(6_100)).singleElement().satisfies(install ->
                assertThat(install.configuration().chainIds()).containsExactly("n4"));
    }

    @Test
    void a_learner_that_is_no_longer_alive_is_dropped_without_waiting_for_a_lease() {
        withLearner("n4");

        List<Install> installs = coordinator.onMemberDown(200, "n4");

        assertThat(installs).singleElement().satisfies(install -> {
            assertThat(install.configuration().epoch()).isEqualTo(3);
            assertThat(install.configuration().chainIds()).containsExactly("n1", "n2", "n3");
            assertThat(install.configuration().learners()).isEmpty();
            assertThat(install.recipients()).extracting(NodeDescriptor::id).contains("n4");
        });
    }

    @Test
    void a_failed_chain_node_is_removed_on_time_even_while_learners_come_and_go() {
        formed();
        report(100, "n1");
        coordinator.onMemberDown(150, "n1");
        List<Install> installs = new java.util.ArrayList<>();
        for (long t = 200; t <= 100 + LEASE_END; t += 100) {
            String learner = (t / 100) % 2 == 0 ? "n4" : "n5";
            coordinator.onMemberUp(t, node(learner));
            report(t, learner, 0, 0, false);
            installs.addAll(coordinator.onMemberDown(t, (t / 100) % 2 == 0 ? "n5" : "n4"));
            report(t, "n2");
            report(t, "n3");
            installs.addAll(coordinator.onTick(t));
        }

        assertThat(installs).as("learner churn installs").hasSizeGreaterThan(3);
        assertThat(coordinator.configuration().chainIds()).containsExactly("n2", "n3");
    }

    // ------------------------------------------------------------ drain

    @Test
    void a_draining_chain_node_gets_no_lease_and_leaves_only_once_its_last_lease_has_surely_expired() {
        formed();
        report(500, "n2");

        Removal removal = coordinator.onRemoveRequest(600, "n2");
        assertThat(removal.outcome()).isEqualTo(Removal.Outcome.DRAINING);
        assertThat(removal.removeAfterMs()).isEqualTo(500 + LEASE_END - 600);
        assertThat(removal.installs()).isEmpty();
        assertThat(report(700, "n2").leaseMs()).as("no lease once draining").isZero();

        assertThat(run(700, 500 + LEASE_END - 100, List.of("n1", "n2", "n3"))).as("its lease may run").isEmpty();
        List<Install> installs = run(500 + LEASE_END, 500 + LEASE_END, List.of("n1", "n2", "n3"));

        assertThat(installs).singleElement().satisfies(install -> {
            assertThat(install.configuration().chainIds()).containsExactly("n1", "n3");
            assertThat(install.configuration().learners()).as("not taken back as a learner").isEmpty();
        });
        assertThat(run(3_000, 4_000, List.of("n1", "n2", "n3"))).as("still draining, still out").isEmpty();
    }

    @Test
    void asking_twice_to_remove_a_draining_node_answers_draining_again_with_the_time_left() {
        formed();
        report(500, "n2");
        coordinator.onRemoveRequest(600, "n2");

        Removal again = coordinator.onRemoveRequest(1_000, "n2");

        assertThat(again.outcome()).isEqualTo(Removal.Outcome.DRAINING);
        assertThat(again.removeAfterMs()).isEqualTo(500 + LEASE_END - 1_000);
    }

    @Test
    void a_drained_node_that_left_the_membership_may_come_back_as_a_learner() {
        formed();
        coordinator.onRemoveRequest(100, "n3");
        run(100, LEASE_END + 100, List.of("n1", "n2", "n3"));
        assertThat(coordinator.configuration().chainIds()).containsExactly("n1", "n2");

        coordinator.onMemberDown(3_000, "n3");
        List<Install> installs = new java.util.ArrayList<>(coordinator.onMemberUp(3_100, node("n3")));
        installs.addAll(run(3_100, 3_100, List.of("n1", "n2", "n3")));

        assertThat(installs).first().satisfies(install ->
                assertThat(install.configuration().learners()).containsExactly(node("n3")));
    }

    @Test
    void removing_a_learner_takes_it_out_at_once() {
        withLearner("n4");

        Removal removal = coordinator.onRemoveRequest(200, "n4");

        assertThat(removal.outcome()).isEqualTo(Removal.Outcome.REMOVED);
        assertThat(removal.installs()).singleElement().satisfies(install -> {
            assertThat(install.configuration().epoch()).isEqualTo(3);
            assertThat(install.configuration().learners()).isEmpty();
            assertThat(install.recipients()).extracting(NodeDescriptor::id).contains("n4");
        });
        assertThat(coordinator.onTick(300)).as("not taken back while draining").isEmpty();
    }

    @Test
    void removing_the_only_node_of_the_chain_is_refused() {
        Coordinator single = new Coordinator("m1", new CoordinatorSettings(1, 2_000, 200, 1_000),
                ChainConfiguration.NONE, 0);
        single.onMembershipReady(0);
        single.onMemberUp(0, node("n1"));
        single.onReport(0, new NodeReport(node("n1"), 0, Role.OUTSIDE, 0, 0));
        assertThat(single.onTick(0)).hasSize(1);

        Removal removal = single.onRemoveRequest(100, "n1");

        assertThat(removal.outcome()).isEqualTo(Removal.Outcome.REFUSED);
        assertThat(removal.message()).contains("empty");
        assertThat(single.onReport(200, new NodeReport(node("n1"), 1, Role.SOLE, 0, 0)).leaseMs())
                .as("a refused removal changes nothing").isPositive();
    }

    @Test
    void removing_the_last_node_known_to_hold_every_entry_is_refused() {
        withLearner("n4");
        report(200, "n4", 5_000, 5_000, true);
        coordinator.onTick(200); // n4 promoted, not yet caught up in epoch 3
        coordinator.onRemoveRequest(300, "n1");
        coordinator.onRemoveRequest(300, "n2");

        Removal removal = coordinator.onRemoveRequest(300, "n3");

        assertThat(removal.outcome()).isEqualTo(Removal.Outcome.REFUSED);
        assertThat(removal.message()).contains("known to hold every committed entry");
        assertThat(report(400, "n3").leaseMs()).isPositive();
    }

    @Test
    void removing_a_node_the_master_never_heard_of_is_unknown() {
        formed();

        Removal removal = coordinator.onRemoveRequest(100, "n9");

        assertThat(removal.outcome()).isEqualTo(Removal.Outcome.UNKNOWN);
        assertThat(removal.message()).contains("n9");
    }

    @Test
    void a_drained_node_left_alone_in_the_chain_stops_draining_and_gets_leases_again() {
        formed();
        coordinator.onRemoveRequest(100, "n3");
        coordinator.onMemberDown(150, "n1");
        coordinator.onMemberDown(150, "n2");

        run(200, LEASE_END + 100, List.of("n3"));

        assertThat(coordinator.configuration().chainIds()).containsExactly("n3");
        assertThat(report(LEASE_END + 200, "n3").leaseMs()).isPositive();
    }

    // ------------------------------------------------------------ one id, two processes

    @Test
    void a_report_under_a_live_chain_nodes_id_from_other_addresses_gets_no_lease_and_changes_nothing() {
        ChainConfiguration formed = formed();
        NodeDescriptor impostor = new NodeDescriptor("n2", new HostPort("127.0.0.1", 9002),
                new HostPort("127.0.0.1", 9102));

        ReportReply reply = coordinator.onReport(100, new NodeReport(impostor, 1, Role.MIDDLE, 0, 0));

        assertThat(reply.leaseMs()).isZero();
        assertThat(reply.configuration()).isEqualTo(formed);
        assertThat(coordinator.configuration()).isEqualTo(formed);
        assertThat(coordinator.view(100).chain().get(1).node()).isEqualTo(node("n2"));
        assertThat(report(200, "n2").leaseMs()).as("the registered n2 keeps its lease").isPositive();
        assertThat(run(200, 5_000, List.of("n1", "n2", "n3"))).isEmpty();
    }

    @Test
    void a_chain_node_that_restarted_at_new_addresses_is_removed_then_comes_back_as_a_learner_there() {
        formed();
        NodeDescriptor moved = new NodeDescriptor("n3", new HostPort("127.0.0.1", 9003),
                new HostPort("127.0.0.1", 9103));
        coordinator.onMemberUp(100, moved);
        List<Install> installs = new java.util.ArrayList<>();
        for (long t = 100; t <= LEASE_END + 1_000; t += 100) {
            assertThat(coordinator.onReport(t, new NodeReport(moved, 1, Role.TAIL, 0, 0)).leaseMs()).isZero();
            report(t, "n1");
            report(t, "n2");
            installs.addAll(coordinator.onTick(t));
        }

        assertThat(installs).hasSize(2);
        assertThat(installs.get(0).configuration().chainIds()).containsExactly("n1", "n2");
        assertThat(installs.get(1).configuration().learners()).containsExactly(moved);
    }
}
