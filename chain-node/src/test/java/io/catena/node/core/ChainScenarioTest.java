package io.catena.node.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import io.catena.config.ChainConfiguration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Whole-chain scenarios of the pure core under seeded interleavings and crashes (see {@link ScenarioCluster}). */
class ChainScenarioTest {

    @Test
    void a_write_at_the_head_commits_after_flowing_through_the_chain() {
        ScenarioCluster scenario = new ScenarioCluster(1);
        long request = scenario.write("a", "hello");
        scenario.runToQuiescence();

        assertThat(scenario.outcomes.get(request)).isEqualTo(new WriteOutcome.Committed(1));
        scenario.assertConverged(1);
    }

    @Test
    void many_writes_under_any_interleaving_all_commit_and_the_logs_end_identical() {
        for (int seed = 0; seed < 50; seed++) {
            ScenarioCluster scenario = new ScenarioCluster(seed);
            for (int i = 0; i < 40; i++) {
                scenario.write("k" + (i % 7), "v" + i);
                scenario.step();
                scenario.step();
            }
            scenario.runToQuiescence();
            scenario.assertConverged(40);
        }
    }

    @Test
    void a_middle_node_that_crashes_and_restarts_is_resent_what_it_lacks_and_writes_complete() {
        for (int seed = 0; seed < 30; seed++) {
            ScenarioCluster scenario = new ScenarioCluster(seed);
            for (int i = 0; i < 30; i++) {
                scenario.write("k" + i, "v" + i);
                scenario.step();
                if (i == 10) {
                    scenario.crash("n2");
                }
                if (i == 20) {
                    scenario.restart("n2");
                }
            }
            scenario.runToQuiescence();
            scenario.assertConverged(30);
        }
    }

    @Test
    void every_node_crashing_and_restarting_loses_no_committed_write() {
        for (int seed = 0; seed < 30; seed++) {
            ScenarioCluster scenario = new ScenarioCluster(seed);
            for (int i = 0; i < 20; i++) {
                scenario.write("k" + i, "v" + i);
                scenario.step();
                scenario.step();
            }
            List<Long> committedBefore = new ArrayList<>();
            scenario.outcomes.forEach((request, outcome) -> {
                if (outcome instanceof WriteOutcome.Committed committed) {
                    committedBefore.add(committed.seq());
                }
            });
            for (String id : List.of("n1", "n2", "n3")) {
                scenario.crash(id);
            }
            for (String id : List.of("n3", "n2", "n1")) {
                scenario.restart(id);
            }
            scenario.runToQuiescence();
            ScenarioCluster.Node tail = scenario.nodes.get("n3");
            for (long seq : committedBefore) {
                assertThat(tail.log).as("seed %d: acknowledged seq %d at the tail", seed, seq).containsKey(seq);
            }
            ScenarioCluster.Node head = scenario.nodes.get("n1");
            for (ScenarioCluster.Node node : scenario.nodes.values()) {
                assertThat(node.log).as("seed %d: log of %s", seed, node.id).isEqualTo(head.log);
                assertThat(node.committedSeq).isEqualTo(head.log.isEmpty() ? 0 : head.log.lastKey());
            }
        }
    }

    @Test
    void after_a_head_failure_the_new_chain_commits_and_the_returning_old_head_drops_its_unseen_writes() {
        for (int seed = 0; seed < 40; seed++) {
            ScenarioCluster scenario = new ScenarioCluster(seed);
            for (int i = 0; i < 20; i++) {
                scenario.write("k" + i, "before-" + i);
                scenario.step();
                scenario.step();
            }
            scenario.crash("n1");
            scenario.install(ChainConfiguration.of(2, List.of(ChainReplicaTest.N2, ChainReplicaTest.N3)));
            for (int i = 0; i < 20; i++) {
                scenario.write("k" + i, "after-" + i);
                scenario.step();
            }
            scenario.runToQuiescence();
            scenario.restart("n1");
            scenario.install(ChainConfiguration.of(3,
                    List.of(ChainReplicaTest.N2, ChainReplicaTest.N3, ChainReplicaTest.N1)));
            scenario.runToQuiescence();

            scenario.assertChainConverged();
            scenario.assertAcknowledgedWritesPresent();
        }
    }

    @Test
    void after_a_tail_failure_the_predecessor_commits_what_it_holds_and_the_old_tail_rejoins() {
        for (int seed = 0; seed < 40; seed++) {
            ScenarioCluster scenario = new ScenarioCluster(seed);
            for (int i = 0; i < 20; i++) {
                scenario.write("k" + i, "v" + i);
                scenario.step();
                scenario.step();
            }
            scenario.crash("n3");
            scenario.install(ChainConfiguration.of(2, List.of(ChainReplicaTest.N1, ChainReplicaTest.N2)));
            scenario.runToQuiescence();
            scenario.restart("n3");
            scenario.install(ChainConfiguration.of(3,
                    List.of(ChainReplicaTest.N1, ChainReplicaTest.N2, ChainReplicaTest.N3)));
            for (int i = 0; i < 10; i++) {
                scenario.write("x" + i, "v" + i);
            }
            scenario.runToQuiescence();

            scenario.assertChainConverged();
            scenario.assertAcknowledgedWritesPresent();
            for (long request = 21; request <= 30; request++) {
                assertThat(scenario.outcomes.get(request)).isInstanceOf(WriteOutcome.Committed.class);
            }
        }
    }

    @Test
    void after_a_middle_failure_the_neighbours_link_and_nothing_is_lost() {
        for (int seed = 0; seed < 40; seed++) {
            ScenarioCluster scenario = new ScenarioCluster(seed);
            for (int i = 0; i < 30; i++) {
                scenario.write("k" + i, "v" + i);
                scenario.step();
                if (i == 15) {
                    scenario.crash("n2");
                    scenario.install(ChainConfiguration.of(2, List.of(ChainReplicaTest.N1, ChainReplicaTest.N3)));
                }
            }
            scenario.runToQuiescence();

            scenario.assertChainConverged();
            scenario.assertAcknowledgedWritesPresent();
            for (long request = 1; request <= 30; request++) {
                assertThat(scenario.outcomes.get(request)).isInstanceOf(WriteOutcome.Committed.class);
            }
        }
    }
}
