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
    void a_node_that_returns_after_being_removed_is_appended_at_the_tail() {
        formed();
        coordinator.onMemberDown(100, "n1");
        run(100, LEASE_END + 100, List.of("n2", "n3"));
        assertThat(coordinator.configuration().chainIds()).containsExactly("n2", "n3");

        coordinator.onMemberUp(3_000, node("n1"));
        List<Install> installs = run(3_000, 3_000, List.of("n1", "n2", "n3"));

        assertThat(installs).singleElement().satisfies(install -> {
            assertThat(install.configuration().epoch()).isEqualTo(3);
            assertThat(install.configuration().chainIds()).containsExactly("n2", "n3", "n1");
        });
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
        assertThat(restarted.onTick(10_000 + LEASE_END - 1)).as("n3 silent, but a lease may be running").isEmpty();
        restarted.onReport(10_000 + LEASE_END, new NodeReport(node("n1"), 7, Role.HEAD, 5, 5));
        restarted.onReport(10_000 + LEASE_END, new NodeReport(node("n2"), 7, Role.MIDDLE, 5, 5));
        List<Install> installs = restarted.onTick(10_000 + LEASE_END);

        assertThat(installs).singleElement().satisfies(install -> {
            assertThat(install.configuration().epoch()).isEqualTo(8);
            assertThat(install.configuration().chainIds()).containsExactly("n1", "n2");
        });
    }
}
