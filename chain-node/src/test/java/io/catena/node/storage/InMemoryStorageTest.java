package io.catena.node.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.catena.node.core.Effect;
import io.catena.node.core.LogEntry;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class InMemoryStorageTest extends StorageContractTest {

    @Override
    protected Storage open(Path dir) {
        return new InMemoryStorage("node-a");
    }

    @Override
    protected Storage reopen(Storage closed, Path dir) {
        return ((InMemoryStorage) closed).reopen();
    }

    @Override
    protected List<LogEntry> readLog(Storage storage, long fromSeq, long toSeq) {
        return ((InMemoryStorage) storage).readLog(fromSeq, toSeq);
    }

    @Test
    void submitReportsDurableOnTheCallersThreadBeforeReturning() {
        storage.submit(persist(0, put(1, "a", "1")));
        storage.submit(persist(1));

        assertThat(listener.reports()).containsExactly(new Report(1, 0), new Report(1, 1));
        assertThat(listener.counts()).containsExactly(1L, 2L);
        assertThat(listener.threads()).containsOnly(Thread.currentThread().getName());
    }

    @Test
    void anInvalidSubmitReportsTheFailureBeforeReturning() {
        storage.submit(persist(0, put(2, "a", "1")));

        assertThat(listener.failures()).singleElement().isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aFailedPersistChangesNothing() {
        storage.submit(persist(0, put(1, "a", "1")));

        storage.submit(persist(3, put(2, "b", "2"), put(3, "c", "3"), put(5, "e", "5")));

        assertThat(listener.failures()).hasSize(1);
        assertThat(((InMemoryStorage) storage).lastDurableAppliedSeq()).isEqualTo(1);
        assertThat(storage.entry(2)).isEmpty();
        assertThat(storage.get(bytes("b"))).isEmpty();
    }

    @Test
    void aFailedTruncationChangesNothing() {
        storage.submit(persist(1, put(1, "a", "1"), put(2, "b", "2")));

        storage.submit(new Effect.Persist(List.of(put(2, "x", "x")), 0, 0, null));

        assertThat(listener.failures()).hasSize(1);
        assertThat(readLog(storage, 1, 10)).containsExactly(put(1, "a", "1"), put(2, "b", "2"));
    }

    @Test
    void aListenerMayReadTheStorageFromItsCallback() {
        Recording inner = new Recording();
        storage.setDurabilityListener(new DurabilityListener() {
            @Override
            public void durable(long persistCount, long appliedSeq, long committedSeq) {
                assertThat(storage.entry(appliedSeq)).isPresent();
                inner.durable(persistCount, appliedSeq, committedSeq);
            }

            @Override
            public void failed(Throwable cause) {
                inner.failed(cause);
            }
        });

        storage.submit(persist(1, put(1, "a", "1")));

        assertThat(inner.reports()).containsExactly(new Report(1, 1));
    }
}
