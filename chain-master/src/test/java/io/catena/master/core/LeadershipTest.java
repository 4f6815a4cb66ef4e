package io.catena.master.core;

import static io.catena.master.core.MasterGroup.configuration;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.catena.config.ChainConfiguration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The masters' ballots: election by a majority, recovery of the latest configuration, deposition, confirmation. */
class LeadershipTest {

    final MasterGroup group = new MasterGroup();

    @Test
    void a_lone_master_is_its_own_majority_and_leads_at_once() {
        MasterGroup alone = new MasterGroup(LeadershipSettings.single("m1"));

        alone.hint("m1", true);
        alone.deliverAll();
        alone.propose("m1", configuration(1, "n1", "n2", "n3"));
        alone.deliverAll();

        assertThat(alone.leaders.get("m1").leading()).isTrue();
        assertThat(alone.chosen).containsExactly(configuration(1, "n1", "n2", "n3"));
        assertThat(alone.leaders.get("m1").mayGrantLeases(1_000_000)).isTrue();
        assertThat(alone.leaders.get("m1").takeoverExtraMs()).isZero();
    }

    @Test
    void the_oldest_master_leads_once_a_majority_promised_even_with_one_master_down() {
        group.down.add("m3");

        group.hint("m1", true);
        group.deliverAll();

        assertThat(group.leaders.get("m1").role()).isEqualTo(Leadership.Role.LEADING);
        assertThat(group.elected).containsEntry("m1", ChainConfiguration.NONE);
        assertThat(group.leaders.get("m1").mayGrantLeases(0)).as("quiet after its election").isFalse();
        assertThat(group.leaders.get("m1").mayPublish(group.leaders.get("m1").takeoverExtraMs())).isTrue();
    }

    @Test
    void a_master_without_a_majority_is_not_elected_chooses_nothing_and_grants_no_lease() {
        group.down.addAll(List.of("m2", "m3"));

        group.hint("m1", true);
        group.deliverAll();

        assertThat(group.leaders.get("m1").role()).isEqualTo(Leadership.Role.PREPARING);
        assertThat(group.elected).isEmpty();
        assertThat(group.leaders.get("m1").mayGrantLeases(0)).isFalse();
        assertThatThrownBy(() -> group.propose("m1", configuration(1, "n1"))).isInstanceOf(
                IllegalStateException.class);
    }

    @Test
    void a_configuration_is_chosen_only_once_a_majority_accepted_it() {
        group.hint("m1", true);
        group.deliverAll();
        group.down.addAll(List.of("m2", "m3"));

        group.propose("m1", configuration(1, "n1", "n2"));
        group.deliverAll();
        assertThat(group.chosen).as("m1 alone accepted it").isEmpty();

        group.down.clear();
        group.nowMs = 200;
        group.tick("m1");
        group.deliverAll();
        assertThat(group.chosen).containsExactly(configuration(1, "n1", "n2"));
    }

    @Test
    void a_new_leader_learns_the_latest_accepted_configuration_from_a_majority_and_re_proposes_it() {
        group.hint("m1", true);
        group.deliverAll();
        group.propose("m1", configuration(1, "n1", "n2", "n3"));
        group.deliverAll();
        group.down.add("m3");
        group.propose("m1", configuration(2, "n2", "n3"));
        group.deliverAll(); // chosen by m1 and m2; m3 missed it

        group.down.clear();
        group.down.add("m1");
        group.hint("m2", true);
        group.deliverAll();

        assertThat(group.elected).containsEntry("m2", configuration(2, "n2", "n3"));
        assertThat(group.acceptors.get("m3").state().accepted()).isEqualTo(configuration(2, "n2", "n3"));
        assertThat(group.acceptors.get("m3").state().acceptedBallot()).isEqualTo(group.leaders.get("m2").ballot());
    }

    @Test
    void a_deposed_leader_has_its_proposal_refused_steps_down_and_grants_no_lease() {
        group.hint("m1", true);
        group.deliverAll();
        group.hint("m2", true); // a split membership view: m2 believes it is the oldest too
        group.deliverAll();
        assertThat(group.leaders.get("m2").leading()).isTrue();

        group.propose("m1", configuration(1, "n1", "n2", "n3"));
        group.deliverAll();

        assertThat(group.chosen).isEmpty();
        assertThat(group.deposed).contains("m1");
        assertThat(group.leaders.get("m1").role()).isEqualTo(Leadership.Role.FOLLOWER);
        assertThat(group.leaders.get("m1").mayGrantLeases(0)).isFalse();
    }

