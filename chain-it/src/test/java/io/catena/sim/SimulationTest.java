package io.catena.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * CI's share of the simulation: {@code -Dsim.seeds=N} seeds from {@code -Dsim.from=S} (500 from 1 by default)
 * must all pass; {@code -Dsim.seed=S} replays one seed verbosely.
 */
class SimulationTest {

    @Test
    void every_seed_keeps_acknowledged_writes_stays_linearizable_and_converges() {
        Long single = Long.getLong("sim.seed");
        int failures = single != null ? SimulationMain.runAndReport(single, 1, true)
                : SimulationMain.runAndReport(Long.getLong("sim.from", 1), Long.getLong("sim.seeds", 500), false);
        assertThat(failures).as("failing seeds (each printed above with its rerun command)").isZero();
    }

    @Test
    void the_same_seed_gives_the_same_run() {
        Simulation.Result first = new Simulation(42).run();
        Simulation.Result second = new Simulation(42).run();

        assertThat(second).isEqualTo(first);
        assertThat(first.operations()).isPositive();
    }
}
