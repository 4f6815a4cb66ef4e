package io.catena.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.catena.it.WriteLoad.Attempt;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * docs/master.md, "Leases": a tail frozen (SIGSTOP) past its lease stops serving before its predecessor, the new
 * tail, commits anything new. When it runs again it must not answer a read from its old state, whatever it
 * missed: it answers 503 (no lease) or 307 (not the tail of its new configuration), or, once appended back and
 * caught up, the newest value.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PausedTailTest {

    /** Lease + margin + report timeout + 2 s: well past the point where the master may remove the tail. */
    static final Duration PAUSE = Duration.ofMillis(CatenaCluster.LEASE_MS + CatenaCluster.LEASE_MARGIN_MS
            + CatenaCluster.REPORT_TIMEOUT_MS + 2_000);
    static final Duration WATCH_AFTER_RESUME = Duration.ofSeconds(3);
    static final Duration RECONFIGURATION_MAX = Duration.ofSeconds(10);
    static final String KEY = "paused-tail-key";
    static final String OLD_VALUE = "old value, written before the pause";
    static final String NEW_VALUE = "new value, written after the reconfiguration";

    @RegisterExtension
    final CatenaCluster cluster = CatenaCluster.withNodes(3);

    /** One answer of the resumed old tail to {@code GET /kv/KEY}; status -1 = connection failed. */
    private record Read(long atMsAfterResume, int status, String body) {
        boolean isSafe() {
            return status == 503 || status == 307 || (status == 200 && body.equals(NEW_VALUE));
        }
    }

    @Test
    @DisplayName("a tail paused past its lease is replaced; resumed, it never serves the value it had, takes the new"
            + " epoch, and every acknowledged write is at the final tail")
    void pausedTailNeverServesAStaleValueAfterItWasReplaced() throws InterruptedException {
        cluster.start();
        String oldTail = cluster.idAt(ChainPosition.TAIL);
        String oldTailHttp = cluster.httpOf(oldTail);
        long pausedEpoch = cluster.epoch();
        assertThat(cluster.putAtHead(KEY, OLD_VALUE).statusCode()).as("PUT %s = old value", KEY).isEqualTo(200);
        assertThat(cluster.get(oldTailHttp, KEY).body()).as("the tail serves the old value").isEqualTo(OLD_VALUE);
        WriteLoad load = WriteLoad.start(cluster, "paused-tail", KillUnderLoad.WRITERS)
                .awaitRunning(Duration.ofSeconds(1), 20);

        long pausedNs = System.nanoTime();
        cluster.pause(oldTail);
        await("the master installs a chain without the paused tail " + oldTail).atMost(RECONFIGURATION_MAX)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> cluster.epoch() > pausedEpoch && !cluster.chainIds().contains(oldTail));
        long reconfiguredNs = System.nanoTime();
        await("writes started after the reconfiguration are acknowledged").atMost(RECONFIGURATION_MAX)
                .until(() -> load.firstAcknowledgedStartedAfter(reconfiguredNs).isPresent());
        await("the new chain acknowledges PUT " + KEY + " = new value").atMost(RECONFIGURATION_MAX)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> cluster.putAtHead(KEY, NEW_VALUE).statusCode() == 200);
        assertThat(System.nanoTime() - pausedNs).as("ns paused when the new value was acknowledged")
                .isLessThan(PAUSE.toNanos());
        // The fault's duration is the experiment's input, not an event to wait for.
        TimeUnit.NANOSECONDS.sleep(PAUSE.toNanos() - (System.nanoTime() - pausedNs));

        cluster.resume(oldTail);
        List<Read> reads = readRepeatedly(oldTailHttp, WATCH_AFTER_RESUME);

        System.out.println("resumed " + oldTail + " answered GET " + KEY + " by status: " + countByStatus(reads));
        assertThat(reads).as("GET %s at the resumed old tail %s", KEY, oldTail).isNotEmpty()
                .allSatisfy(read -> assertThat(read.isSafe())
                        .as("answer %s: only 503, 307 or the new value are allowed", read).isTrue());
        await("the resumed old tail takes a configuration newer than epoch " + pausedEpoch)
                .atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> cluster.status(oldTail).getLong("epoch") > pausedEpoch);
        load.stop();
        System.out.println(load.summary() + "; chain now " + cluster.chain().encode());
        List<Attempt> acknowledged = new ArrayList<>(load.acknowledged());
        TailReads tail = new TailReads(cluster);
        tail.assertHoldsEvery(acknowledged);
        assertThat(tail.read(KEY).body()).as("%s at the final tail", KEY).isEqualTo(NEW_VALUE);
    }

    /** GETs {@code key} at {@code hostPort} back to back for {@code duration}, recording every answer. */
    private List<Read> readRepeatedly(String hostPort, Duration duration) {
        List<Read> reads = new ArrayList<>();
        long startNs = System.nanoTime();
        long endNs = startNs + duration.toNanos();
        while (System.nanoTime() < endNs) {
            long atMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
            try {
                HttpResponse<String> answer = cluster.get(hostPort, KEY);
                reads.add(new Read(atMs, answer.statusCode(), answer.body()));
            } catch (UncheckedIOException e) {
                reads.add(new Read(atMs, -1, e.getMessage()));
            }
        }
        return reads;
    }

    private static Map<Integer, Long> countByStatus(List<Read> reads) {
        Map<Integer, Long> counts = new TreeMap<>();
        reads.forEach(read -> counts.merge(read.status(), 1L, Long::sum));
        return counts;
    }
}
