package io.catena.node.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.catena.config.ChainConfiguration;
import io.catena.config.HostPort;
import io.catena.config.NodeDescriptor;
import io.catena.node.core.Effect;
import io.catena.node.core.LogEntry;
import io.catena.node.core.Op;
import io.catena.node.core.SnapshotItem;
import io.catena.node.core.SnapshotSource;
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

        assertThat(storage.recovered()).isEqualTo(state(2, 1, 2));
        assertThat(storage.entry(2)).contains(put(2, "b", "2"));
        assertValue("a", 1, "1");
        assertValue("b", 2, "2");
    }

    @Test
    void uncommittedEntriesSurviveReopenInTheLogOnly() {
        storage.submit(persist(1, put(1, "a", "1"), put(2, "b", "2")));
        listener.awaitDurable(2, 1);

        restart();

        assertThat(storage.recovered()).isEqualTo(state(2, 1, 1));
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

        assertThat(storage.recovered()).isEqualTo(state(3, 4, 1));
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

    /** Keys of a scan, as strings. */
    private List<String> scanKeys(String prefix, String after, int limit) {
        return storage.scan(bytes(prefix), after == null ? null : bytes(after), limit).stream()
                .map(item -> new String(item.key(), java.nio.charset.StandardCharsets.UTF_8)).toList();
    }

    @Test
    void aScanReturnsCommittedPairsInKeyOrderWithTheirSeqs() {
        storage.submit(persist(5, put(1, "b", "2"), put(2, "a", "1"), put(3, "c", "3"), put(4, "x", "9"),
                delete(5, "x"), put(6, "d", "uncommitted")));

        listener.awaitDurable(6, 5);
        List<ScanItem> items = storage.scan(new byte[0], null, 10);
        assertThat(items).extracting(item -> new String(item.key(), java.nio.charset.StandardCharsets.UTF_8))
                .containsExactly("a", "b", "c");
        assertThat(items).extracting(ScanItem::seq).containsExactly(2L, 1L, 3L);
        assertThat(new String(items.get(1).value(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("2");
    }

    @Test
    void aScanKeepsToItsPrefixStartsAfterItsCursorAndStopsAtItsLimit() {
        storage.submit(persist(6, put(1, "app/1", "v"), put(2, "app/2", "v"), put(3, "app/3", "v"),
                put(4, "apple", "v"), put(5, "b", "v"), put(6, "ap", "v")));

        listener.awaitDurable(6, 6);
        assertThat(scanKeys("app/", null, 10)).containsExactly("app/1", "app/2", "app/3");
        assertThat(scanKeys("app/", "app/1", 10)).containsExactly("app/2", "app/3");
        assertThat(scanKeys("app/", null, 2)).containsExactly("app/1", "app/2");
        assertThat(scanKeys("", "apple", 10)).containsExactly("b");
        assertThat(scanKeys("app/", "zzz", 10)).isEmpty();
        assertThat(scanKeys("app", "ap", 10)).containsExactly("app/1", "app/2", "app/3", "apple");
    }

    @Test
    void aScanOrdersKeysAsUnsignedBytes() {
        storage.submit(persist(2, put(1, "\u00e9", "high"), put(2, "z", "low")));

        listener.awaitDurable(2, 2);
        assertThat(scanKeys("", null, 10)).containsExactly("z", "\u00e9");
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
    void aPersistWithNothingNewIsStillReportedDurableAndCounted() {
        storage.submit(persist(1, put(1, "a", "1")));
        listener.awaitDurable(1, 1);

        storage.submit(persist(1));

        listener.awaitReports(2);
        assertThat(listener.last()).isEqualTo(new Report(1, 1));
        assertThat(listener.lastCount()).isEqualTo(2);
    }

    // ---- truncating the log ----

    @Test
    void aTruncationDiscardsTheEntriesAfterItAndTheNextAppendContinuesThere() {
        storage.submit(persist(1, put(1, "a", "1"), put(2, "b", "2"), put(3, "c", "3")));
        listener.awaitDurable(3, 1);

        storage.submit(truncate(1, 1));
        listener.awaitDurable(1, 1);
        storage.submit(persist(1, entry(2, 2, "b")));

        listener.awaitDurable(2, 1);
        assertThat(readLog(storage, 1, 10)).containsExactly(put(1, "a", "1"), entry(2, 2, "b"));
        assertThat(storage.entry(3)).isEmpty();
    }

    @Test
    void aTruncationSurvivesReopenAndTheLogContinuesAfterIt() {
        storage.submit(persist(1, entry(1, 1, "a"), entry(2, 1, "b"), entry(3, 2, "c")));
        storage.submit(truncate(2, 1));
        listener.awaitCount(2);

        restart();

        assertThat(storage.recovered()).isEqualTo(state(2, 1, 1));
        assertThat(storage.entry(3)).isEmpty();
        storage.submit(persist(3, entry(3, 3, "c")));
        listener.awaitDurable(3, 3);
        assertThat(storage.entry(3)).contains(entry(3, 3, "c"));
    }

    @Test
    void aTruncationAfterSeqZeroEmptiesAnUncommittedLog() {
        storage.submit(persist(0, put(1, "a", "1"), put(2, "b", "2")));
        storage.submit(truncate(0, 0));
        listener.awaitDurable(0, 0);

        restart();

        assertThat(storage.recovered()).isEqualTo(StoredState.EMPTY);
    }

    @Test
    void truncatingBelowTheCommittedSeqFailsTheWriterAndChangesNothing() {
        storage.submit(persist(2, put(1, "a", "1"), put(2, "b", "2"), put(3, "c", "3")));
        listener.awaitDurable(3, 2);

        storage.submit(new Effect.Persist(List.of(entry(2, 2, "x")), 0, 1, configuration(5, "n1")));

        listener.awaitFailure();
        assertThat(listener.failures()).singleElement().isInstanceOf(IllegalStateException.class);
        assertThat(listener.last()).isEqualTo(new Report(3, 2));
        restart();
        assertThat(storage.recovered()).isEqualTo(state(3, 1, 2));
        assertThat(readLog(storage, 1, 10)).containsExactly(put(1, "a", "1"), put(2, "b", "2"), put(3, "c", "3"));
        assertValue("b", 2, "2");
    }

    @Test
    void truncatingPastTheEndOfTheLogFailsTheWriter() {
        storage.submit(persist(0, put(1, "a", "1")));
        listener.awaitDurable(1, 0);

        storage.submit(truncate(5, 0));

        listener.awaitFailure();
        assertThat(listener.failures()).singleElement().isInstanceOf(IllegalStateException.class);
        restart();
        assertThat(storage.recovered()).isEqualTo(state(1, 1, 0));
    }

    @Test
    void onePersistMayTruncateAppendAndCommit() {
        storage.submit(persist(1, put(1, "a", "1"), put(2, "b", "old"), put(3, "c", "old")));
        listener.awaitDurable(3, 1);

        storage.submit(new Effect.Persist(List.of(update(2, "b", "new"), update(3, "c", "new")), 3, 1, null));

        listener.awaitDurable(3, 3);
        assertValue("b", 2, "new");
        assertValue("c", 3, "new");
        restart();
        assertThat(storage.recovered()).isEqualTo(state(3, 2, 3));
    }

    @Test
    void persistsSubmittedBackToBackAroundATruncationApplyInOrder() {
        storage.submit(persist(1, put(1, "a", "1"), put(2, "b", "old"), put(3, "c", "old")));
        storage.submit(new Effect.Persist(List.of(update(2, "b", "new")), 1, 1, null));
        storage.submit(persist(3, update(3, "c", "new")));

        listener.awaitDurable(3, 3);
        assertThat(listener.lastCount()).isEqualTo(3);
        assertValue("b", 2, "new");
        assertValue("c", 3, "new");
        assertThat(readLog(storage, 1, 3)).extracting(LogEntry::entryEpoch).containsExactly(1L, 2L, 2L);
    }

    // ---- the configuration ----

    @Test
    void aConfigurationPersistedIsRecoveredAfterReopen() {
        ChainConfiguration accepted = new ChainConfiguration(4, nodes("n1", "n2"), nodes("n3"));
        storage.submit(new Effect.Persist(List.of(), 0, Effect.Persist.NO_TRUNCATE, accepted));
        listener.awaitCount(1);

        restart();

        assertThat(storage.recovered()).isEqualTo(new StoredState(0, 0, 0, accepted));
    }

    @Test
    void theLatestConfigurationPersistedWins() {
        storage.submit(new Effect.Persist(List.of(), 0, Effect.Persist.NO_TRUNCATE, configuration(1, "n1", "n2")));
        storage.submit(new Effect.Persist(List.of(), 0, Effect.Persist.NO_TRUNCATE, configuration(2, "n2")));
        listener.awaitCount(2);

        restart();

        assertThat(storage.recovered().configuration()).isEqualTo(configuration(2, "n2"));
    }

    @Test
    void aConfigurationIsKeptByPersistsWithoutOne() {
        storage.submit(new Effect.Persist(List.of(put(1, "a", "1")), 1, Effect.Persist.NO_TRUNCATE,
                configuration(3, "n1")));
        storage.submit(persist(2, put(2, "b", "2")));
        listener.awaitDurable(2, 2);

        restart();

        assertThat(storage.recovered()).isEqualTo(new StoredState(2, 1, 2, configuration(3, "n1")));
    }

    // ---- compaction, snapshots, digests ----

    @Test
    void compactionDeletesCommittedEntriesAndTheLogEndSurvivesAReopenOfAnEmptiedLog() {
        storage.submit(persist(3, put(1, "a", "1"), put(2, "b", "2"), update(3, "c", "3")));
        storage.submit(Effect.Persist.compaction(3, 3));
        listener.awaitCount(2);

        assertThat(storage.entry(3)).isEmpty();
        restart();

        assertThat(storage.recovered()).isEqualTo(new StoredState(3, 2, 3, ChainConfiguration.NONE, 3));
        storage.submit(persist(4, put(4, "d", "4")));
        listener.awaitDurable(4, 4);
        assertValue("c", 3, "3");
        assertValue("d", 4, "4");
    }

    @Test
    void compactionBeyondTheCommitPointFailsTheWriterAndChangesNothing() {
        storage.submit(persist(1, put(1, "a", "1"), put(2, "b", "2")));
        listener.awaitDurable(2, 1);

        storage.submit(Effect.Persist.compaction(1, 2));

        listener.awaitFailure();
        assertThat(storage.entry(2)).isPresent();
    }

    @Test
    void aSnapshotReplacesTheLogAndTheDataAndSetsThePosition() {
        storage.submit(persist(2, put(1, "old", "x"), put(2, "a", "stale")));
        storage.submit(Effect.Persist.snapshot(new Effect.SnapshotPart(40, 3, true, false,
                List.of(new SnapshotItem(bytes("a"), 17, bytes("A"))))));
        storage.submit(Effect.Persist.snapshot(new Effect.SnapshotPart(40, 3, false, true,
                List.of(new SnapshotItem(bytes("b"), 40, bytes("B"))))));
        listener.awaitDurable(40, 40);

        assertThat(storage.get(bytes("old"))).isEmpty();
        assertValue("a", 17, "A");
        assertValue("b", 40, "B");
        assertThat(storage.entry(1)).isEmpty();
        restart();
        assertThat(storage.recovered()).isEqualTo(new StoredState(40, 3, 40, ChainConfiguration.NONE, 40));
        storage.submit(persist(41, LogEntry.create(41, 3, Op.PUT, bytes("c"), bytes("C"))));
        listener.awaitDurable(41, 41);
    }

    @Test
    void anInterruptedSnapshotInstallIsWipedAtTheNextOpen() {
        storage.submit(persist(1, put(1, "old", "x")));
        storage.submit(Effect.Persist.snapshot(new Effect.SnapshotPart(40, 3, true, false,
                List.of(new SnapshotItem(bytes("a"), 17, bytes("A"))))));
        listener.awaitCount(2);

        restart();

        assertThat(storage.recovered()).isEqualTo(StoredState.EMPTY);
        assertThat(storage.get(bytes("a"))).isEmpty();
        assertThat(storage.get(bytes("old"))).isEmpty();
    }

    @Test
    void aSnapshotSourceReadsEveryCommittedPairInBoundedChunksFromOneView() {
        for (int i = 0; i < 50; i++) {
            storage.submit(persist(i + 1, put(i + 1, String.format("k%03d", i), "v".repeat(20))));
        }
        storage.submit(persist(51, delete(51, "k007")));
        listener.awaitDurable(51, 51);

        List<SnapshotItem> items = new ArrayList<>();
        try (SnapshotSource snapshot = storage.openSnapshot()) {
            storage.submit(persist(52, put(52, "later", "not in the view")));
            listener.awaitDurable(52, 52);
            assertThat(snapshot.seq()).isEqualTo(51);
            assertThat(snapshot.entryEpoch()).isEqualTo(1);
            SnapshotSource.Chunk chunk;
            do {
                chunk = snapshot.next(100);
                assertThat(chunk.items().size()).isBetween(1, 2);
                items.addAll(chunk.items());
            } while (!chunk.last());
        }
        assertThat(items).hasSize(49);
        assertThat(items).extracting(item -> new String(item.key(), StandardCharsets.UTF_8))
                .isSorted().doesNotContain("k007", "later");
    }

    @Test
    void equalDataGivesEqualDigestsAndADifferentValueADifferentOne() {
        storage.submit(persist(2, put(1, "a", "1"), put(2, "b", "2")));
        listener.awaitDurable(2, 2);
        DataDigest first = storage.digest();

        storage.submit(persist(3, put(3, "b", "2")));
        listener.awaitDurable(3, 3);
        DataDigest rewritten = storage.digest();

        assertThat(first.seq()).isEqualTo(2);
        assertThat(first.keys()).isEqualTo(2);
        assertThat(rewritten.sha256()).as("the seq of b changed").isNotEqualTo(first.sha256());
        assertThat(first.sha256()).hasSize(64);
    }

    // ---- counting persists ----

    @Test
    void theLastReportCountsEveryPersistSubmitted() {
        storage.submit(persist(0, put(1, "a", "1")));
        storage.submit(persist(1));
        storage.submit(persist(1, put(2, "b", "2")));

        listener.awaitCount(3);
        assertThat(listener.last()).isEqualTo(new Report(2, 1));
        assertThat(listener.counts()).isSortedAccordingTo(Long::compare).doesNotHaveDuplicates().allMatch(c -> c >= 1);
    }

    @Test
    void aReopenedStorageCountsFromZeroAgain() {
        storage.submit(persist(0, put(1, "a", "1")));
        storage.submit(persist(1));
        listener.awaitCount(2);
        restart();

        storage.submit(persist(1, put(2, "b", "2")));

        listener.awaitDurable(2, 1);
        assertThat(listener.counts()).containsExactly(1L);
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
        assertThat(storage.recovered()).isEqualTo(state(2, 1, 2));
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
        assertThat(listener.lastCount()).isEqualTo(1000);
        assertThat(listener.counts()).isSortedAccordingTo(Long::compare).doesNotHaveDuplicates();
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

    /** A PUT in entry epoch 2, as a new head would write over a discarded tail. */
    static LogEntry update(long seq, String key, String value) {
        return LogEntry.create(seq, 2, Op.PUT, bytes(key), bytes(value));
    }

    static LogEntry delete(long seq, String key) {
        return LogEntry.create(seq, 1, Op.DELETE, bytes(key), LogEntry.NO_VALUE);
    }

    static Effect.Persist persist(long commitUpTo, LogEntry... entries) {
        return new Effect.Persist(List.of(entries), commitUpTo);
    }

    static Effect.Persist truncate(long afterSeq, long commitUpTo) {
        return new Effect.Persist(List.of(), commitUpTo, afterSeq, null);
    }

    static StoredState state(long appliedSeq, long lastEntryEpoch, long committedSeq) {
        return new StoredState(appliedSeq, lastEntryEpoch, committedSeq, ChainConfiguration.NONE);
    }

    static ChainConfiguration configuration(long epoch, String... chainIds) {
        return ChainConfiguration.of(epoch, nodes(chainIds));
    }

    static List<NodeDescriptor> nodes(String... ids) {
        List<NodeDescriptor> nodes = new ArrayList<>();
        for (String id : ids) {
            int n = Integer.parseInt(id.substring(1));
            nodes.add(new NodeDescriptor(id, new HostPort("127.0.0." + n, 8080), new HostPort("127.0.0." + n, 9090)));
        }
        return nodes;
    }

    record Report(long appliedSeq, long committedSeq) {
    }

    /** Records every report (position and persist count), with the thread it came on, to await and inspect. */
    static final class Recording implements DurabilityListener {
        private final List<Report> reports = new ArrayList<>();
        private final List<Long> counts = new ArrayList<>();
        private final List<Throwable> failures = new ArrayList<>();
        private final List<String> threads = new ArrayList<>();

        @Override
        public synchronized void durable(long persistCount, long appliedSeq, long committedSeq) {
            reports.add(new Report(appliedSeq, committedSeq));
            counts.add(persistCount);
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

        synchronized List<Long> counts() {
            return List.copyOf(counts);
        }

        /** The persist count of the last report, 0 before any. */
        synchronized long lastCount() {
            return counts.isEmpty() ? 0 : counts.get(counts.size() - 1);
        }

        /** Awaits the report that covers the first {@code persistCount} persists. */
        void awaitCount(long persistCount) {
            eventually().until(() -> lastCount() >= persistCount || !failures().isEmpty());
            assertThat(failures()).as("writer failures").isEmpty();
            assertThat(lastCount()).isEqualTo(persistCount);
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
