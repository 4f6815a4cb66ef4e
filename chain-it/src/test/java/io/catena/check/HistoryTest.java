package io.catena.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class HistoryTest {

    static final int THREADS = 8;
    static final int OPS_PER_THREAD = 2_000;

    @Test
    @DisplayName("clients on many threads can record invocations and completions at once, and none is lost")
    void concurrentRecordingLosesNothing() throws InterruptedException {
        History history = new History();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int client = t;
            threads.add(new Thread(() -> {
                awaitQuietly(start);
                for (int i = 0; i < OPS_PER_THREAD; i++) {
                    int id = history.invoke(client, Call.write("k" + client, "v" + i), i * 2L);
                    history.ok(id, Output.written(), i * 2L + 1);
                }
            }));
        }
        threads.forEach(Thread::start);
        start.countDown();
        for (Thread thread : threads) {
            thread.join();
        }

        assertThat(history.size()).isEqualTo(THREADS * OPS_PER_THREAD);
        assertThat(history.ops()).allMatch(op -> op.outcome() == Op.Outcome.OK);
        assertThat(history.byKey()).hasSize(THREADS).allSatisfy((key, ops) -> assertThat(ops).hasSize(OPS_PER_THREAD));
    }

    @Test
    @DisplayName("an op can be completed only once")
    void opCompletesOnce() {
        History history = new History();
        int id = history.invoke(1, Call.read("k"), 0);
        history.ok(id, Output.absent(), 5);

        assertThatThrownBy(() -> history.info(id)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("completed twice");
    }

    @Test
    @DisplayName("an OK op must carry an output that fits its kind")
    void okOutputMustFitKind() {
        History history = new History();
        int id = history.invoke(1, Call.write("k", "a"), 0);

        assertThatThrownBy(() -> history.ok(id, Output.casRejected(), 5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot be rejected");
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
