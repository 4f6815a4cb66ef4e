package io.catena.it.staticchain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Ack levels and read levels on three real processes (docs/consistency.md), with the link into a node held in a
 * proxy so that a write can be made to sit anywhere along the chain.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ConsistencyLevelsTest {

    @RegisterExtension
    final ChainProcesses chain = ChainProcesses.ofNodes(3).withProxyInFrontOf("n2").withProxyInFrontOf("n3")
            .with("minSeqWaitMs", "1000");

    static final Duration LONG = Duration.ofSeconds(30);

    @Test
    @DisplayName("ack=head is answered while the rest of the chain has nothing; ack=all waits for the tail")
    void ackHeadIsAnsweredWhileTheChainIsStalled() throws Exception {
        start();
        chain.proxy("n2").hold();

        HttpResponse<String> headOnly = chain.request("n1", "PUT", "/kv/async?ack=head", "fast");
        CompletableFuture<HttpResponse<String>> all = chain.requestAsync("n1", "PUT", "/kv/sync", "slow", LONG);

        assertThat(headOnly.statusCode()).as(headOnly.body()).isEqualTo(200);
        assertThat(new JsonObject(headOnly.body()).getString("ack")).isEqualTo("head");
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> !all.isDone());
        assertThat(chain.status("n2").getLong("appliedSeq")).isZero();
        assertThat(chain.get("n3", "async").statusCode()).as("not at the tail yet").isEqualTo(404);

        chain.proxy("n2").release();
        assertThat(all.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(new JsonObject(all.get().body()).getString("ack")).isEqualTo("all");
        await().atMost(Duration.ofSeconds(10)).until(() -> chain.get("n3", "async").statusCode() == 200);
    }

    @Test
    @DisplayName("ack=2 is answered once the middle has the write durably, while the tail is cut off")
    void ackTwoIsAnsweredOnceTheMiddleHasIt() throws Exception {
        start();
        chain.proxy("n3").hold();

        HttpResponse<String> two = chain.request("n1", "PUT", "/kv/semi?ack=2", "v");
        CompletableFuture<HttpResponse<String>> three = chain.requestAsync("n1", "PUT", "/kv/semi3?ack=3", "v", LONG);

        assertThat(two.statusCode()).as(two.body()).isEqualTo(200);
        assertThat(new JsonObject(two.body()).getString("ack")).isEqualTo("2");
        assertThat(chain.status("n2").getLong("appliedSeq")).isGreaterThanOrEqualTo(1);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> !three.isDone());

        chain.proxy("n3").release();
        HttpResponse<String> committed = three.get(20, TimeUnit.SECONDS);
        assertThat(new JsonObject(committed.body()).getString("ack")).as("3 of 3 nodes is all").isEqualTo("all");
    }

    @Test
    @DisplayName("a strong read of a dirty key at the head or middle returns the committed value, never the pending one")
    void strongReadOfADirtyKeyReturnsTheCommittedValue() throws Exception {
        start();
        assertThat(chain.request("n1", "PUT", "/kv/craq", "old").statusCode()).isEqualTo(200);
        assertThat(chain.request("n1", "PUT", "/kv/other", "clean").statusCode()).isEqualTo(200);
        awaitEveryNodeCommitted();
        chain.proxy("n3").hold();

        CompletableFuture<HttpResponse<String>> write = chain.requestAsync("n1", "PUT", "/kv/craq", "new", LONG);
        await().atMost(Duration.ofSeconds(10)).until(() -> chain.status("n2").getLong("appliedSeq") == 3);

        for (String node : new String[] {"n1", "n2"}) {
            HttpResponse<String> dirty = chain.request(node, "GET", "/kv/craq?consistency=strong", null);
            assertThat(dirty.body()).as("strong read at %s", node).isEqualTo("old");
            assertThat(dirty.headers().firstValue("X-Catena-Read")).hasValue("tail");
            HttpResponse<String> clean = chain.request(node, "GET", "/kv/other?consistency=strong", null);
            assertThat(clean.body()).isEqualTo("clean");
            assertThat(clean.headers().firstValue("X-Catena-Read")).hasValue("local");
        }

        chain.proxy("n3").release();
        assertThat(write.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        for (String node : new String[] {"n1", "n2", "n3"}) {
            assertThat(chain.request(node, "GET", "/kv/craq?consistency=strong", null).body())
                    .as("strong read at %s right after the write was acknowledged", node).isEqualTo("new");
        }
    }

    @Test
    @DisplayName("min_seq reads at the head and middle see the client's own write, or answer 503 with their committedSeq")
    void minSeqReadsSeeTheClientsOwnWrite() throws Exception {
        start();
        long seq = new JsonObject(chain.request("n1", "PUT", "/kv/mine", "v1").body()).getLong("seq");
        for (String node : new String[] {"n1", "n2"}) {
            HttpResponse<String> read = chain.request(node, "GET", "/kv/mine?consistency=any&min_seq=" + seq, null);
            assertThat(read.body()).as("read-your-writes at %s", node).isEqualTo("v1");
        }

        chain.proxy("n3").hold();
        long pending = new JsonObject(chain.request("n1", "PUT", "/kv/mine?ack=head", "v2").body()).getLong("seq");
        for (String node : new String[] {"n1", "n2"}) {
            HttpResponse<String> behind = chain.request(node, "GET", "/kv/mine?consistency=any&min_seq=" + pending,
                    null);
            assertThat(behind.statusCode()).as(behind.body()).isEqualTo(503);
            assertThat(new JsonObject(behind.body()).getLong("committedSeq")).isEqualTo(seq);
        }
        CompletableFuture<HttpResponse<String>> waiting = chain.requestAsync("n2", "GET",
                "/kv/mine?consistency=any&min_seq=" + pending, null, LONG);
        chain.proxy("n3").release();

        HttpResponse<String> answered = waiting.get(10, TimeUnit.SECONDS);
        assertThat(answered.statusCode()).as("the read waits (up to minSeqWaitMs) for the commit: %s",
                answered.body()).isEqualTo(200);
        assertThat(answered.body()).isEqualTo("v2");
    }

    private void start() {
        chain.start();
        await("both links streaming").atMost(Duration.ofSeconds(20)).until(() -> streaming("n1") && streaming("n2"));
    }

    private boolean streaming(String id) {
        JsonObject downstream = chain.status(id).getJsonObject("downstream");
        return downstream != null && downstream.getString("state").equals("streaming");
    }

    private void awaitEveryNodeCommitted() {
        long tail = chain.status("n3").getLong("committedSeq");
        await().atMost(Duration.ofSeconds(10)).until(() -> chain.status("n1").getLong("committedSeq") == tail
                && chain.status("n2").getLong("committedSeq") == tail);
    }
}
