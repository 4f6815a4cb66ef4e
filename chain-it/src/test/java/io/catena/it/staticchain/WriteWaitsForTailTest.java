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

/** Chain replication's write rule (DESIGN.md section 3): the head answers a write only once the tail has it. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WriteWaitsForTailTest {

    @RegisterExtension
    final ChainProcesses chain = ChainProcesses.ofNodes(3).withProxyInFrontOf("n3");

    @Test
    @DisplayName("a write at the head is answered only after the tail has it")
    void writeIsAnsweredOnlyAfterTheTailHasIt() throws Exception {
        chain.start();
        awaitMiddleStreamingToTail();
        TcpProxy linkIntoTail = chain.proxy("n3");

        linkIntoTail.hold();
        CompletableFuture<HttpResponse<String>> write =
                chain.putAsync("n1", "greeting", "hello", Duration.ofSeconds(30));

        await("the write reaches the middle").atMost(Duration.ofSeconds(10))
                .until(() -> chain.status("n2").getLong("appliedSeq") == 1);
        await("the write stays unanswered while the tail is cut off")
                .during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .until(() -> !write.isDone());
        assertThat(chain.get("n3", "greeting").statusCode()).as("GET at the tail before release").isEqualTo(404);

        linkIntoTail.release();
        HttpResponse<String> answer = write.get(20, TimeUnit.SECONDS);
        assertThat(answer.statusCode()).as("PUT answer: %s", answer.body()).isEqualTo(200);
        assertThat(new JsonObject(answer.body()).getLong("seq")).isEqualTo(1);
        HttpResponse<String> read = chain.get("n3", "greeting");
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.body()).isEqualTo("hello");
        assertThat(read.headers().firstValue("ETag")).hasValue("\"1\"");
    }

    private void awaitMiddleStreamingToTail() {
        await("n2 streams to n3 through the proxy").atMost(Duration.ofSeconds(20))
                .until(() -> {
                    JsonObject downstream = chain.status("n2").getJsonObject("downstream");
                    return downstream != null && downstream.getString("state").equals("streaming");
                });
    }
}