    @Test
    void a_deposed_master_backs_off_before_trying_again() {
        group.hint("m1", true);
        group.deliverAll();
        group.hint("m2", true);
        group.deliverAll();
        group.nowMs = 100;
        group.tick("m1"); // its probe is refused
        group.deliverAll();

        group.nowMs = 1_000;
        group.tick("m1");
        assertThat(group.queued()).as("backing off").isZero();
        group.nowMs = 2_200;
        group.tick("m1");
        assertThat(group.leaders.get("m1").role()).isEqualTo(Leadership.Role.PREPARING);
    }

    @Test
    void a_leader_whose_probes_a_majority_stops_answering_stops_granting_leases_after_confirm_ms() {
        group.hint("m1", true);
        group.deliverAll();
        for (long t = 100; t <= 2_000; t += 100) {
            group.nowMs = t;
            group.tick("m1");
            group.deliverAll();
        }
        group.down.addAll(List.of("m2", "m3"));

        for (long t = 2_100; t <= 2_900; t += 100) {
            group.nowMs = t;
            group.tick("m1");
            group.deliverAll();
        }

        assertThat(group.leaders.get("m1").mayGrantLeases(2_999)).isTrue();
        assertThat(group.leaders.get("m1").mayGrantLeases(3_000)).isFalse();
        group.nowMs = 3_000;
        group.tick("m1");
        assertThat(group.deposed).as("cut off from the majority, it stops leading").contains("m1");
    }

    @Test
    void a_new_leader_shows_nodes_nothing_until_every_lease_another_leader_granted_has_run_out() {
        MasterGroup quiet = new MasterGroup(new LeadershipSettings(List.of("m1", "m2", "m3"), 100, 1_000, 2_000,
                2_250));
        quiet.hint("m1", true);
        quiet.deliverAll();
        long waitMs = quiet.leaders.get("m1").takeoverExtraMs() + 2_250;
        assertThat(waitMs).isEqualTo(1_250 + 2_250);

        for (long t = 100; t < waitMs; t += 100) {
            quiet.nowMs = t;
            quiet.tick("m1");
            quiet.deliverAll();
            assertThat(quiet.leaders.get("m1").mayPublish(t)).as("at %d ms", t).isFalse();
            assertThat(quiet.leaders.get("m1").mayGrantLeases(t)).as("at %d ms", t).isFalse();
        }
        assertThat(quiet.leaders.get("m1").mayPublish(waitMs)).isTrue();
        assertThat(quiet.leaders.get("m1").mayGrantLeases(waitMs)).isTrue();
    }

    @Test
    void losing_the_oldest_place_in_the_membership_ends_the_leadership() {
        group.hint("m1", true);
        group.deliverAll();

        group.hint("m1", false);

        assertThat(group.deposed).contains("m1");
        assertThat(group.leaders.get("m1").leading()).isFalse();
    }

    /**
     * Two or three masters that all believe they are the oldest, messages delivered in a random order and some
     * lost, masters proposing whenever they lead: no two different configurations are ever chosen for one epoch.
     */
    @Test
    void competing_leaders_never_choose_two_configurations_for_the_same_epoch() {
        for (long seed = 1; seed <= 300; seed++) {
            Random random = new Random(seed);
            MasterGroup competing = new MasterGroup(new LeadershipSettings(List.of("m1", "m2", "m3"), 100, 1_000,
                    300, 0));
            Map<Long, ChainConfiguration> chosenPerEpoch = new HashMap<>();
            for (int step = 0; step < 400; step++) {
                competing.nowMs = step * 10L;
                String id = "m" + (1 + random.nextInt(3));
                switch (random.nextInt(6)) {
                    case 0 -> competing.hint(id, random.nextInt(4) != 0);
                    case 1 -> competing.tick(id);
                    case 2 -> {
                        Leadership leader = competing.leaders.get(id);
                        if (leader.leading()) {
                            competing.propose(id, configuration(leader.nextEpoch(), "n" + (1 + random.nextInt(5))));
                        }
                    }
                    default -> {
                        if (competing.queued() > 0) {
                            int index = random.nextInt(competing.queued());
                            if (random.nextInt(10) == 0) {
                                competing.down.add(id); // lose this one message when it involves id
                                competing.deliverOne(index);
                                competing.down.remove(id);
                            } else {
                                competing.deliverOne(index);
                            }
                        }
                    }
                }
                List<ChainConfiguration> chosen = new java.util.ArrayList<>(competing.chosen);
                chosen.addAll(competing.elected.values());
                for (ChainConfiguration configuration : chosen) {
                    if (configuration.isNone()) {
                        continue;
                    }
                    ChainConfiguration earlier = chosenPerEpoch.putIfAbsent(configuration.epoch(), configuration);
                    assertThat(earlier == null || earlier.equals(configuration))
                            .as("seed %d: epoch %d chosen as %s and as %s", seed, configuration.epoch(), earlier,
                                    configuration).isTrue();
                }
            }
        }
    }
}
