package io.catena.client.bench;

import io.catena.client.CatenaException;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Runs a {@link BenchConfig} against a set of {@link Operations}: {@code connections} lanes, each with one request
 * outstanding at a time, so the concurrency is the number of lanes and no lane holds a thread while it waits.
 *
 * <p>Closed loop: a lane sends its next request as soon as the previous one is answered; latency is measured from
 * the send. Open loop: lane i's requests are due at {@code start + (i + k * connections) / rate}; a request is
 * sent at its due time, or at once if the lane is late, and its latency is measured from its due time, so a stall
 * counts against every request that should have been sent during it (no coordinated omission).
 */
public final class LoadGenerator {

    /** The calls a run makes: a read answers whether the key had a value. */
    public interface Operations {
        CompletableFuture<Boolean> read(String key);

        CompletableFuture<?> write(String key, byte[] value);
    }

    /** How long to wait for the requests still outstanding at the end before reporting without them. */
    static final long DRAIN_MS_MAX = 60_000;
    private static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(10);

    private final Operations operations;
    private final BenchConfig config;
    private final Histogram reads = new ConcurrentHistogram(HIGHEST_MICROS, 3);
    private final Histogram writes = new ConcurrentHistogram(HIGHEST_MICROS, 3);
    private final AtomicLong readsNotFound = new AtomicLong();
    private final Map<String, AtomicLong> errors = new ConcurrentHashMap<>();

    public LoadGenerator(Operations operations, BenchConfig config) {
        this.operations = operations;
        this.config = config;
    }

    /** Runs the warmup and the measured window, waits for the outstanding requests, and reports. */
    public BenchResult run() throws InterruptedException {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(daemon("catena-bench-timer"));
        ExecutorService completions = Executors.newFixedThreadPool(2, daemon("catena-bench-completions"));
        try {
            long startNs = System.nanoTime();
            Window window = new Window(startNs + config.warmup().toNanos(),
                    startNs + config.warmup().toNanos() + config.duration().toNanos());
            CountDownLatch lanesDone = new CountDownLatch(config.connections());
            SplittableRandom seeds = new SplittableRandom(startNs);
            for (int i = 0; i < config.connections(); i++) {
                new Lane(i, startNs, seeds.split(), window, timer, completions, lanesDone).next();
            }
            long waitMs = TimeUnit.NANOSECONDS.toMillis(window.endNs - System.nanoTime()) + DRAIN_MS_MAX;
            if (!lanesDone.await(waitMs, TimeUnit.MILLISECONDS)) {
                errors.computeIfAbsent("unfinished_lanes", code -> new AtomicLong()).addAndGet(lanesDone.getCount());
            }
            return result();
        } finally {
            timer.shutdownNow();
            completions.shutdownNow();
        }
    }

    private BenchResult result() {
        Map<String, Long> counts = new ConcurrentHashMap<>();
        errors.forEach((code, count) -> counts.put(code, count.get()));
        return new BenchResult(config, config.duration().toNanos() / 1e9, reads.copy(), writes.copy(),
                readsNotFound.get(), counts);
    }

    /** Requests that start (closed loop) or are due (open loop) in [fromNs, endNs) are measured. */
    private record Window(long fromNs, long endNs) {
        boolean measures(long startNs) {
            return startNs >= fromNs && startNs < endNs;
        }
    }

    /** One outstanding request at a time; its own random keys and its own value buffer. */
    private final class Lane {
        final Window window;
        final ScheduledExecutorService timer;
        final ExecutorService completions;
        final CountDownLatch done;
        final SplittableRandom random;
        final byte[] value;
        final long intervalNs;
        long dueNs;

        /** {@code random} is split from one root: independent streams (seeds a gamma apart would not be). */
        Lane(int index, long startNs, SplittableRandom random, Window window, ScheduledExecutorService timer,
             ExecutorService completions, CountDownLatch done) {
            this.window = window;
            this.timer = timer;
            this.completions = completions;
            this.done = done;
            this.random = random;
            this.value = new byte[config.valueBytes()];
            for (int i = 0; i < value.length; i++) {
                value[i] = (byte) ('a' + random.nextInt(26));
            }
            this.intervalNs = config.openLoop() ? Math.round(config.connections() * 1e9 / config.ratePerSec()) : 0;
            this.dueNs = startNs + (config.openLoop() ? Math.round(index * 1e9 / config.ratePerSec()) : 0);
        }

        /** Sends the next request now, or when it is due; or ends the lane once the window has closed. */
        void next() {
            long nowNs = System.nanoTime();
            long startNs = config.openLoop() ? dueNs : nowNs;
            if (startNs >= window.endNs) {
                done.countDown();
                return;
            }
            if (startNs > nowNs) {
                timer.schedule(() -> send(startNs), startNs - nowNs, TimeUnit.NANOSECONDS);
            } else {
                send(startNs);
            }
        }

        private void send(long startNs) {
            String key = config.keyPrefix() + random.nextInt(config.keys());
            boolean read = random.nextDouble() < config.readRatio();
            CompletableFuture<?> operation;
            try {
                operation = read ? operations.read(key) : operations.write(key, value);
            } catch (RuntimeException e) {
                operation = CompletableFuture.failedFuture(e);
            }
            operation.whenCompleteAsync((answer, failure) -> {
                long latencyNs = System.nanoTime() - startNs;
                if (window.measures(startNs)) {
                    record(read, answer, failure, latencyNs);
                }
                dueNs += intervalNs;
                next();
            }, completions);
        }
    }

    private void record(boolean read, Object answer, Throwable failure, long latencyNs) {
        if (failure != null) {
            errors.computeIfAbsent(code(failure), code -> new AtomicLong()).incrementAndGet();
            return;
        }
        long micros = Math.min(HIGHEST_MICROS, Math.max(1, TimeUnit.NANOSECONDS.toMicros(latencyNs)));
        (read ? reads : writes).recordValue(micros);
        if (read && Boolean.FALSE.equals(answer)) {
            readsNotFound.incrementAndGet();
        }
    }

    private static String code(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof HttpOperations.StatusException status) {
            return "http_" + status.status;
        }
        return cause instanceof CatenaException catena ? catena.code() : cause.getClass().getSimpleName();
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
