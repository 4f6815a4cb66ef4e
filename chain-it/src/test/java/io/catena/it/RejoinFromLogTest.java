package io.catena.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node killed under load and restarted catches up incrementally, from its predecessor's log (the default
 * retention keeps far more entries than the writes it missed), and ends with the same data as the others.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RejoinFromLogTest {

    @RegisterExtension
    final CatenaCluster cluster = CatenaCluster.withNodes(3);

    @Test
    @DisplayName("a middle node killed under load and restarted rejoins through the tail's log, as tail")
    void aRestartedNodeRejoinsThroughTheLog() throws Exception {
        cluster.start();
        try (WriteLoad load = WriteLoad.start(cluster, "w", 4)) {
            load.awaitRunning(Duration.ofMillis(500), 100);
            cluster.kill("n2");
            await("the chain goes on without n2").atMost(Duration.ofSeconds(20))
                    .until(() -> !cluster.chainIds().contains("n2"));
            load.awaitRunning(Duration.ofMillis(0), load.acknowledged().size() + 300);
            cluster.startNode("n2");
            CatchUpTest.awaitCaughtUpTail(cluster, "n2", List.of("n1", "n3", "n2"));
            load.stop();

            assertThat(cluster.status("n2").getLong("snapshotsInstalled")).as("n2 rejoined from the log")
                    .isZero();
            CatchUpTest.assertIdenticalData(cluster, List.of("n1", "n3", "n2"));
            new TailReads(cluster).assertHoldsEvery(load.acknowledged());
        }
    }

}
