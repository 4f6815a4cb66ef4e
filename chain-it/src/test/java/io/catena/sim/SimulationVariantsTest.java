package io.catena.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The simulation is not vacuous: every deliberately broken variant is caught within a bounded number of seeds. */
class SimulationVariantsTest {

    static final long SEEDS_MAX = 100;

    @ParameterizedTest
    @EnumSource(value = Variant.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void a_broken_variant_is_caught_within_a_bounded_number_of_seeds(Variant variant) {
        Optional<Simulation.Result> caught = LongStream.rangeClosed(1, SEEDS_MAX).parallel()
                .mapToObj(seed -> new Simulation(seed, variant).run())
                .filter(result -> !result.ok())
                .findFirst();

        assertThat(caught).as("%s caught within %d seeds", variant, SEEDS_MAX).isPresent();
        String failure = caught.get().failure();
        System.out.println("CAUGHT " + variant + " at seed " + caught.get().seed() + ": "
                + failure.substring(0, Math.min(200, failure.length())));
    }
}
