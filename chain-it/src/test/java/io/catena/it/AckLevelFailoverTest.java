package io.catena.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What each ack level survives (docs/consistency.md): a write acknowledged at {@code ack=2} survives the head's
 * death; one acknowledged at {@code ack=head} that never left the head is lost with it, which is that level's
 * documented price, and it does not come back when the old head rejoins.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AckLevelFailoverTest {

    /** The head sends at most this many entries beyond what its successor has made durable. */
    static final int WINDOW_ENTRIES = 4;

    @RegisterExtension
    final CatenaCluster cluster = CatenaCluster.withNodes(3)
            .withNodeSetting("replicationWindowEntries", Integer.toString(WINDOW_ENTRIES));

    @Test
    @DisplayName("a write acknowledged with ack=2 while the tail was frozen survives kill -9 of the head")
    void ackTwoSurvivesTheHead() {
        cluster.start();
        cluster.pause("n3");
        HttpResponse<String> write = cluster.request(cluster.httpOf("n1"), "PUT", "/kv/semi?ack=2", "kept");
        assertThat(write.statusCode()).as(write.body()).isEqualTo(200);
        assertThat(new JsonObject(write.body()).getString("ack")).isEqualTo("2");

        cluster.kill("n1");
        cluster.resume("n3");

        await("the chain without n1 serves the write").atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> !cluster.chainIds().contains("n1") && cluster.getAtTail("semi").statusCode() == 200);
        assertThat(cluster.getAtTail("semi").body()).isEqualTo("kept");
    }

    @Test
    @DisplayName("writes acknowledged with ack=head that never left the head are lost with it, and stay lost when "
            + "it rejoins")
    void ackHeadWritesDieWithTheHead() {
        cluster.start();
        cluster.pause("n2");
        List<String> acknowledged = new ArrayList<>();
        for (int i = 0; i < WINDOW_ENTRIES + 6; i++) {
            HttpResponse<String> write = cluster.request(cluster.httpOf("n1"), "PUT", "/kv/async-" + i + "?ack=head",
                    "v" + i);
            assertThat(write.statusCode()).as(write.body()).isEqualTo(200);
            assertThat(new JsonObject(write.body()).getString("ack")).isEqualTo("head");
            acknowledged.add("async-" + i);
        }

        cluster.kill("n1");
        cluster.resume("n2");
        await("the chain without n1 serves").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> !cluster.chainIds().contains("n1") && cluster.putAtHead("after", "x").statusCode() == 200);

        String lastKey = acknowledged.get(acknowledged.size() - 1);
        await("the new tail serves reads").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> cluster.getAtTail("after").statusCode() == 200);
        assertThat(cluster.getAtTail(lastKey).statusCode())
                .as("the last ack=head write was beyond the replication window: only the dead head had it")
                .isEqualTo(404);
        long survivors = acknowledged.stream().filter(key -> cluster.getAtTail(key).statusCode() == 200).count();
        assertThat(survivors).as("at most the window's worth reached n2 before the head died")
                .isLessThanOrEqualTo(WINDOW_ENTRIES);

        cluster.restart("n1");
        await("n1 rejoins as tail").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    List<String> chain = cluster.chainIds();
                    return chain.size() == 3 && chain.get(2).equals("n1")
                            && cluster.getAtTail("after").statusCode() == 200;
                });
        assertThat(cluster.getAtTail(lastKey).statusCode())
                .as("the lost write does not come back with n1, now the tail, which had it in its log").isEqualTo(404);
        CatchUpTest.assertIdenticalData(cluster, List.of("n2", "n3", "n1"));
    }
}
