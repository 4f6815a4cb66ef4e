package io.catena.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.catena.it.WriteLoad.Attempt;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Reads at the tail the master names, the way a client does: a {@code 307} is followed once, and a {@code 503}
 * (a new tail still catching up, or between leases), a second {@code 307} (a reconfiguration under way) or a
 * connection error is retried briefly, asking the master for the tail again.
 */
final class TailReads {

    static final Duration RETRY_FOR = Duration.ofSeconds(10);
    /** Readers checking acknowledged writes side by side: thousands of GETs one after the other take seconds. */
    static final int READERS = 4;

    private final CatenaCluster cluster;
    private volatile String tail;

    TailReads(CatenaCluster cluster) {
        this.cluster = cluster;
        this.tail = cluster.tailHttp();
    }

    /** The tail's answer for {@code key}, once it is neither a {@code 503} nor a connection error. */
    HttpResponse<String> read(String key) {
        AtomicReference<HttpResponse<String>> answer = new AtomicReference<>();
        await("the tail answers GET " + key + " with something else than 503 or 307").atMost(RETRY_FOR)
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    HttpResponse<String> response = readOnce(key);
                    // A 307 even after following one: the chain is mid-change (two nodes disagree on the tail).
                    if (response == null || response.statusCode() == 503 || response.statusCode() == 307) {
                        tail = cluster.tailHttp();
                        return false;
                    }
                    answer.set(response);
                    return true;
                });
        return answer.get();
    }

    /**
     * Asserts that every acknowledged write is at the tail with its value and seq ({@code ETag}). Keys are unique
     * per write, so the value read is exactly the one written.
     */
    void assertHoldsEvery(List<Attempt> acknowledged) {
        assertThat(acknowledged).as("acknowledged writes to check").isNotEmpty();
        long startNs = System.nanoTime();
        Queue<String> lost = new ConcurrentLinkedQueue<>();
        ExecutorService readers = Executors.newFixedThreadPool(READERS);
        try {
            List<Future<?>> parts = new ArrayList<>();
            for (int r = 0; r < READERS; r++) {
                int reader = r;
                parts.add(readers.submit(() -> {
                    for (int i = reader; i < acknowledged.size(); i += READERS) {
                        check(acknowledged.get(i)).ifPresent(lost::add);
                    }
                }));
            }
            for (Future<?> part : parts) {
                part.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted reading at the tail", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AssertionError failure) {
                throw failure;
            }
            throw new IllegalStateException("reading at the tail failed", e.getCause());
        } finally {
            readers.shutdownNow();
        }
        System.out.printf("read %d acknowledged writes at the tail in %d ms%n", acknowledged.size(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs));
        assertThat(lost.stream().limit(20).toList()).as("%d of %d acknowledged writes not at the tail (first 20)",
                lost.size(), acknowledged.size()).isEmpty();
    }

    /** What is wrong with the tail's answer for an acknowledged write, if anything. */
    private Optional<String> check(Attempt write) {
        HttpResponse<String> read = read(write.key());
        String etag = read.headers().firstValue("ETag").orElse("");
        if (read.statusCode() == 200 && read.body().equals(write.value()) && etag.equals("\"" + write.seq() + "\"")) {
            return Optional.empty();
        }
        return Optional.of(write + " but the tail " + tail + " answered " + read.statusCode() + " ETag " + etag + ": "
                + abbreviate(read.body()));
    }

    private HttpResponse<String> readOnce(String key) {
        try {
            HttpResponse<String> response = cluster.get(tail, key);
            if (response.statusCode() == 307) {
                URI location = URI.create(response.headers().firstValue("Location").orElseThrow());
                response = cluster.get(location.getHost() + ":" + location.getPort(), key);
            }
            return response;
        } catch (UncheckedIOException e) {
            return null;
        }
    }

    private static String abbreviate(String body) {
        return body.length() <= 120 ? body : body.substring(0, 120) + "...";
    }
}
