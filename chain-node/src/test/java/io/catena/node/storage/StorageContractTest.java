package io.catena.node.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.catena.node.core.Effect;
import io.catena.node.core.LogEntry;
import io.catena.node.core.Op;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.LongStream;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link Storage} port's contract, run against every implementation. Subclasses say how to open a storage
 * in a directory and how to reopen it after a close (a process restart with the disk kept).
 */
abstract class StorageContractTest {

    static final Duration WAIT = Duration.ofSeconds(30);
    static final Duration POLL = Duration.ofMillis(2);

    /** Awaits with a short poll: durability reports come within milliseconds. */
    static ConditionFactory eventually() {
        return await().pollInterval(POLL).atMost(WAIT);
    }

    @TempDir
    Path dir;

    Storage storage;
    Recording listener;
    private final List<Storage> opened = new ArrayList<>();

    /** A fresh, empty storage in {@code dir}. */
    protected abstract Storage open(Path dir);

    /** The same durable contents as {@code closed}, opened again. */
    protected abstract Storage reopen(Storage closed, Path dir);

    /** The implementation's readLog (not on the port). */
    protected abstract List<LogEntry> readLog(Storage storage, long fromSeq, long toSeq);

    @BeforeEach
    void openStorage() {
        storage = track(open(dir));
        listener = new Recording();
        storage.setDurabilityListener(listener);
    }

    @AfterEach
    void closeAll() {
        opened.forEach(Storage::close);
    }

    Storage track(Storage s) {
        opened.add(s);
        return s;
    }

    /** Closes the storage and opens it again with a new listener, as a node restart would. */
    void restart() {
        storage.close();
        storage = track(reopen(storage, dir));
        listener = new Recording();
        storage.setDurabilityListener(listener);
    }

    // ---- recovery ----

    @Test
    void anEmptyStorageRecoversNothing() {
        assertThat(storage.recovered()).isEqualTo(StoredState.EMPTY);
        assertThat(storage.entry(1)).isEmpty();
        assertThat(storage.get(bytes("k"))).isEmpty();
    }

    @Test
    void anEmptyStorageReopensEmpty() {
        restart();
        assertThat(storage.recovered()).isEqualTo(StoredState.EMPTY);
    }

    @Test
    void commitsSurviveReopenInTheLogAndTheData() {
        storage.submit(persist(2, put(1, "a", "1"), put(2, "b", "2")));
        listener.awaitDurable(2, 2);

        restart();

        assertThat(storage.recovered()).isEqualTo(new StoredState(2, 1, 2));
        assertThat(storage.entry(2)).contains(put(2, "b", "2"));
        assertValue("a", 1, "1");
        assertValue("b", 2, "2");
    }

    @Test
    void uncommittedEntriesSurviveReopenInTheLogOnly() {
        storage.submit(persist(1, put(1, "a", "1"), put(2, "b", "2")));
        listener.awaitDurable(2, 1);

        restart();

        assertThat(storage.recovered()).isEqualTo(new StoredState(2, 1, 1));
        assertThat(storage.entry(2)).contains(put(2, "b", "2"));
        assertThat(storage.get(bytes("b"))).isEmpty();
    }

    @Test
    void entriesRecoveredUncommittedCanBeCommittedAfterReopen() {
        storage.submit(persist(0, put(1, "a", "1")));
        listener.awaitDurable(1, 0);
        restart();

        storage.submit(persist(2, put(2, "b", "2")));

        listener.awaitDurable(2, 2);
        assertValue("a", 1, "1");
        assertValue("b", 2, "2");
    }

    @Test
    void theRecoveredEpochIsThatOfTheLastEntry() {
        storage.submit(persist(1, entry(1, 1, "a"), entry(2, 3, "b"), entry(3, 4, "c")));
        listener.awaitDurable(3, 1);

        restart();

        assertThat(storage.recovered()).isEqualTo(new StoredState(3, 4, 1));
    }

    // ---- appending and reading the log ----

    @Test
    void appendedEntriesAreReportedDurableAndReadableInOrder() {
        List<LogEntry> entries = List.of(put(1, "a", "1"), put(2, "b", "2"), delete(3, "a"));
        storage.submit(new Effect.Persist(entries, 0));

        listener.awaitDurable(3, 0);
        assertThat(storage.entry(1)).contains(entries.get(0));
        assertThat(storage.entry(3)).contains(entries.get(2));
        assertThat(readLog(storage, 1, 3)).containsExactlyElementsOf(entries);
        assertThat(storage.get(bytes("b"))).as("not committed yet").isEmpty();
    }

