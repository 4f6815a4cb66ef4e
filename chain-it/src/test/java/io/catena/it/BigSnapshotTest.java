package io.catena.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
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
        CatchUpTest.load(cluster, "big-", KEYS, VALUE, 32, Duration.ofMinutes(25));
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
}
