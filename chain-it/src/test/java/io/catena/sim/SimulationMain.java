package io.catena.sim;

import java.util.List;
import java.util.stream.LongStream;

/**
 * {@code ./catena simulate --seeds N [--from S]} runs seeds S..S+N-1 on all cores; {@code ./catena simulate
 * --seed S} replays one seed and prints its fault counts. Exits 1 if any seed violates an invariant, is not
 * linearizable or does not converge. The last line printed is {@code seeds=N failures=F master_fault_seeds=M
 * seeds_per_s=R}, M counting the seeds with a master crash, a master cut off from the others or split views.
 */
public final class SimulationMain {

    /** The faults that hit masters themselves (Simulation's fault counts). */
    static final List<String> MASTER_FAULTS = List.of("master-crash", "master-partition", "master-pause",
            "split-view");

    private SimulationMain() {
    }

    public static void main(String[] args) {
        long from = 1;
        long count = 100;
        boolean single = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seeds" -> count = Long.parseLong(args[++i]);
                case "--from" -> from = Long.parseLong(args[++i]);
                case "--seed" -> {
                    from = Long.parseLong(args[++i]);
                    count = 1;
                    single = true;
                }
                default -> {
                    System.err.println("usage: simulate [--seeds N [--from S] | --seed S]");
                    System.exit(2);
                }
            }
        }
        int failures = runAndReport(from, count, single);
        System.exit(failures == 0 ? 0 : 1);
    }

    /** Runs the seeds, prints a line per failure (and per seed when {@code verbose}), then the summary line. */
    static int runAndReport(long from, long count, boolean verbose) {
        long started = System.nanoTime();
        List<Simulation.Result> results = LongStream.range(from, from + count).parallel()
                .mapToObj(seed -> new Simulation(seed).run()).toList();
        int failures = 0;
        for (Simulation.Result result : results) {
            if (!result.ok()) {
                failures++;
                System.out.println("FAILED seed=" + result.seed() + ": " + result.failure());
                System.out.println("  rerun: ./catena simulate --seed " + result.seed());
            }
            if (verbose) {
                System.out.println("seed=" + result.seed() + " ops=" + result.operations() + " acknowledgedWrites="
                        + result.acknowledgedWrites() + " configurations=" + result.configurations() + " steps="
                        + result.steps() + " faults=" + result.faults());
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        long masterFaultSeeds = results.stream().filter(result -> MASTER_FAULTS.stream()
                .anyMatch(result.faults()::containsKey)).count();
        System.out.printf("seeds=%d failures=%d master_fault_seeds=%d seeds_per_s=%.1f%n", count, failures,
                masterFaultSeeds, count / seconds);
        return failures;
    }
}