    @Test
    void theEntryOfAnUnknownSeqIsEmpty() {
        storage.submit(persist(0, put(1, "a", "1")));
        listener.awaitDurable(1, 0);

        assertThat(storage.entry(0)).isEmpty();
        assertThat(storage.entry(-5)).isEmpty();
        assertThat(storage.entry(2)).isEmpty();
    }

    @Test
    void readLogReturnsTheInclusiveRangeAndStopsAtTheEndOfTheLog() {
        List<LogEntry> entries = LongStream.rangeClosed(1, 5).mapToObj(seq -> put(seq, "k" + seq, "v")).toList();
        storage.submit(new Effect.Persist(entries, 0));
        listener.awaitDurable(5, 0);

        assertThat(readLog(storage, 2, 4)).containsExactlyElementsOf(entries.subList(1, 4));
        assertThat(readLog(storage, 4, 100)).containsExactlyElementsOf(entries.subList(3, 5));
        assertThat(readLog(storage, 0, 1)).containsExactly(entries.get(0));
        assertThat(readLog(storage, 6, 10)).isEmpty();
        assertThat(readLog(storage, 3, 2)).isEmpty();
    }

    @Test
    void theStoredCrcIsKeptNotRecomputed() {
        LogEntry good = put(1, "a", "1");
        LogEntry corrupted = new LogEntry(1, 1, Op.PUT, bytes("a"), bytes("1"), good.crc() ^ 1);
        storage.submit(persist(0, corrupted));
        listener.awaitDurable(1, 0);

        assertThat(storage.entry(1)).hasValueSatisfying(stored -> {
            assertThat(stored.crc()).isEqualTo(good.crc() ^ 1);
            assertThat(stored.crcValid()).isFalse();
        });
    }

    // ---- committing to data ----

    @Test
    void committingAPutStoresTheValueWithItsSeq() {
        storage.submit(persist(1, put(1, "k", "v")));

        listener.awaitDurable(1, 1);
        assertValue("k", 1, "v");
    }

    @Test
    void committingADeleteRemovesTheKey() {
        storage.submit(persist(1, put(1, "k", "v")));
        storage.submit(persist(2, delete(2, "k")));

        listener.awaitDurable(2, 2);
        assertThat(storage.get(bytes("k"))).isEmpty();
    }

    @Test
    void committingADeleteOfAKeyNeverWrittenIsHarmless() {
        storage.submit(persist(1, delete(1, "ghost")));

        listener.awaitDurable(1, 1);
        assertThat(storage.get(bytes("ghost"))).isEmpty();
    }

    @Test
    void aSecondPutToAKeyReplacesTheFirst() {
        storage.submit(persist(1, put(1, "k", "old")));
        storage.submit(persist(2, put(2, "k", "new")));

        listener.awaitDurable(2, 2);
        assertValue("k", 2, "new");
    }

    @Test
    void aCommitInALaterPersistAppliesEveryEntryUpToIt() {
        storage.submit(persist(0, put(1, "a", "1"), put(2, "b", "2"), put(3, "c", "3")));
        storage.submit(persist(2));

        listener.awaitDurable(3, 2);
        assertValue("a", 1, "1");
        assertValue("b", 2, "2");
        assertThat(storage.get(bytes("c"))).isEmpty();
    }

    @Test
    void aCommitUpToBelowTheCommittedSeqUncommitsNothing() {
        storage.submit(persist(2, put(1, "a", "1"), put(2, "b", "2")));
        listener.awaitDurable(2, 2);

        storage.submit(persist(1));

        listener.awaitReports(2);
        assertThat(listener.last()).isEqualTo(new Report(2, 2));
        assertValue("b", 2, "2");
    }

    @Test
    void aPersistWithNothingNewIsStillReportedDurable() {
        storage.submit(persist(1, put(1, "a", "1")));
        listener.awaitDurable(1, 1);

        storage.submit(persist(1));

        listener.awaitReports(2);
        assertThat(listener.last()).isEqualTo(new Report(1, 1));
    }

    // ---- keys and values ----

