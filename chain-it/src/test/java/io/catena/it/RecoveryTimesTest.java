package io.catena.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Measures recovery times: {@code -Dcatena.recoveryRuns=N} repeats each failover experiment ({@link KillUnderLoad}:
 * kill -9 of the head, the middle, the tail under load) N times, each on a fresh cluster, prints the median and
 * the worst per kind and writes them to {@code target/recovery-times.json}. Without the property it is skipped,
 * so CI does not pay for it. Each run checks what the failover tests check; the recovery bound is asserted after
 * the report is written, so a slow run is reported, not hidden.
 */
class RecoveryTimesTest {

    static final String RUNS_PROPERTY = "catena.recoveryRuns";
    static final Duration RUN_TIMEOUT = Duration.ofSeconds(90);
    static final long RECOVERY_MS_MAX = 3_000;

    @Test
    @DisplayName("recovery times after kill -9 of the head, the middle and the tail, N runs each (-Dcatena.recoveryRuns=N)")
    void measureRecoveryTimes() {
        assumeTrue(System.getProperty(RUNS_PROPERTY) != null, "set -D" + RUNS_PROPERTY + "=N to measure");
        int runs = Integer.getInteger(RUNS_PROPERTY, 1);
        assertThat(runs).as(RUNS_PROPERTY).isPositive();
        Map<ChainPosition, List<Long>> times = new EnumMap<>(ChainPosition.class);
        for (int run = 1; run <= runs; run++) {
            for (ChainPosition position : ChainPosition.values()) {
                long ms = assertTimeoutPreemptively(RUN_TIMEOUT, () -> measureOnce(position));
                times.computeIfAbsent(position, p -> new ArrayList<>()).add(ms);
            }
        }

        JsonObject report = report(runs, times);
        System.out.println("RECOVERY_TIMES " + report.encode());
        write(report);
        times.forEach((position, list) -> assertThat(list).as("recovery ms after kill -9 of the %s", position.kind())
                .allSatisfy(ms -> assertThat(ms).isLessThanOrEqualTo(RECOVERY_MS_MAX)));
    }

    /** One experiment on a fresh cluster; on failure the logs are printed and the cluster dir is kept. */
    private static long measureOnce(ChainPosition position) {
        CatenaCluster cluster = CatenaCluster.withNodes(3);
        boolean failed = true;
        try {
            cluster.start();
            KillUnderLoad.Outcome outcome = KillUnderLoad.killDuringLoad(cluster, position);
            assertThat(outcome.chainIdsAfter()).as("chain after the kill").isEqualTo(outcome.survivors());
            new TailReads(cluster).assertHoldsEvery(outcome.acknowledged());
            failed = false;
            return outcome.recoveryMs();
        } finally {
            if (failed) {
                cluster.printLogs();
            }
            cluster.close();
            if (!failed && !CatenaCluster.KEEP_DIRS) {
                cluster.deleteDir();
            }
        }
    }

    private static JsonObject report(int runs, Map<ChainPosition, List<Long>> times) {
        JsonObject kinds = new JsonObject();
        times.forEach((position, list) -> {
            List<Long> sorted = list.stream().sorted().toList();
            kinds.put(position.kind(), new JsonObject()
                    .put("runsMs", new JsonArray(new ArrayList<>(list)))
                    .put("medianMs", median(sorted))
                    .put("worstMs", sorted.get(sorted.size() - 1)));
        });
        return new JsonObject()
                .put("runs", runs)
                .put("timings", new JsonObject()
                        .put("leaseMs", CatenaCluster.LEASE_MS)
                        .put("leaseMarginMs", CatenaCluster.LEASE_MARGIN_MS)
                        .put("reportTimeoutMs", CatenaCluster.REPORT_TIMEOUT_MS)
                        .put("reportIntervalMs", CatenaCluster.REPORT_INTERVAL_MS)
                        .put("writeTimeoutMs", CatenaCluster.WRITE_TIMEOUT_MS)
                        .put("writers", KillUnderLoad.WRITERS))
                .put("recovery", kinds);
    }

    /** The middle value, or the mean of the two middle values. */
    private static long median(List<Long> sorted) {
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static void write(JsonObject report) {
        Path file = Path.of(System.getProperty("basedir", "."), "target", "recovery-times.json");
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, report.encodePrettily() + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        System.out.println("recovery times written to " + file.toAbsolutePath());
    }
}
