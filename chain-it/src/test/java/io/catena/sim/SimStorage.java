package io.catena.sim;

import io.catena.config.ChainConfiguration;
import io.catena.node.core.Effect;
import io.catena.node.core.LogEntry;
import io.catena.node.core.LogReader;
import io.catena.node.core.Op;
import io.catena.node.core.SnapshotItem;
import io.catena.node.core.SnapshotSource;
import io.catena.node.storage.InMemoryStorage;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A node's storage in the simulation: persists queue up and become durable together at a simulated fsync, in
 * order; a crash loses what was not yet durable. The replica reads durable entries only, as with LMDB.
 */
final class SimStorage implements LogReader {

    /** Durable state: survives crashes. */
    final TreeMap<Long, LogEntry> log = new TreeMap<>();
    final Map<ByteBuffer, long[]> dataSeq = new HashMap<>();
    final Map<ByteBuffer, byte[]> data = new HashMap<>();
    long committedSeq;
    /** The log holds nothing at or before compactedSeq (compaction or a snapshot); entryEpoch of that entry. */
    long compactedSeq;
    long compactedEntryEpoch;
    /** A snapshot install began and has not finished: the state is wiped at restart, as LmdbStorage does. */
    boolean snapshotInProgress;
    ChainConfiguration configuration = ChainConfiguration.NONE;

    /** Volatile: lost on crash. */
    private final List<Effect.Persist> pending = new ArrayList<>();
    private long submitted;
    private long durableCount;

    long appliedSeq() {
        return log.isEmpty() ? compactedSeq : log.lastKey();
    }

    long lastEntryEpoch() {
        return log.isEmpty() ? compactedEntryEpoch : log.lastEntry().getValue().entryEpoch();
    }

    void submit(Effect.Persist persist) {
        if (persist.snapshot() != null && persist.configuration() != null) {
            throw new AssertionError("unexpected: a configuration riding on a snapshot part");
        }
        pending.add(persist);
        submitted++;
    }

    boolean hasPending() {
        return !pending.isEmpty();
    }

    /** The fsync: makes every pending persist durable, in order; returns the persist count now durable. */
    long flush() {
        for (Effect.Persist persist : pending) {
            apply(persist);
        }
        durableCount += pending.size();
        pending.clear();
        return durableCount;
    }

    /** Process crash: the queue is gone, the counter restarts with the next process. */
    void crash() {
        pending.clear();
        submitted = 0;
        durableCount = 0;
        if (snapshotInProgress) {
            wipe(); // an interrupted install: LmdbStorage starts from nothing at its next open
        }
    }

    private void apply(Effect.Persist persist) {
        if (persist.configuration() != null) {
            configuration = persist.configuration();
        }
        if (persist.snapshot() != null) {
            installSnapshotPart(persist.snapshot());
            return;
        }
        if (persist.truncateAfter() >= 0) {
            if (persist.truncateAfter() < committedSeq) {
                throw new AssertionError("truncation below the commit point: " + persist.truncateAfter() + " < "
                        + committedSeq);
            }
            log.tailMap(persist.truncateAfter(), false).clear();
        }
        if (persist.configuration() != null) {
            configuration = persist.configuration();
        }
        for (LogEntry entry : persist.append()) {
            if (entry.seq() != appliedSeq() + 1) {
                throw new AssertionError("gap in the log: appending " + entry.seq() + " after " + appliedSeq());
            }
            log.put(entry.seq(), entry);
        }
        for (long seq = committedSeq + 1; seq <= persist.commitUpTo(); seq++) {
            LogEntry entry = log.get(seq);
            ByteBuffer key = ByteBuffer.wrap(entry.key());
            if (entry.op() == Op.PUT) {
                data.put(key, entry.value());
                dataSeq.put(key, new long[] {seq});
            } else {
                data.remove(key);
                dataSeq.remove(key);
            }
        }
        committedSeq = Math.max(committedSeq, persist.commitUpTo());
        if (persist.compactThrough() >= 0) {
            if (persist.compactThrough() > committedSeq) {
                throw new AssertionError("compaction through " + persist.compactThrough() + " past the commit point "
                        + committedSeq);
            }
            var compacted = log.headMap(persist.compactThrough(), true);
            if (!compacted.isEmpty()) {
                compactedSeq = compacted.lastKey();
                compactedEntryEpoch = compacted.lastEntry().getValue().entryEpoch();
                compacted.clear();
            }
        }
    }

    private void installSnapshotPart(Effect.SnapshotPart part) {
        if (part.first()) {
            wipe();
            snapshotInProgress = true;
        }
        for (SnapshotItem item : part.items()) {
            data.put(ByteBuffer.wrap(item.key()), item.value());
            dataSeq.put(ByteBuffer.wrap(item.key()), new long[] {item.seq()});
        }
        if (part.last()) {
            committedSeq = part.seq();
            compactedSeq = part.seq();
            compactedEntryEpoch = part.entryEpoch();
            snapshotInProgress = false;
        }
    }

    private void wipe() {
        log.clear();
        data.clear();
        dataSeq.clear();
        committedSeq = 0;
        compactedSeq = 0;
        compactedEntryEpoch = 0;
        snapshotInProgress = false;
    }

    /** A copy of the durable data, in unsigned key order, at the durable commit point. */
    @Override
    public SnapshotSource openSnapshot() {
        List<SnapshotItem> items = new ArrayList<>();
        data.forEach((key, value) -> items.add(new SnapshotItem(bytes(key), dataSeq.get(key)[0], value)));
        items.sort((a, b) -> java.util.Arrays.compareUnsigned(a.key(), b.key()));
        LogEntry atSeq = log.get(committedSeq);
        long entryEpoch = atSeq != null ? atSeq.entryEpoch() : compactedSeq == committedSeq ? compactedEntryEpoch : 0;
        return new InMemoryStorage.ListSnapshot(committedSeq, entryEpoch, items);
    }

    private static byte[] bytes(ByteBuffer key) {
        byte[] bytes = new byte[key.remaining()];
        key.duplicate().get(bytes);
        return bytes;
    }

    @Override
    public Optional<LogEntry> entry(long seq) {
        return Optional.ofNullable(log.get(seq));
    }

    @Override
    public long committedSeqOf(byte[] key) {
        long[] seq = dataSeq.get(ByteBuffer.wrap(key));
        return seq == null ? 0 : seq[0];
    }
}
