package io.catena.node.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.catena.config.SyncPolicy;
import io.catena.node.core.Effect;
import io.catena.node.core.LogEntry;
import io.catena.node.core.Op;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.lmdbjava.Env;

class LmdbStorageTest extends StorageContractTest {

    static final String NODE_ID = "node-a";
    static final long MAP_BYTES = 256L << 20;
    static final int BATCH_ENTRIES_MAX = 1024;
    static final long BATCH_BYTES_MAX = 1L << 20;

    @Override
    protected Storage open(Path dir) {
        return LmdbStorage.open(dir, NODE_ID, SyncPolicy.SYNC, MAP_BYTES, BATCH_ENTRIES_MAX, BATCH_BYTES_MAX);
    }

    @Override
    protected Storage reopen(Storage closed, Path dir) {
        return open(dir);
    }

    @Override
    protected List<LogEntry> readLog(Storage storage, long fromSeq, long toSeq) {
        return ((LmdbStorage) storage).readLog(fromSeq, toSeq);
    }

    @Test
    void manySingleEntryPersistsSubmittedBackToBackAreGroupCommitted() {
        int persists = 10_000;
        for (long seq = 1; seq <= persists; seq++) {
            storage.submit(persist(seq, put(seq, "k" + (seq % 100), "v" + seq)));
        }

        listener.awaitDurable(persists, persists);
        assertThat(listener.reports()).hasSizeLessThan(persists / 2);
        assertThat(listener.lastCount()).isEqualTo(persists);
    }

    @Test
    void aGroupCommittedReportCountsThePersistsOfEveryBatchSoFar() {
        for (long seq = 1; seq <= 2000; seq++) {
            storage.submit(persist(0, put(seq, "k", "v")));
        }

        listener.awaitDurable(2000, 0);
        // One entry per persist: the count of persists durable is the seq the log ends at, batch after batch.
        List<Report> reports = listener.reports();
        List<Long> counts = listener.counts();
        for (int i = 0; i < reports.size(); i++) {
            assertThat(counts.get(i)).isEqualTo(reports.get(i).appliedSeq());
        }
    }

    @Test
    void aTruncationInsideOneBatchIsAppliedInSubmitOrder() {
        CountDownLatch release = new CountDownLatch(1);
        Recording recording = new Recording();
        Storage other = openHeldAfterFirstReport("held", recording, release);
        other.submit(persist(0, put(1, "a", "1")));
        recording.awaitCount(1);

        other.submit(persist(1, put(2, "b", "old"), put(3, "c", "old")));
        other.submit(new Effect.Persist(List.of(update(2, "b", "new"), update(3, "c", "new")), 1, 1, null));
        other.submit(persist(3));
        release.countDown();

        recording.awaitDurable(3, 3);
        assertThat(recording.counts()).as("the last three persists shared one batch").containsExactly(1L, 4L);
        assertThat(other.get(bytes("b"))).map(StoredValue::value).contains(bytes("new"));
        assertThat(other.get(bytes("c"))).map(StoredValue::value).contains(bytes("new"));
    }

    @Test
    void aTruncationBelowACommitEarlierInTheSameBatchFailsTheWholeBatch() {
        CountDownLatch release = new CountDownLatch(1);
        Recording recording = new Recording();
        Storage other = openHeldAfterFirstReport("held", recording, release);
        other.submit(persist(0, put(1, "a", "1")));
        recording.awaitCount(1);

        other.submit(persist(2, put(2, "b", "2"), put(3, "c", "3")));
        other.submit(truncate(1, 2));
        release.countDown();

        recording.awaitFailure();
        assertThat(recording.counts()).containsExactly(1L);
        other.close();
        assertThat(openWithLimits("held", BATCH_ENTRIES_MAX, BATCH_BYTES_MAX).recovered()).isEqualTo(state(1, 1, 0));
    }

    @Test
    void onlyAPersistWithNoAppendTruncationOrConfigurationIsCommitOnly() {
        assertThat(LmdbStorage.isCommitOnly(persist(3))).isTrue();
        assertThat(LmdbStorage.isCommitOnly(persist(3, put(4, "k", "v")))).isFalse();
        assertThat(LmdbStorage.isCommitOnly(truncate(3, 3))).isFalse();
        assertThat(LmdbStorage.isCommitOnly(
                new Effect.Persist(List.of(), 3, Effect.Persist.NO_TRUNCATE, configuration(2, "n1")))).isFalse();
    }

    @Test
    void aBatchHoldsAtMostBatchEntriesMaxEntries() {
        Storage small = openWithLimits("small", 10, BATCH_BYTES_MAX);
        Recording recording = new Recording();
        small.setDurabilityListener(recording);

        for (long seq = 1; seq <= 1000; seq++) {
            small.submit(persist(0, put(seq, "k", "v")));
        }

        recording.awaitDurable(1000, 0);
        assertThat(appliedSteps(recording.reports())).allSatisfy(step -> assertThat(step).isBetween(1L, 10L));
    }

