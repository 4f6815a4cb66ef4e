package io.catena.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * Client threads writing unique keys as fast as the chain answers, each recording every attempt with its
 * {@link System#nanoTime()} start and end, so that a test can tell which writes were acknowledged and how long
 * the chain did not acknowledge any.
 *
 * <p>Each writer sends its write to the head the master names ({@code GET /chain}, asked again after every
 * write that was not acknowledged), follows one {@code 307}, and counts a {@code 200} as acknowledged (with the
 * seq from its body). Everything else is not acknowledged: a connection error (the head is dead), {@code 503}
 * (no lease or no configuration), {@code 504} (outcome unknown: it may still commit, so it is never checked
 * either way), or a second redirect. After a write that was not acknowledged a writer waits {@link #RETRY_PAUSE}
 * before the next one, so that a dead head is not hammered; that pause bounds the resolution of the recovery
 * time measured from the attempts.
 */
final class WriteLoad implements AutoCloseable {

    static final int CONNECTION_FAILED = -1;
    static final Duration RETRY_PAUSE = Duration.ofMillis(20);
    /** Longer than the node's writeTimeoutMs, so that a waiting write is answered (504) by the head, not cut. */
    static final Duration REQUEST_TIMEOUT = Duration.ofMillis(CatenaCluster.WRITE_TIMEOUT_MS + 2_000);

    /** One write as the client saw it. {@code status} is the HTTP status, or {@link #CONNECTION_FAILED}. */
    record Attempt(int writer, String key, String value, String node, long startNs, long endNs, int status,
                   long seq, String detail) {

        boolean acknowledged() {
            return status == 200;
        }

        /** Whether the request was outstanding at some time in {@code [fromNs, toNs]}. */
        boolean overlaps(long fromNs, long toNs) {
            return startNs <= toNs && endNs >= fromNs;
        }

        @Override
        public String toString() {
            return "PUT " + key + " at " + node + " -> " + (status == CONNECTION_FAILED ? "connection failed" : status)
                    + (seq >= 0 ? " seq " + seq : "") + " after " + TimeUnit.NANOSECONDS.toMillis(endNs - startNs)
                    + " ms" + (detail.isEmpty() ? "" : " (" + detail + ")");
        }
    }

    private final CatenaCluster cluster;
    private final String keyPrefix;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(1))
            .build();
    private final ConcurrentLinkedQueue<Attempt> attempts = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final List<Thread> writers = new ArrayList<>();
    private final long startNs = System.nanoTime();

    private WriteLoad(CatenaCluster cluster, String keyPrefix) {
        this.cluster = cluster;
        this.keyPrefix = keyPrefix;
    }

    /** Starts {@code writerCount} writer threads; keys are {@code <keyPrefix>-w<writer>-<i>}. */
    static WriteLoad start(CatenaCluster cluster, String keyPrefix, int writerCount) {
        if (writerCount < 1) {
            throw new IllegalArgumentException("at least one writer, not " + writerCount);
        }
        WriteLoad load = new WriteLoad(cluster, keyPrefix);
        String head = cluster.headHttp();
        for (int w = 0; w < writerCount; w++) {
            int writer = w;
            Thread thread = new Thread(() -> load.write(writer, head), "write-load-" + keyPrefix + "-" + w);
            thread.setDaemon(true);
            load.writers.add(thread);
        }
        load.writers.forEach(Thread::start);
        return load;
    }

    // ------------------------------------------------------------ control

    /** Waits until at least {@code count} writes are acknowledged and {@code atLeast} has passed since the start. */
    WriteLoad awaitRunning(Duration atLeast, int count) {
        Duration left = Duration.ofNanos(Math.max(0, atLeast.toNanos() - (System.nanoTime() - startNs)));
        await("the load has run " + atLeast.toMillis() + " ms with at least " + count + " acknowledged writes")
                .pollDelay(left).atMost(left.plusSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> acknowledged().size() >= count);
        return this;
    }

    /** Stops every writer and waits for it; its write in flight is answered or times out first. */
    void stop() {
        stopped.set(true);
        for (Thread thread : writers) {
            try {
                thread.join(REQUEST_TIMEOUT.toMillis() + 5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted stopping the load", e);
            }
            assertThat(thread.isAlive()).as("%s stopped", thread.getName()).isFalse();
        }
    }

    @Override
    public void close() {
        stopped.set(true);
    }

    // ------------------------------------------------------------ what happened

    List<Attempt> attempts() {
        return attempts.stream().sorted(Comparator.comparingLong(Attempt::startNs)).toList();
    }

    List<Attempt> acknowledged() {
        return select(Attempt::acknowledged);
    }

    List<Attempt> select(Predicate<Attempt> which) {
        return attempts().stream().filter(which).toList();
    }

    /** The acknowledged write that ended first among those started at or after {@code ns}. */
    Optional<Attempt> firstAcknowledgedStartedAfter(long ns) {
        return attempts.stream().filter(a -> a.acknowledged() && a.startNs() >= ns)
                .min(Comparator.comparingLong(Attempt::endNs));
    }

    /** The writes not acknowledged that were outstanding at some time in {@code [fromNs, toNs]}. */
    List<Attempt> notAcknowledgedBetween(long fromNs, long toNs) {
        return select(a -> !a.acknowledged() && a.overlaps(fromNs, toNs));
    }

    /** Attempts by outcome, e.g. {@code {200=812, 504=3, -1=40}}. */
    Map<Integer, Long> countByStatus() {
        Map<Integer, Long> counts = new TreeMap<>();
        attempts.forEach(a -> counts.merge(a.status(), 1L, Long::sum));
        return counts;
    }

    String summary() {
        return "load " + keyPrefix + ": " + attempts.size() + " writes over " + writers.size() + " writers, by status "
                + countByStatus() + " (-1 = connection failed)";
    }

    // ------------------------------------------------------------ a writer

    private void write(int writer, String firstHead) {
        String head = firstHead;
        for (long i = 0; !stopped.get(); i++) {
            String key = keyPrefix + "-w" + writer + "-" + i;
            String value = "value of " + key + " @" + System.nanoTime();
            Attempt attempt = put(writer, head, key, value);
            attempts.add(attempt);
            if (!attempt.acknowledged()) {
                head = currentHead().orElse(head);
                LockSupport.parkNanos(RETRY_PAUSE.toNanos());
            }
        }
    }

    private Attempt put(int writer, String head, String key, String value) {
        long start = System.nanoTime();
        String node = head;
        try {
            URI target = CatenaCluster.uri(head, "/kv/" + KeyPath.encode(key));
            HttpResponse<String> answer = send(target, value);
            if (answer.statusCode() == 307) {
                Optional<String> location = answer.headers().firstValue("Location");
                if (location.isPresent()) {
                    target = URI.create(location.get());
                    node = target.getHost() + ":" + target.getPort();
                    answer = send(target, value);
                }
            }
            long end = System.nanoTime();
            long seq = answer.statusCode() == 200 ? new JsonObject(answer.body()).getLong("seq") : -1;
            String detail = answer.statusCode() == 200 ? "" : answer.body();
            return new Attempt(writer, key, value, node, start, end, answer.statusCode(), seq, detail);
        } catch (IOException e) {
            return new Attempt(writer, key, value, node, start, System.nanoTime(), CONNECTION_FAILED, -1,
                    e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Attempt(writer, key, value, node, start, System.nanoTime(), CONNECTION_FAILED, -1,
                    "interrupted");
        }
    }

    private HttpResponse<String> send(URI target, String value) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(target).timeout(REQUEST_TIMEOUT)
                .PUT(HttpRequest.BodyPublishers.ofString(value, StandardCharsets.UTF_8))
                .header("Content-Type", "application/octet-stream")
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** The head the master names now; empty while the master cannot be asked (it may be down). */
    private Optional<String> currentHead() {
        try {
            return Optional.of(cluster.headHttp());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
