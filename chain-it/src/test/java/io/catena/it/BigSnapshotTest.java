package io.catena.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A snapshot larger than a node's heap ships without running out of memory: every node runs at -Xmx256m (see
 * CatenaCluster), the data is {@code catena.bigSnapshotKeys} keys (default 1 000 000) of 500-byte values, about
 * twice the heap. Slow (minutes): run with {@code -Dcatena.bigSnapshot=true}.
 */
@EnabledIfSystemProperty(named = "catena.bigSnapshot", matches = "true")
@Timeout(value = 30, unit = TimeUnit.MINUTES)
class BigSnapshotTest {

    static final int KEYS = Integer.getInteger("catena.bigSnapshotKeys", 1_000_000);
    static final String VALUE = "v".repeat(500);

    @RegisterExtension
    final CatenaCluster cluster = CatenaCluster.withNodes(3).withSpareNodes(1)
            .withNodeSetting("logRetentionEntries", "1000");

    @Test
    @DisplayName("a node joins through a snapshot twice the size of its heap and ends with identical data")
    void aSnapshotLargerThanTheHeapShips() throws Exception {
        cluster.start();
        long loadStart = System.nanoTime();
        load();
        long loadedNs = System.nanoTime();
        cluster.startNode("n3");
        CatchUpTest.awaitCaughtUpTail(cluster, "n3", List.of("n1", "n2", "n3"));
        long caughtUpNs = System.nanoTime();

        assertThat(cluster.status("n3").getLong("snapshotsInstalled")).isGreaterThanOrEqualTo(1);
        CatchUpTest.assertIdenticalData(cluster, List.of("n1", "n2", "n3"));
        System.out.printf("big snapshot: %d keys x %d bytes loaded in %d s; n3 caught up %d s after its start%n",
                KEYS, VALUE.length(), (loadedNs - loadStart) / 1_000_000_000L,
                (caughtUpNs - loadedNs) / 1_000_000_000L);
    }

    private void load() throws Exception {
        int writers = 32;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                done.add(pool.submit(() -> {
                    String head = cluster.headHttp();
                    for (int i = writer; i < KEYS; i += writers) {
                        HttpResponse<String> answer = cluster.put(head, "big-" + i, VALUE);
                        if (answer.statusCode() != 200) {
                            throw new AssertionError("big-" + i + ": " + answer.statusCode() + " " + answer.body());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> writer : done) {
                writer.get(25, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