    @Test
    void aBatchHoldsAtMostBatchBytesMaxUnlessOnePersistIsLargerAlone() {
        Storage small = openWithLimits("small", BATCH_ENTRIES_MAX, 4096);
        Recording recording = new Recording();
        small.setDurabilityListener(recording);
        String kilobyte = "x".repeat(1000);

        for (long seq = 1; seq <= 100; seq++) {
            small.submit(persist(0, put(seq, "k", kilobyte)));
        }
        List<LogEntry> large = IntStream.rangeClosed(101, 110).mapToObj(seq -> put(seq, "k", kilobyte)).toList();
        small.submit(new Effect.Persist(large, 0));

        recording.awaitDurable(110, 0);
        List<Long> steps = appliedSteps(recording.reports());
        assertThat(steps.subList(0, steps.size() - 1)).allSatisfy(step -> assertThat(step).isBetween(1L, 3L));
        assertThat(steps.get(steps.size() - 1)).isEqualTo(10);
    }

    @Test
    void durabilityIsReportedOnTheWriterThread() {
        storage.submit(persist(1, put(1, "a", "1")));

        listener.awaitDurable(1, 1);
        assertThat(listener.threads()).containsOnly("catena-storage-writer");
    }

    @Test
    void lastDurableAppliedSeqFollowsTheReports() {
        storage.submit(persist(0, put(1, "a", "1"), put(2, "b", "2")));

        listener.awaitDurable(2, 0);
        assertThat(((LmdbStorage) storage).lastDurableAppliedSeq()).isEqualTo(2);
    }

