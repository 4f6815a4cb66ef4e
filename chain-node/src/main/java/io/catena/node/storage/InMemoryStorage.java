package io.catena.node.storage;

import io.catena.config.ChainConfiguration;
import io.catena.node.core.Effect;
import io.catena.node.core.LogEntry;
import io.catena.node.core.Op;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Storage} in memory, for tests and the deterministic simulator: same validation and fail-stop behaviour
 * as {@link LmdbStorage}, but synchronous. {@link #submit} applies the persist on the caller's thread and reports
 * {@code durable} (or {@code failed}) before returning; there is no batching, so every persist gets its own
 * report, whose persist count is the number of persists this instance has applied. A persist that fails
 * validation changes nothing, as an aborted LMDB transaction would. The configuration is kept in its stored
 * (JSON) form and decoded at {@link #reopen}, so both storages recover exactly what the codec round-trips.
 *
 * <p>Thread-safe with one lock, held while the listener runs so that reports keep submit order; a listener may
 * call back into this storage on the same thread.
 */
public final class InMemoryStorage implements Storage {

    private static final Logger LOG = LoggerFactory.getLogger(InMemoryStorage.class);

    /** What survives a restart; shared by every instance {@link #reopen} derives. Also the lock. */
    private static final class Durable {
        final TreeMap<Long, LogEntry> log = new TreeMap<>();
        final TreeMap<byte[], StoredValue> data = new TreeMap<>(Arrays::compareUnsigned);
        long committedSeq;
        /** The last seq removed from the log by compaction or a snapshot, and its entryEpoch. */
        long compactedSeq;
        long compactedEntryEpoch;
        /** A snapshot install began and has not finished: wiped at the next open, as LmdbStorage does. */
        boolean snapshotInProgress;
        /** {@link EntryEncoding#encodeConfiguration}, or null before the first configuration. */
        byte[] configuration;

        long appliedSeq() {
            return log.isEmpty() ? compactedSeq : log.lastKey();
        }

        /** Empties the log and the data, as the first part of a snapshot does (the configuration stays). */
        void wipe() {
            log.clear();
            data.clear();
            committedSeq = 0;
            compactedSeq = 0;
            compactedEntryEpoch = 0;
            snapshotInProgress = false;
        }

        long lastEntryEpoch() {
            return log.isEmpty() ? compactedEntryEpoch : log.lastEntry().getValue().entryEpoch();
        }
    }

    private final String nodeId;
    private final Durable durable;
    private final StoredState recovered;
    // The fields below are guarded by durable.
    private DurabilityListener listener;
    private boolean accepting = true;
    private boolean failed;
    private boolean dropLogged;
    /** Persists applied by this instance: a reopened one counts from 0, like a new process. */
    private long persistCount;

    public InMemoryStorage() {
        this("in-memory");
    }

    /** {@code nodeId} only names the node in logs. */
    public InMemoryStorage(String nodeId) {
        this(nodeId, new Durable());
    }

    private InMemoryStorage(String nodeId, Durable durable) {
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
        this.durable = durable;
        synchronized (durable) {
            if (durable.snapshotInProgress) {
                LOG.warn("node {}: a snapshot install was interrupted; starting from an empty log and data", nodeId);
                durable.wipe();
            }
            ChainConfiguration configuration = durable.configuration == null ? ChainConfiguration.NONE
                    : EntryEncoding.decodeConfiguration(durable.configuration);
            this.recovered = new StoredState(durable.appliedSeq(), durable.lastEntryEpoch(), durable.committedSeq,
                    configuration, durable.compactedSeq);
        }
    }

    /** A new instance over the same durable contents, as after a process restart; recovered() is recomputed. */
    public InMemoryStorage reopen() {
        return new InMemoryStorage(nodeId, durable);
    }

    @Override
    public StoredState recovered() {
        return recovered;
    }

    @Override
    public void setDurabilityListener(DurabilityListener listener) {
        Objects.requireNonNull(listener, "listener");
        synchronized (durable) {
            this.listener = listener;
        }
    }

    @Override
    public void submit(Effect.Persist persist) {
        Objects.requireNonNull(persist, "persist");
        synchronized (durable) {
            if (listener == null) {
                throw new IllegalStateException("node " + nodeId + ": set the durability listener before submitting");
            }
            if (!accepting || failed) {
                logDropped(persist);
                return;
            }
            try {
                validate(persist);
            } catch (IllegalStateException e) {
                fail(e);
                return;
            }
            apply(persist);
            persistCount++;
            listener.durable(persistCount, durable.appliedSeq(), durable.committedSeq);
        }
    }

    /** The checks LmdbStorage's writer makes, made before anything changes. */
    private void validate(Effect.Persist persist) {
        if (persist.snapshot() != null) {
            for (var item : persist.snapshot().items()) {
                if (item.key().length == 0 || item.key().length > LmdbStorage.KEY_BYTES_MAX) {
                    throw new IllegalStateException("node " + nodeId + ": snapshot key of " + item.key().length
                            + " bytes");
                }
            }
            return;
        }
        long applied = durable.appliedSeq();
        if (persist.truncateAfter() >= 0) {
            LmdbStorage.checkTruncation(nodeId, persist.truncateAfter(), applied, durable.committedSeq);
            applied = persist.truncateAfter();
        }
        for (LogEntry entry : persist.append()) {
            if (entry.seq() != applied + 1) {
                throw new IllegalStateException("node " + nodeId + ": log gap, appending seq " + entry.seq()
                        + " after " + applied);
            }
            if (entry.key().length == 0 || entry.key().length > LmdbStorage.KEY_BYTES_MAX) {
                throw new IllegalStateException("node " + nodeId + ": entry at seq " + entry.seq()
                        + " has a key of " + entry.key().length + " bytes, outside 1.." + LmdbStorage.KEY_BYTES_MAX);
            }
            applied = entry.seq();
        }
        if (persist.commitUpTo() > applied) {
            throw new IllegalStateException("node " + nodeId + ": commitUpTo " + persist.commitUpTo()
                    + " passes the last appended seq " + applied);
        }
        long committed = Math.max(durable.committedSeq, persist.commitUpTo());
        if (persist.compactThrough() > committed) {
            throw new IllegalStateException("node " + nodeId + ": compacting the log through seq "
                    + persist.compactThrough() + " would delete entries not yet committed (committedSeq "
                    + committed + ")");
        }
    }

    private void apply(Effect.Persist persist) {
        if (persist.snapshot() != null) {
            installSnapshotPart(persist.snapshot());
            if (persist.configuration() != null) {
                durable.configuration = EntryEncoding.encodeConfiguration(persist.configuration());
            }
            return;
        }
        if (persist.truncateAfter() >= 0) {
            durable.log.tailMap(persist.truncateAfter(), false).clear();
        }
        if (persist.configuration() != null) {
            durable.configuration = EntryEncoding.encodeConfiguration(persist.configuration());
        }
        for (LogEntry entry : persist.append()) {
            durable.log.put(entry.seq(), entry);
        }
        for (long seq = durable.committedSeq + 1; seq <= persist.commitUpTo(); seq++) {
            LogEntry entry = durable.log.get(seq);
            if (entry.op() == Op.DELETE) {
                durable.data.remove(entry.key());
            } else {
                durable.data.put(entry.key(), new StoredValue(seq, entry.value()));
            }
        }
        durable.committedSeq = Math.max(durable.committedSeq, persist.commitUpTo());
        if (persist.compactThrough() >= 0) {
            var compacted = durable.log.headMap(persist.compactThrough(), true);
            if (!compacted.isEmpty()) {
                durable.compactedSeq = compacted.lastKey();
                durable.compactedEntryEpoch = compacted.lastEntry().getValue().entryEpoch();
                compacted.clear();
            }
        }
    }

    private void installSnapshotPart(Effect.SnapshotPart part) {
        if (part.first()) {
            durable.wipe();
            durable.snapshotInProgress = true;
        }
        for (var item : part.items()) {
            durable.data.put(item.key(), new StoredValue(item.seq(), item.value()));
        }
        if (part.last()) {
            durable.committedSeq = part.seq();
            durable.compactedSeq = part.seq();
            durable.compactedEntryEpoch = part.entryEpoch();
            durable.snapshotInProgress = false;
        }
    }

    @Override
    public io.catena.node.core.SnapshotSource openSnapshot() {
        synchronized (durable) {
            requireOpen();
            long seq = durable.committedSeq;
            LogEntry atSeq = durable.log.get(seq);
            long entryEpoch = atSeq != null ? atSeq.entryEpoch()
                    : durable.compactedSeq == seq ? durable.compactedEntryEpoch : 0;
            List<io.catena.node.core.SnapshotItem> items = new ArrayList<>();
            durable.data.forEach((key, value) -> items.add(
                    new io.catena.node.core.SnapshotItem(key.clone(), value.seq(), value.value())));
            return new ListSnapshot(seq, entryEpoch, items);
        }
    }

    @Override
    public DataDigest digest() {
        synchronized (durable) {
            requireOpen();
            DataDigest.Builder digest = new DataDigest.Builder(durable.committedSeq);
            durable.data.forEach((key, value) -> digest.add(key, value.seq(), value.value()));
            return digest.build();
        }
    }

    /** A snapshot over a copy of the data, for tests and the simulation. */
    public static final class ListSnapshot implements io.catena.node.core.SnapshotSource {
        private final long seq;
        private final long entryEpoch;
        private final List<io.catena.node.core.SnapshotItem> items;
        private int next;

        public ListSnapshot(long seq, long entryEpoch, List<io.catena.node.core.SnapshotItem> items) {
            this.seq = seq;
            this.entryEpoch = entryEpoch;
            this.items = items;
        }

        @Override
        public long seq() {
            return seq;
        }

        @Override
        public long entryEpoch() {
            return entryEpoch;
        }

        @Override
        public Chunk next(int bytesMax) {
            List<io.catena.node.core.SnapshotItem> chunk = new ArrayList<>();
            long bytes = 0;
            while (next < items.size()
                    && (chunk.isEmpty() || bytes + items.get(next).sizeBytes() <= bytesMax)) {
                io.catena.node.core.SnapshotItem item = items.get(next++);
                chunk.add(item);
                bytes += item.sizeBytes();
            }
            return new Chunk(chunk, next >= items.size());
        }

        @Override
        public void close() {
        }
    }

    private void fail(IllegalStateException cause) {
        failed = true;
        LOG.error("node {}: in-memory storage failed; nothing after appliedSeq={} committedSeq={} is durable",
                nodeId, durable.appliedSeq(), durable.committedSeq, cause);
        listener.failed(cause);
    }

    private void logDropped(Effect.Persist persist) {
        String why = failed ? "its storage has failed" : "its storage is closed";
        if (!dropLogged) {
            dropLogged = true;
            LOG.error("node {}: dropping persist (last seq {}, commitUpTo {}) and any later ones: {}",
                    nodeId, persist.lastSeq(), persist.commitUpTo(), why);
        }
    }

    @Override
    public Optional<LogEntry> entry(long seq) {
        synchronized (durable) {
            requireOpen();
            return Optional.ofNullable(durable.log.get(seq));
        }
    }

    @Override
    public List<ScanItem> scan(byte[] prefix, byte[] after, int limit) {
        synchronized (durable) {
            requireOpen();
            byte[] start = after != null && Arrays.compareUnsigned(after, prefix) > 0 ? after : prefix;
            List<ScanItem> items = new java.util.ArrayList<>();
            for (var pair : durable.data.tailMap(start, true).entrySet()) {
                if (items.size() >= limit || !LmdbStorage.startsWith(pair.getKey(), prefix)) {
                    break;
                }
                if (after == null || Arrays.compareUnsigned(pair.getKey(), after) > 0) {
                    items.add(new ScanItem(pair.getKey().clone(), pair.getValue().seq(),
                            pair.getValue().value().clone()));
                }
            }
            return items;
        }
    }

    @Override
    public Optional<StoredValue> get(byte[] key) {
        synchronized (durable) {
            requireOpen();
            StoredValue stored = durable.data.get(key);
            if (stored == null) {
                return Optional.empty();
            }
            // A copy, as LmdbStorage returns: callers must not be able to change the committed data.
            return Optional.of(new StoredValue(stored.seq(), stored.value().clone()));
        }
    }

    /** The log entries with seq in [fromSeq, toSeq], in order; stops at the end of the log. */
    public List<LogEntry> readLog(long fromSeq, long toSeq) {
        synchronized (durable) {
            requireOpen();
            if (toSeq < fromSeq) {
                return List.of();
            }
            return new ArrayList<>(durable.log.subMap(fromSeq, true, toSeq, true).values());
        }
    }

    /** The appliedSeq of the last durable() report: with synchronous submits, the end of the log. */
    public long lastDurableAppliedSeq() {
        synchronized (durable) {
            return durable.appliedSeq();
        }
    }

    private void requireOpen() {
        if (!accepting) {
            throw new IllegalStateException("node " + nodeId + ": in-memory storage is closed");
        }
    }

    @Override
    public void close() {
        synchronized (durable) {
            accepting = false;
        }
    }
}
