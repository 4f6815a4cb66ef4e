package io.catena.client.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.catena.client.OutcomeUnknownException;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The load generator against in-process operations: concurrency, the open loop's latency, error counting. */
class LoadGeneratorTest {

    private static BenchConfig config(int connections, double rate, Duration duration, double readRatio) {
        return new BenchConfig(duration, Duration.ZERO, connections, rate, 100, 8, readRatio, null,
                io.catena.client.Consistency.TAIL, "k");
    }

    /** Writes answer after {@code answerMs}; the {@code stallAt}-th write (0-based) answers after {@code stallMs}. */
    private static final class ScriptedOperations implements LoadGenerator.Operations {
        final AtomicInteger writes = new AtomicInteger();
        final AtomicInteger outstanding = new AtomicInteger();
        final AtomicInteger outstandingMax = new AtomicInteger();
        final long answerMs;
        final int stallAt;
        final long stallMs;

        ScriptedOperations(long answerMs, int stallAt, long stallMs) {
            this.answerMs = answerMs;
            this.stallAt = stallAt;
            this.stallMs = stallMs;
        }

        @Override
        public CompletableFuture<Boolean> read(String key) {
            return CompletableFuture.completedFuture(key.endsWith("0"));
        }

        @Override
        public CompletableFuture<?> write(String key, byte[] value) {
            long delayMs = writes.getAndIncrement() == stallAt ? stallMs : answerMs;
            outstandingMax.accumulateAndGet(outstanding.incrementAndGet(), Math::max);
            CompletableFuture<Object> answer = new CompletableFuture<>();
            CompletableFuture.delayedExecutor(delayMs, TimeUnit.MILLISECONDS).execute(() -> {
                outstanding.decrementAndGet();
                answer.complete("done");
            });
            return answer;
        }
    }

    @Test
    void aClosedLoopKeepsOneRequestOutstandingPerConnection() throws InterruptedException {
        ScriptedOperations operations = new ScriptedOperations(5, -1, 0);

        BenchResult result = new LoadGenerator(operations, config(4, 0, Duration.ofMillis(500), 0)).run();

        assertThat(operations.outstandingMax.get()).isEqualTo(4);
        assertThat(result.writes().getTotalCount()).isGreaterThan(20);
        assertThat(result.reads().getTotalCount()).isZero();
        assertThat(result.errors()).isEmpty();
    }

    @Test
    void anOpenLoopCountsAStallAgainstEveryRequestDueDuringIt() throws InterruptedException {
        long slowMicros = TimeUnit.MILLISECONDS.toMicros(100);
        ScriptedOperations open = new ScriptedOperations(0, 20, 400);
        ScriptedOperations closed = new ScriptedOperations(10, 20, 400);

        BenchResult openResult = new LoadGenerator(open, config(1, 100, Duration.ofSeconds(1), 0)).run();
        BenchResult closedResult = new LoadGenerator(closed, config(1, 0, Duration.ofSeconds(1), 0)).run();

        // 100/s on one connection: about 40 requests fall due during the 400 ms stall and wait for it
        assertThat(openResult.writes().getCountBetweenValues(slowMicros, Long.MAX_VALUE)).isGreaterThanOrEqualTo(20);
        // closed loop, the same stall: one slow request; the ones that waited behind it are never counted
        assertThat(closedResult.writes().getCountBetweenValues(slowMicros, Long.MAX_VALUE)).isEqualTo(1);
    }

    @Test
    void anOpenLoopSendsAtItsRateNotFaster() throws InterruptedException {
        ScriptedOperations operations = new ScriptedOperations(0, -1, 0);

        BenchResult result = new LoadGenerator(operations, config(2, 200, Duration.ofMillis(500), 0)).run();

        assertThat(result.ops()).isBetween(95L, 101L);
    }

    @Test
    void theReadRatioDecidesTheShareOfReads() throws InterruptedException {
        BenchResult result = new LoadGenerator(new ScriptedOperations(0, -1, 0),
                config(8, 4_000, Duration.ofMillis(500), 0.9)).run();

        assertThat(result.ops()).isBetween(1_990L, 2_001L);
        assertThat((double) result.reads().getTotalCount() / result.ops()).isBetween(0.87, 0.93);
    }

    @Test
    void failuresAreCountedByCodeAndLeftOutOfTheLatencies() throws InterruptedException {
        LoadGenerator.Operations failing = new LoadGenerator.Operations() {
            @Override
            public CompletableFuture<Boolean> read(String key) {
                return CompletableFuture.completedFuture(false);
            }

            @Override
            public CompletableFuture<?> write(String key, byte[] value) {
                return CompletableFuture.failedFuture(new OutcomeUnknownException(null, "lost"));
            }
        };

        BenchResult result = new LoadGenerator(failing, config(2, 500, Duration.ofMillis(200), 0.5)).run();

        assertThat(result.errors()).containsOnlyKeys("outcome_unknown");
        assertThat(result.errorCount() + result.ops()).isBetween(95L, 101L);
        assertThat(result.writes().getTotalCount()).isZero();
        assertThat(result.readsNotFound()).isEqualTo(result.reads().getTotalCount());
    }

    @Test
    void theReportStatesRatePercentilesAndErrorsInTextAndJson() throws InterruptedException {
        BenchResult result = new LoadGenerator(new ScriptedOperations(1, -1, 0),
                config(2, 0, Duration.ofMillis(300), 0.5)).run();

        assertThat(result.text()).contains("closed loop, 2 connections", "ops/s", "p50", "p99.9", "errors: 0");
        JsonObject json = result.json();
        assertThat(json.getString("mode")).isEqualTo("closed");
        assertThat(json.getLong("ops")).isEqualTo(result.ops());
        assertThat(json.getJsonObject("latencyMs").getJsonObject("writes").getDouble("p99.9")).isPositive();
    }
}