    @Test
    void reopeningTheDirectoryAsAnotherNodeIsRefused() {
        storage.close();

        assertThatThrownBy(() -> LmdbStorage.open(dir, "node-b", SyncPolicy.SYNC, MAP_BYTES, 1, 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("node-a")
                .hasMessageContaining("node-b")
                .hasMessageContaining(dir.toString());
    }

    @Test
    void openingADirectoryAlreadyOpenInThisProcessIsRefused() {
        assertThatThrownBy(() -> open(dir.resolve(".")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already open");
    }

    @Test
    void aDirectoryCanBeOpenedAgainOnceClosed() {
        storage.close();

        assertThat(track(open(dir)).recovered()).isEqualTo(StoredState.EMPTY);
    }

    @Test
    void aFullMapFailsTheWriterInsteadOfCrashingTheProcess() {
        Storage tiny = openWithLimits("tiny", 1, 1, 1L << 20);
        Recording recording = new Recording();
        tiny.setDurabilityListener(recording);
        String big = "x".repeat(64 * 1024);

        for (long seq = 1; seq <= 64; seq++) {
            tiny.submit(persist(seq, put(seq, "k" + seq, big)));
        }

        recording.awaitFailure();
        assertThat(recording.failures()).singleElement().isInstanceOf(Env.MapFullException.class);
        long lastDurable = recording.last() == null ? 0 : recording.last().appliedSeq();
        tiny.close();
        Storage larger = openWithLimits("tiny", 1, 1, 64L << 20);
        assertThat(larger.recovered()).isEqualTo(state(lastDurable, lastDurable == 0 ? 0 : 1, lastDurable));
    }

    @Test
    void theWriterMayBeClosedFromTheFailureCallback() {
        Storage other = openWithLimits("other", BATCH_ENTRIES_MAX, BATCH_BYTES_MAX);
        AtomicBoolean closedFromCallback = new AtomicBoolean();
        other.setDurabilityListener(new DurabilityListener() {
            @Override
            public void durable(long persistCount, long appliedSeq, long committedSeq) {
            }

            @Override
            public void failed(Throwable cause) {
                other.close();
                closedFromCallback.set(true);
            }
        });

        other.submit(persist(0, put(2, "gap", "v")));

        eventually().untilTrue(closedFromCallback);
        eventually().untilAsserted(
                () -> assertThatThrownBy(() -> other.entry(1)).isInstanceOf(IllegalStateException.class));
    }

    @Test
    void theWriterMayBeClosedFromTheDurableCallback() {
        Storage other = openWithLimits("other", BATCH_ENTRIES_MAX, BATCH_BYTES_MAX);
        Recording recording = new Recording();
        other.setDurabilityListener(new DurabilityListener() {
            @Override
            public void durable(long persistCount, long appliedSeq, long committedSeq) {
                recording.durable(persistCount, appliedSeq, committedSeq);
                other.close();
            }

            @Override
            public void failed(Throwable cause) {
                recording.failed(cause);
            }
        });

        other.submit(persist(1, put(1, "a", "1")));

        recording.awaitDurable(1, 1);
        eventually().untilAsserted(
                () -> assertThatThrownBy(() -> other.get(bytes("a"))).isInstanceOf(IllegalStateException.class));
        assertThat(recording.failures()).isEmpty();
    }

    @Test
    void readersOnOtherThreadsSeeWholeCommittedEntriesWhileTheWriterRuns() throws InterruptedException {
        int entries = 5000;
        AtomicBoolean writing = new AtomicBoolean(true);
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < 4; r++) {
            Thread reader = new Thread(() -> readUntilDone(writing, errors), "reader-" + r);
            reader.start();
            readers.add(reader);
        }

        for (long seq = 1; seq <= entries; seq++) {
            storage.submit(persist(seq, put(seq, "k" + seq, "v" + seq)));
        }
        listener.awaitDurable(entries, entries);
        writing.set(false);
        for (Thread reader : readers) {
            reader.join();
        }

        assertThat(errors).isEmpty();
    }

    private void readUntilDone(AtomicBoolean writing, ConcurrentLinkedQueue<Throwable> errors) {
        try {
            while (writing.get()) {
                long durable = ((LmdbStorage) storage).lastDurableAppliedSeq();
                for (long seq = Math.max(1, durable - 20); seq <= durable; seq++) {
                    assertThat(storage.entry(seq)).contains(put(seq, "k" + seq, "v" + seq));
                    Optional<StoredValue> value = storage.get(bytes("k" + seq));
                    assertThat(value).map(StoredValue::seq).contains(seq);
                }
            }
        } catch (Throwable e) {
            errors.add(e);
        }
    }

    @Test
    void withoutSyncTheCommittedStateStillSurvivesAReopen() {
        Path unsynced = dir.resolve("unsynced");
        Storage fast = track(LmdbStorage.open(unsynced, NODE_ID, SyncPolicy.NONE, MAP_BYTES, 16, 1 << 20));
        Recording recording = new Recording();
        fast.setDurabilityListener(recording);

        fast.submit(persist(1, put(1, "a", "1"), put(2, "b", "2")));
        recording.awaitDurable(2, 1);
        fast.close();

        Storage reopened = track(LmdbStorage.open(unsynced, NODE_ID, SyncPolicy.SYNC, MAP_BYTES, 16, 1 << 20));
        assertThat(reopened.recovered()).isEqualTo(state(2, 1, 1));
    }

    @Test
    void entriesCommittedInOneBatchAreAppliedFromTheLogOfThatSameBatch() {
        storage.submit(persist(0, put(1, "k", "first")));
        storage.submit(persist(3, put(2, "k", "second"), LogEntry.create(3, 2, Op.DELETE, bytes("k"), new byte[0])));
        storage.submit(persist(4, put(4, "k", "fourth")));

        listener.awaitDurable(4, 4);
        assertValue("k", 4, "fourth");
    }

    /**
     * A storage whose listener holds the writer in its first report until {@code release}: whatever is submitted
     * meanwhile is queued, and the writer takes it as one batch.
     */
    private Storage openHeldAfterFirstReport(String subdir, Recording recording, CountDownLatch release) {
        Storage held = openWithLimits(subdir, BATCH_ENTRIES_MAX, BATCH_BYTES_MAX);
        held.setDurabilityListener(new DurabilityListener() {
            @Override
            public void durable(long persistCount, long appliedSeq, long committedSeq) {
                recording.durable(persistCount, appliedSeq, committedSeq);
                awaitRelease(release);
            }

            @Override
            public void failed(Throwable cause) {
                recording.failed(cause);
            }
        });
        return held;
    }

    private static void awaitRelease(CountDownLatch release) {
        try {
            release.await(WAIT.toSeconds(), TimeUnit.SECONDS); // bounded: a failed test must not hang close()
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Storage openWithLimits(String subdir, int batchEntriesMax, long batchBytesMax) {
        return openWithLimits(subdir, batchEntriesMax, batchBytesMax, MAP_BYTES);
    }

    private Storage openWithLimits(String subdir, int batchEntriesMax, long batchBytesMax, long mapBytes) {
        return track(LmdbStorage.open(dir.resolve(subdir), NODE_ID, SyncPolicy.SYNC, mapBytes, batchEntriesMax,
                batchBytesMax));
    }

    /** How far appliedSeq moved with each report, i.e. how many entries each batch carried. */
    private static List<Long> appliedSteps(List<Report> reports) {
        List<Long> steps = new ArrayList<>();
        long previous = 0;
        for (Report report : reports) {
            steps.add(report.appliedSeq() - previous);
            previous = report.appliedSeq();
        }
        return steps;
    }
}