    @Test
    void binaryKeysAndValuesRoundTrip() {
        byte[] key = {0, -1, 127, -128, 0};
        byte[] value = new byte[256];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) i;
        }
        LogEntry entry = LogEntry.create(1, 1, Op.PUT, key, value);
        storage.submit(persist(1, entry));

        listener.awaitDurable(1, 1);
        assertThat(storage.entry(1)).contains(entry);
        assertThat(storage.get(key.clone())).hasValueSatisfying(stored -> {
            assertThat(stored.seq()).isEqualTo(1);
            assertThat(stored.value()).isEqualTo(value);
        });
    }

    @Test
    void anEmptyValueIsStoredAsEmptyNotAsMissing() {
        storage.submit(persist(1, put(1, "k", "")));

        listener.awaitDurable(1, 1);
        assertValue("k", 1, "");
        assertThat(storage.entry(1)).hasValueSatisfying(e -> assertThat(e.value()).isEmpty());
    }

    @Test
    void aKeyOf511BytesIsStoredAndRead() {
        byte[] key = new byte[511];
        Arrays.fill(key, (byte) 0xAB);
        storage.submit(persist(1, LogEntry.create(1, 1, Op.PUT, key, bytes("v"))));

        listener.awaitDurable(1, 1);
        assertThat(storage.get(key)).hasValueSatisfying(stored -> assertThat(stored.value()).isEqualTo(bytes("v")));
    }

    @Test
    void gettingAnEmptyOrOversizedKeyFindsNothing() {
        assertThat(storage.get(new byte[0])).isEmpty();
        assertThat(storage.get(new byte[512])).isEmpty();
    }

    @Test
    void changingAReturnedValueDoesNotChangeTheStoredOne() {
        storage.submit(persist(1, put(1, "k", "v")));
        listener.awaitDurable(1, 1);

        storage.get(bytes("k")).orElseThrow().value()[0] = 'x';

        assertValue("k", 1, "v");
    }

    // ---- failures: fail-stop ----

    @Test
    void aGapInSeqsFailsTheWriterAndNothingAfterIsDurable() {
        storage.submit(persist(2, put(1, "a", "1"), put(2, "b", "2")));
        listener.awaitDurable(2, 2);

        storage.submit(persist(0, put(4, "d", "4")));
        listener.awaitFailure();
        storage.submit(persist(3, put(3, "c", "3")));
        storage.close(); // drains whatever was accepted: nothing, the writer has stopped

        assertThat(listener.failures()).singleElement().isInstanceOf(IllegalStateException.class);
        assertThat(listener.last()).isEqualTo(new Report(2, 2));
        restart();
        assertThat(storage.recovered()).isEqualTo(new StoredState(2, 1, 2));
        assertThat(storage.entry(3)).isEmpty();
    }

    @Test
    void theFirstEntryOfAnEmptyLogMustBeSeqOne() {
        storage.submit(persist(0, put(2, "a", "1")));

        listener.awaitFailure();
        assertThat(listener.reports()).isEmpty();
    }

    @Test
    void aRepeatedSeqFailsTheWriter() {
        storage.submit(persist(0, put(1, "a", "1")));
        storage.submit(persist(0, put(1, "a", "again")));

        listener.awaitFailure();
        assertThat(listener.failures()).singleElement().isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aCommitUpToBeyondTheLogFailsTheWriterAndIsNotApplied() {
        storage.submit(persist(2, put(1, "a", "1")));

        listener.awaitFailure();
        assertThat(listener.failures()).singleElement().isInstanceOf(IllegalStateException.class);
        restart();
        assertThat(storage.recovered()).isEqualTo(StoredState.EMPTY);
    }

    @Test
    void anEntryKeyLongerThan511BytesFailsTheWriter() {
        storage.submit(persist(0, LogEntry.create(1, 1, Op.PUT, new byte[512], bytes("v"))));

        listener.awaitFailure();
        assertThat(listener.reports()).isEmpty();
    }

    @Test
    void submittingBeforeSettingTheListenerIsRefused() {
        Storage other = track(open(dir.resolve("other")));

        assertThatThrownBy(() -> other.submit(persist(0, put(1, "a", "1"))))
                .isInstanceOf(IllegalStateException.class);
    }

    // ---- ordering and volume ----

    @Test
    void aThousandPersistsSubmittedBackToBackAllBecomeDurableInOrder() {
        for (long seq = 1; seq <= 1000; seq++) {
            storage.submit(persist(seq, put(seq, "k" + seq, "v" + seq)));
        }

        listener.awaitDurable(1000, 1000);
        List<Report> reports = listener.reports();
        for (int i = 1; i < reports.size(); i++) {
            assertThat(reports.get(i).appliedSeq()).isGreaterThanOrEqualTo(reports.get(i - 1).appliedSeq());
            assertThat(reports.get(i).committedSeq()).isGreaterThanOrEqualTo(reports.get(i - 1).committedSeq());
        }
        assertThat(readLog(storage, 1, 1000)).extracting(LogEntry::seq)
                .containsExactlyElementsOf(LongStream.rangeClosed(1, 1000).boxed().toList());
        assertValue("k1000", 1000, "v1000");
    }

    // ---- closing ----

    @Test
    void closeFinishesThePersistsAlreadySubmitted() {
        for (long seq = 1; seq <= 100; seq++) {
            storage.submit(persist(seq, put(seq, "k", "v" + seq)));
        }

        storage.close();

        assertThat(listener.last()).isEqualTo(new Report(100, 100));
    }

    @Test
    void closeIsIdempotentAndLaterSubmitsAreDropped() {
        storage.submit(persist(1, put(1, "a", "1")));
        storage.close();
        storage.close();

        storage.submit(persist(2, put(2, "b", "2")));

        assertThat(listener.reports()).containsExactly(new Report(1, 1));
        assertThat(listener.failures()).isEmpty();
    }

    @Test
    void readingAClosedStorageIsRefused() {
        storage.close();

        assertThatThrownBy(() -> storage.entry(1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> storage.get(bytes("k"))).isInstanceOf(IllegalStateException.class);
    }

    // ---- helpers ----

    void assertValue(String key, long seq, String value) {
        assertThat(storage.get(bytes(key))).hasValueSatisfying(stored -> {
            assertThat(stored.seq()).as("seq of " + key).isEqualTo(seq);
            assertThat(stored.value()).as("value of " + key).isEqualTo(bytes(value));
        });
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static LogEntry put(long seq, String key, String value) {
        return LogEntry.create(seq, 1, Op.PUT, bytes(key), bytes(value));
    }

    static LogEntry entry(long seq, long entryEpoch, String key) {
        return LogEntry.create(seq, entryEpoch, Op.PUT, bytes(key), bytes("v"));
    }

    static LogEntry delete(long seq, String key) {
        return LogEntry.create(seq, 1, Op.DELETE, bytes(key), LogEntry.NO_VALUE);
    }

    static Effect.Persist persist(long commitUpTo, LogEntry... entries) {
        return new Effect.Persist(List.of(entries), commitUpTo);
    }

    record Report(long appliedSeq, long committedSeq) {
    }

    /** Records every report, with the thread it came on, for tests to await and inspect. */
    static final class Recording implements DurabilityListener {
        private final List<Report> reports = new ArrayList<>();
        private final List<Throwable> failures = new ArrayList<>();
        private final List<String> threads = new ArrayList<>();

        @Override
        public synchronized void durable(long appliedSeq, long committedSeq) {
            reports.add(new Report(appliedSeq, committedSeq));
            threads.add(Thread.currentThread().getName());
        }

        @Override
        public synchronized void failed(Throwable cause) {
            failures.add(cause);
            threads.add(Thread.currentThread().getName());
        }

        synchronized List<Report> reports() {
            return List.copyOf(reports);
        }

        synchronized List<Throwable> failures() {
            return List.copyOf(failures);
        }

        synchronized List<String> threads() {
            return List.copyOf(threads);
        }

        synchronized Report last() {
            return reports.isEmpty() ? null : reports.get(reports.size() - 1);
        }

        void awaitDurable(long appliedSeq, long committedSeq) {
            Report expected = new Report(appliedSeq, committedSeq);
            eventually().until(() -> expected.equals(last()) || !failures().isEmpty());
            assertThat(failures()).as("writer failures").isEmpty();
            assertThat(last()).isEqualTo(expected);
        }

        void awaitReports(int count) {
            eventually().until(() -> reports().size() >= count || !failures().isEmpty());
            assertThat(failures()).as("writer failures").isEmpty();
        }

        void awaitFailure() {
            eventually().until(() -> !failures().isEmpty());
        }
    }
}
