package io.catena.it.staticchain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.catena.it.staticchain.ChainProcesses.StoredNode;
import io.catena.node.core.LogEntry;
import io.vertx.core.json.JsonObject;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Durability (DESIGN.md sections 2-3): a write is acknowledged only once every node has it durably, so killing
 * the whole chain at once loses no acknowledged write, and the restarted chain converges to identical logs.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CrashRecoveryTest {

    private static final int WRITERS = 6;
    private static final Duration LOAD_MIN = Duration.ofSeconds(3);
    private static final int ACKED_MIN = 100;

    @RegisterExtension
    final ChainProcesses chain = ChainProcesses.ofNodes(3).with("writeTimeoutMs", "10000");

    @Test
    @DisplayName("every acknowledged write survives kill -9 of every node mid-load, and the logs end identical")
    void acknowledgedWritesSurviveKillingTheWholeChain() throws Exception {
        chain.start();
        Load load = new Load(chain, WRITERS);

        await("the load runs for " + LOAD_MIN.toSeconds() + " s with at least " + ACKED_MIN + " acknowledged writes")
                .pollDelay(LOAD_MIN).atMost(LOAD_MIN.plusSeconds(20))
                .until(() -> load.acked.size() >= ACKED_MIN);
        chain.killAll(chain.ids());
        load.stop();
        List<Acked> acked = List.copyOf(load.acked);
        System.out.printf("load: %d acknowledged, answers by status %s, %d failed requests%n", acked.size(),
                load.answersByStatus, load.failedRequests.get());

        chain.startAll();
        awaitChainSettled();
        for (Acked write : acked) {
            HttpResponse<String> read = chain.get(chain.tail(), write.key);
            assertThat(read.statusCode()).as("GET %s at the tail", write.key).isEqualTo(200);
            assertThat(read.body()).as("value of %s", write.key).isEqualTo(write.value);
            assertThat(read.headers().firstValue("ETag")).as("ETag of %s", write.key).hasValue("\"" + write.seq + "\"");
        }

        chain.stopAll();
        List<StoredNode> stored = chain.ids().stream().map(chain::readStorage).toList();
        StoredNode head = stored.get(0);
        for (StoredNode node : stored) {
            assertThat(node.recovered().committedSeq()).as("%s committedSeq", node.id())
                    .isEqualTo(node.recovered().appliedSeq());
            assertThat(node.recovered().appliedSeq()).as("%s appliedSeq vs %s", node.id(), head.id())
                    .isEqualTo(head.recovered().appliedSeq());
            assertThat(node.log()).as("%s log vs %s log", node.id(), head.id()).isEqualTo(head.log());
        }
        assertThat(head.log()).as("every seq 1..appliedSeq is in the log")
                .hasSize((int) head.recovered().appliedSeq());
        for (Acked write : acked) {
            LogEntry entry = head.log().get((int) write.seq - 1);
            assertThat(new String(entry.key(), StandardCharsets.UTF_8)).isEqualTo(write.key);
            assertThat(new String(entry.value(), StandardCharsets.UTF_8)).isEqualTo(write.value);
        }
    }

    /** Every node up, linked, with nothing pending: the same committedSeq everywhere and nothing waiting. */
    private void awaitChainSettled() {
        await("the restarted chain commits everything it holds").atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    List<JsonObject> statuses = chain.ids().stream().map(chain::status).toList();
                    long committed = statuses.get(0).getLong("committedSeq");
                    return statuses.stream().allMatch(status -> status.getLong("committedSeq") == committed
                            && status.getLong("appliedSeq") == committed
                            && status.getLong("acceptedSeq") == committed
                            && status.getInteger("waitingWrites") == 0);
                });
    }

    private record Acked(String key, String value, long seq) {
    }

    /** Client threads writing unique keys to the head as fast as it answers, recording every 200. */
    private static final class Load {
        final ConcurrentLinkedQueue<Acked> acked = new ConcurrentLinkedQueue<>();
        final Map<Integer, AtomicInteger> answersByStatus = new ConcurrentHashMap<>();
        final AtomicInteger failedRequests = new AtomicInteger();
        private final AtomicBoolean stopped = new AtomicBoolean();
        private final List<Thread> writers = new ArrayList<>();

        Load(ChainProcesses chain, int count) {
            for (int w = 0; w < count; w++) {
                int writer = w;
                Thread thread = new Thread(() -> write(chain, writer), "load-writer-" + w);
                thread.setDaemon(true);
                writers.add(thread);
                thread.start();
            }
        }

        private void write(ChainProcesses chain, int writer) {
            for (int i = 0; !stopped.get(); i++) {
                String key = "crash-w" + writer + "-" + i;
                String value = "value of " + key + " " + System.nanoTime();
                try {
                    HttpResponse<String> answer = chain.put(chain.head(), key, value);
                    answersByStatus.computeIfAbsent(answer.statusCode(), s -> new AtomicInteger()).incrementAndGet();
                    if (answer.statusCode() == 200) {
                        acked.add(new Acked(key, value, new JsonObject(answer.body()).getLong("seq")));
                    }
                } catch (UncheckedIOException e) {
                    failedRequests.incrementAndGet(); // the head is gone: the outcome is unknown, not acked
                }
            }
        }

        void stop() throws InterruptedException {
            stopped.set(true);
            for (Thread thread : writers) {
                thread.join(TimeUnit.SECONDS.toMillis(15));
                assertThat(thread.isAlive()).as("%s stopped", thread.getName()).isFalse();
            }
        }
    }
}
