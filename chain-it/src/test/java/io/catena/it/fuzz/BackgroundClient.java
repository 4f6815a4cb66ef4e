package io.catena.it.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A well-behaved client that keeps working while hostile ones attack: in a loop, a PUT at the head, then a GET of
 * the same key at the tail, each round trip timed. It records every failure (an exception or an unexpected status)
 * and how many PUTs were acknowledged, so that a test can tell the node's own writes from any the attack made.
 */
final class BackgroundClient implements AutoCloseable {

    /**
     * The bound on the p99 of its round trips (one PUT through the chain with fsync at every node, plus one GET).
     * Healthy, they take tens of milliseconds; a node whose event loop is blocked or whose accept queue is full
     * shows as a request timeout (10 s) or an error. 1 s separates the two with room for a GC pause or a slow fsync
     * on a loaded two-core machine, so the bound fails only when the node really stopped serving others.
     */
    static final Duration ROUND_TRIP_P99_MAX = Duration.ofSeconds(1);

    private final Chain chain;
    private final Thread thread;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong acknowledgedWrites = new AtomicLong();
    private final List<Long> roundTripNanos = Collections.synchronizedList(new ArrayList<>());
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());

    private BackgroundClient(Chain chain) {
        this.chain = chain;
        this.thread = new Thread(this::run, "fuzz-background-client");
    }

    static BackgroundClient start(Chain chain) {
        BackgroundClient client = new BackgroundClient(chain);
        client.thread.start();
        return client;
    }

    private void run() {
        for (long i = 0; running.get(); i++) {
            String key = "fuzz-background-" + i;
            String value = "v" + i;
            long startNs = System.nanoTime();
            try {
                HttpResponse<String> put = chain.cluster().put(chain.head(), key, value);
                if (put.statusCode() != 200) {
                    failures.add("PUT " + key + ": " + put.statusCode() + " " + put.body());
                    continue;
                }
                acknowledgedWrites.incrementAndGet();
                HttpResponse<String> get = chain.cluster().get(chain.tail(), key);
                if (get.statusCode() != 200 || !get.body().equals(value)) {
                    failures.add("GET " + key + ": " + get.statusCode() + " " + get.body());
                    continue;
                }
                roundTripNanos.add(System.nanoTime() - startNs);
            } catch (RuntimeException e) {
                failures.add(key + ": " + e);
            }
        }
    }

    /** Completed round trips so far. */
    int roundTrips() {
        return roundTripNanos.size();
    }

    long acknowledgedWrites() {
        return acknowledgedWrites.get();
    }

    /** Stops the loop after its current round trip and waits for it. */
    @Override
    public void close() {
        running.set(false);
        try {
            thread.join(Duration.ofSeconds(30).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        assertThat(thread.isAlive()).as("the background client stopped").isFalse();
    }

    /** No failure, and the p99 of the round trips within {@link #ROUND_TRIP_P99_MAX}. */
    void assertUnaffected(String during) {
        assertThat(failures).as("background client's failures during %s", during).isEmpty();
        List<Long> sorted;
        synchronized (roundTripNanos) {
            sorted = new ArrayList<>(roundTripNanos);
        }
        Collections.sort(sorted);
        assertThat(sorted).as("background round trips during %s", during).isNotEmpty();
        Duration p99 = Duration.ofNanos(sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1));
        assertThat(p99).as("p99 of %d background round trips (PUT at the head + GET at the tail) during %s",
                sorted.size(), during).isLessThanOrEqualTo(ROUND_TRIP_P99_MAX);
    }
}
