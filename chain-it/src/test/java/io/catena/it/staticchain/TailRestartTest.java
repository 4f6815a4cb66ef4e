package io.catena.it.staticchain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.catena.it.staticchain.ChainProcesses.StoredNode;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The link handshake (DESIGN.md section 3): when the tail comes back, the middle learns where the tail's log
 * ends and resends exactly what it lacks, so the writes that waited for the tail complete.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TailRestartTest {

    private static final int COMMITTED_BEFORE = 5;
    private static final int WAITING = 3;

    @RegisterExtension
    final ChainProcesses chain = ChainProcesses.ofNodes(3).with("writeTimeoutMs", "60000");

    @Test
    @DisplayName("a restarted tail is resent exactly what it lacks, and the writes waiting for it complete")
    void restartedTailIsResentWhatItLacksAndWaitingWritesComplete() throws Exception {
        chain.start();
        for (int i = 1; i <= COMMITTED_BEFORE; i++) {
            assertThat(chain.put("n1", "before-" + i, "committed " + i).statusCode()).isEqualTo(200);
        }

        chain.pause("n3");
        List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
        for (int i = 1; i <= WAITING; i++) {
            waiting.add(chain.putAsync("n1", "during-" + i, "waited " + i, Duration.ofSeconds(50)));
        }
        long allWritesSeq = COMMITTED_BEFORE + WAITING;
        await("the waiting writes are durable at the middle").atMost(Duration.ofSeconds(10))
                .until(() -> chain.status("n2").getLong("appliedSeq") == allWritesSeq
                        && chain.status("n1").getInteger("waitingWrites") == WAITING);
        chain.kill("n3");

        long tailAppliedSeq = chain.readStorage("n3").recovered().appliedSeq();
        long middleAppliedSeq = chain.status("n2").getLong("appliedSeq");
        assertThat(tailAppliedSeq).as("the killed tail's log end").isEqualTo(COMMITTED_BEFORE);
        assertThat(waiting).as("writes answered before the tail had them").noneMatch(CompletableFuture::isDone);

        chain.start("n3");

        for (CompletableFuture<HttpResponse<String>> write : waiting) {
            HttpResponse<String> answer = write.get(30, TimeUnit.SECONDS);
            assertThat(answer.statusCode()).as("waiting PUT answered %s", answer.body()).isEqualTo(200);
        }
        JsonObject link = chain.status("n2").getJsonObject("downstream");
        assertThat(link.getString("state")).isEqualTo("streaming");
        assertThat(link.getLong("handshakePosition")).as("the restarted tail's Position").isEqualTo(tailAppliedSeq);
        assertThat(link.getLong("handshakeResendThrough")).as("the middle's log end at the handshake")
                .isEqualTo(middleAppliedSeq);
        for (int i = 1; i <= WAITING; i++) {
            assertThat(chain.get("n3", "during-" + i).body()).isEqualTo("waited " + i);
        }

        chain.stopAll();
        List<StoredNode> stored = chain.ids().stream().map(chain::readStorage).toList();
        for (StoredNode node : stored) {
            assertThat(node.recovered().appliedSeq()).as("%s appliedSeq", node.id()).isEqualTo(allWritesSeq);
            assertThat(node.recovered().committedSeq()).as("%s committedSeq", node.id()).isEqualTo(allWritesSeq);
            assertThat(node.log()).as("%s log vs n1 log", node.id()).isEqualTo(stored.get(0).log());
        }
    }
}
