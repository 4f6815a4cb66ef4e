package io.catena.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * New and returning nodes catch up while the chain keeps writing (docs/protocol.md, "Learners", "Snapshots"):
 * from the tail's log when it still covers them, else from a snapshot; then they become the tail, and every
 * node ends with the same data ({@code GET /admin/digest}).
 *
 * <p>{@code -Dcatena.catchUpKeys=N} sets the preloaded key count (default 20 000; the figure is 200 000).
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class CatchUpTest {

    static final int KEYS = Integer.getInteger("catena.catchUpKeys", 20_000);
    static final String VALUE = "v".repeat(100);

    @RegisterExtension
    final CatenaCluster cluster = CatenaCluster.withNodes(4).withSpareNodes(1)
            .withNodeSetting("logRetentionEntries", "2000");

    @Test
    @DisplayName("a fourth node started under load catches up from a snapshot, becomes the tail, and all four "
            + "nodes hold identical data")
    void aNewNodeCatchesUpUnderLoadAndBecomesTheTail() throws Exception {
        cluster.start();
        preload(KEYS);
        try (WriteLoad load = WriteLoad.start(cluster, "during", 4)) {
            load.awaitRunning(Duration.ofMillis(500), 50);
            long startedNs = System.nanoTime();
            cluster.startNode("n4");
            awaitCaughtUpTail(cluster, "n4", List.of("n1", "n2", "n3", "n4"));
            long tailNs = System.nanoTime();
            load.awaitRunning(Duration.ofMillis(0), load.acknowledged().size() + 100);
            load.stop();

            long pauseMs = longestAckGapMs(load, startedNs, tailNs + 2_000_000_000L);
            System.out.printf("catch-up: %d keys, n4 tail %d ms after its start; longest gap between "
                    + "acknowledged writes meanwhile %d ms; %s%n", KEYS, (tailNs - startedNs) / 1_000_000, pauseMs,
                    load.countByStatus());
            assertThat(cluster.status("n4").getLong("snapshotsInstalled")).as("n4 caught up from a snapshot")
                    .isGreaterThanOrEqualTo(1);
            assertIdenticalData(List.of("n1", "n2", "n3", "n4"));
            new TailReads(cluster).assertHoldsEvery(load.acknowledged());
        }
    }

    @Test
    @DisplayName("a node away for longer than the log retention rejoins through a snapshot")
    void aNodeAwayBeyondTheRetentionRejoinsThroughASnapshot() throws Exception {
        cluster.start();
        cluster.kill("n2");
        await("the chain goes on without n2").atMost(Duration.ofSeconds(20))
                .until(() -> !cluster.chainIds().contains("n2"));
        preload(3 * 2_000 + 500); // more than the retention and its compaction batch: the log moves on
        cluster.startNode("n2");
        awaitCaughtUpTail(cluster, "n2", List.of("n1", "n3", "n2"));

        JsonObject n2 = cluster.status("n2");
        assertThat(n2.getLong("snapshotsInstalled")).as("n2 rejoined from a snapshot: %s", n2)
                .isGreaterThanOrEqualTo(1);
        assertIdenticalData(List.of("n1", "n3", "n2"));
        assertThat(cluster.getAtTail("pre-" + (3 * 2_000 + 499)).body()).isEqualTo(VALUE);
    }

    // ------------------------------------------------------------ helpers

    /** Waits until {@code chain} is the master's chain and its tail {@code id} holds every committed entry. */
    static void awaitCaughtUpTail(CatenaCluster cluster, String id, List<String> chain) {
        await(id + " is the tail and caught up").atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    long epoch = cluster.epoch();
                    JsonObject status = cluster.status(id);
                    return cluster.chainIds().equals(chain) && status.getBoolean("caughtUp")
                            && status.getLong("epoch") == epoch;
                });
    }

    /** Writes keys pre-0 .. pre-(count-1) with 100-byte values at the head, 16 at a time. */
    private void preload(int count) throws Exception {
        preload(cluster, count);
    }

    static void preload(CatenaCluster cluster, int count) throws Exception {
        load(cluster, "pre-", count, VALUE, 16, Duration.ofSeconds(180));
    }

    /**
     * Writes keys {@code prefix}0 .. {@code prefix}(count-1) with {@code value} at the head from {@code writers}
     * threads; a 503 (a new configuration's lease on its way: nothing written) is retried.
     */
    static void load(CatenaCluster cluster, String prefix, int count, String value, int writers, Duration timeout)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                done.add(pool.submit(() -> {
                    String head = cluster.headHttp();
                    for (int i = writer; i < count; i += writers) {
                        HttpResponse<String> answer = cluster.put(head, prefix + i, value);
                        for (int retry = 0; answer.statusCode() == 503 && retry < 100; retry++) {
                            Thread.sleep(50);
                            answer = cluster.put(head, prefix + i, value);
                        }
                        if (answer.statusCode() != 200) {
                            throw new AssertionError("write " + prefix + i + ": " + answer.statusCode() + " "
                                    + answer.body());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> writer : done) {
                writer.get(timeout.toSeconds(), TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private void assertIdenticalData(List<String> ids) {
        assertIdenticalData(cluster, ids);
    }

    /** Once writes have stopped, every node reaches the same commit point and the same data digest. */
    static void assertIdenticalData(CatenaCluster cluster, List<String> ids) {
        await("every node committed as far as the tail").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100)).until(() -> {
                    long tail = cluster.status(ids.get(ids.size() - 1)).getLong("committedSeq");
                    return ids.stream().allMatch(id -> {
                        JsonObject status = cluster.status(id);
                        return status.getLong("committedSeq") == tail && status.getLong("appliedSeq") == tail;
                    });
                });
        List<JsonObject> digests = ids.stream().map(id -> cluster.getJson(cluster.httpOf(id), "/admin/digest"))
                .toList();
        for (int i = 1; i < digests.size(); i++) {
            assertThat(digests.get(i)).as("digest of %s vs %s", ids.get(i), ids.get(0)).isEqualTo(digests.get(0));
        }
        System.out.println("digests equal on " + ids + ": " + digests.get(0));
    }

    /** The longest time between two consecutive acknowledgements among writes that ended in [fromNs, toNs]. */
    private static long longestAckGapMs(WriteLoad load, long fromNs, long toNs) {
        List<Long> ends = load.acknowledged().stream().map(WriteLoad.Attempt::endNs)
                .filter(end -> end >= fromNs && end <= toNs).sorted().toList();
        long gap = 0;
        for (int i = 1; i < ends.size(); i++) {
            gap = Math.max(gap, ends.get(i) - ends.get(i - 1));
        }
        return gap / 1_000_000;
    }
}
