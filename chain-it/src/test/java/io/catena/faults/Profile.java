package io.catena.faults;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * How much the suite does: every fault of {@link Fault#ALL} in a phase of its own, then {@code mixedFaults}
 * drawn at random (seeded) in the final mixed phase. {@code holdMs} is how long each fault lasts: longer than
 * failure detection (Hazelcast's ~3 s heartbeat timeout, the 2 s lease and its margin).
 */
enum Profile {
    /** Run by {@code mvn verify}: 15 dedicated + 3 mixed faults, about 3 minutes on 2 cores. */
    CI(4_500, 3),
    /** {@code ./catena faults --profile full}: 15 dedicated + 17 mixed faults, about 8 minutes. */
    FULL(5_000, 17);

    final long holdMs;
    final int mixedFaults;

    Profile(long holdMs, int mixedFaults) {
        this.holdMs = holdMs;
        this.mixedFaults = mixedFaults;
    }

    static Profile named(String name) {
        return valueOf(name.trim().toUpperCase());
    }

    /** The phases in order: one per fault, then "mixed" faults. */
    List<Fault> schedule(Random random) {
        List<Fault> faults = new ArrayList<>(Fault.ALL);
        for (int i = 0; i < mixedFaults; i++) {
            faults.add(Fault.ALL.get(random.nextInt(Fault.ALL.size())));
        }
        return faults;
    }

    int dedicatedFaults() {
        return Fault.ALL.size();
    }
}
