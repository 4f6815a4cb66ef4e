package io.catena.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** CI's share of the simulation: {@code -Dsim.seeds=N} seeds (500 by default) must all pass. */
class SimulationTest {

    @Test
    void every_seed_keeps_acknowledged_writes_stays_linearizable_and_converges() {
        long seeds = Long.getLong("sim.seeds", 500);
        long from = Long.getLong("sim.seed", 1);
        int failures = SimulationMain.runAndReport(from, Long.getLong("sim.seed") != null ? 1 : seeds,
                Long.getLong("sim.seed") != null);
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
