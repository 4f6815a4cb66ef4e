package io.catena.it.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.catena.client.CatenaClient;
import io.catena.client.OutcomeUnknownException;
import io.catena.config.HostPort;
import io.catena.it.CatenaCluster;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * docs/client.md, "Retry rules": a client writing without pause through a kill -9 of the head finds the new head
 * through the master and keeps writing; the one write in flight at the kill may end as outcome unknown, nothing
 * else fails, and every acknowledged write is at the new tail.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ClientFailoverTest {

    /** Writes acknowledged after the new epoch appeared: enough to show the client has moved on. */
    static final int WRITES_AFTER_FAILOVER = 20;

    @RegisterExtension
    final CatenaCluster cluster = CatenaCluster.withNodes(3);

    @Test
    void aClientKeepsWritingThroughAHeadFailoverAndLosesNoAcknowledgedWrite() throws InterruptedException {
        cluster.start();
        long epochBefore = cluster.epoch();
        String head = cluster.chainIds().get(0);
        CatenaClient client = CatenaClient.builder().master(HostPort.parse(cluster.masterHttp())).build();
        Writer writer = new Writer(client);
        Thread thread = new Thread(writer, "failover-writer");
        thread.start();
        await("writes acknowledged before the kill").atMost(Duration.ofSeconds(20)).until(() -> writer.acked.size() > 20);

        cluster.kill(head);
        await("the client acknowledges writes in a later epoch").atMost(Duration.ofSeconds(30))
                .until(() -> writer.ackedInEpochAfter(epochBefore) >= WRITES_AFTER_FAILOVER);
        writer.stop.set(true);
        thread.join(TimeUnit.SECONDS.toMillis(40));

        assertThat(writer.otherFailures).as("failures other than outcome unknown").isEmpty();
        assertThat(writer.outcomeUnknown).as("writes of unknown outcome (one at most was in flight)")
                .hasSizeLessThanOrEqualTo(1);
        assertThat(cluster.chainIds()).as("chain after the kill of %s", head).doesNotContain(head).hasSize(2);
        for (Map.Entry<String, String> write : writer.acked.entrySet()) {
            assertThat(client.get(write.getKey())).as("acknowledged write of %s", write.getKey())
                    .hasValueSatisfying(value -> assertThat(new String(value.bytes(), StandardCharsets.UTF_8))
                            .isEqualTo(write.getValue()));
        }
    }

    /** Writes key-0, key-1, ... one at a time, remembering what each write ended in and the epoch it saw. */
    private static final class Writer implements Runnable {
        final CatenaClient client;
        final AtomicBoolean stop = new AtomicBoolean();
        final Map<String, String> acked = new ConcurrentHashMap<>();
        final Map<String, Long> ackedEpoch = new ConcurrentHashMap<>();
        final List<String> outcomeUnknown = new CopyOnWriteArrayList<>();
        final List<String> otherFailures = new CopyOnWriteArrayList<>();
        final AtomicLong next = new AtomicLong();

        Writer(CatenaClient client) {
            this.client = client;
        }

        long ackedInEpochAfter(long epoch) {
            return ackedEpoch.values().stream().filter(seen -> seen > epoch).count();
        }

        @Override
        public void run() {
            while (!stop.get()) {
                String key = "failover-" + next.getAndIncrement();
                String value = "value of " + key;
                try {
                    client.put(key, value.getBytes(StandardCharsets.UTF_8));
                    acked.put(key, value);
                    ackedEpoch.put(key, client.epoch());
                } catch (OutcomeUnknownException e) {
                    outcomeUnknown.add(key + " at " + System.currentTimeMillis() + " ms: " + e.getMessage());
                } catch (RuntimeException e) {
                    otherFailures.add(key + ": " + e);
                }
            }
        }
    }
}
