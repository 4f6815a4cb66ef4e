package io.catena.node.storage;

import io.catena.config.ChainConfiguration;
import io.catena.config.SyncPolicy;
import io.catena.node.core.Effect;
import io.catena.node.core.LogEntry;
import io.catena.node.core.Op;
import io.catena.node.core.SnapshotItem;
import io.catena.node.core.SnapshotSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import org.lmdbjava.Cursor;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.GetOp;
import org.lmdbjava.PutFlags;
import org.lmdbjava.Txn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Storage} on one LMDB environment holding the databases {@code log}, {@code data} and {@code meta}
 * (DESIGN.md section 2; record layouts in {@link EntryEncoding}).
 *
 * <p>One writer thread drains the submit queue and commits each batch of persists (up to
 * {@code batchEntriesMax} entries or {@code batchBytesMax} bytes) in a single write transaction: each persist's
 * truncation of the log tail, configuration ({@code meta.configuration}) and appends, in submit order; then the
 * commit-applications to {@code data} and {@code meta.committedSeq}. LMDB forces the transaction to disk on
 * commit unless the sync policy is {@link SyncPolicy#NONE}; only then is the listener told, once per transaction,
 * with the count of persists durable so far.
 * Any failure stops the writer for good (fail-stop): the listener hears {@code failed} and later submits are
 * dropped. Reads run on the caller's thread, each in its own short read transaction.
 */
public final class LmdbStorage implements Storage {

    public static final String LOG_DB = "log";
    public static final String DATA_DB = "data";
    public static final String META_DB = "meta";
    static final String META_NODE_ID = "nodeId";
    static final String META_COMMITTED_SEQ = "committedSeq";
    static final String META_CONFIGURATION = "configuration";
    /** The last seq removed from the log by compaction or a snapshot, and that entry's entryEpoch (16 bytes). */
    static final String META_COMPACTED = "compacted";
    /** Present while a snapshot is being installed: the state is incomplete and is wiped at the next open. */
    static final String META_SNAPSHOT_IN_PROGRESS = "snapshotInProgress";
    /** LMDB's key limit with its default page size; the {@code data} database is keyed by client keys. */
    public static final int KEY_BYTES_MAX = 511;
    static final String WRITER_THREAD_NAME = "catena-storage-writer";
    private static final int MAX_READERS = 256;
    private static final int MAX_DBS = 4;

    private static final Logger LOG = LoggerFactory.getLogger(LmdbStorage.class);
    /** Real paths of the environments open in this process. */
    private static final Set<Path> OPEN_DIRS = ConcurrentHashMap.newKeySet();
    /** Queued by close(); compared by identity, so it can never be confused with a real (empty) persist. */
    private static final Effect.Persist STOP = new Effect.Persist(List.of(), 0);

    private final Path dir;
    private final String nodeId;
    private final Env<ByteBuffer> env;
    private final Dbi<ByteBuffer> logDb;
    private final Dbi<ByteBuffer> dataDb;
    private final Dbi<ByteBuffer> metaDb;
    private final StoredState recovered;
    private final int batchEntriesMax;
    private final long batchBytesMax;

    private final LinkedBlockingQueue<Effect.Persist> queue = new LinkedBlockingQueue<>();
    /** Orders submit against close, so nothing is queued behind STOP and left unreported. */
    private final Object admission = new Object();
    private boolean accepting = true; // guarded by admission
    private volatile boolean failed;
    private final AtomicBoolean dropLogged = new AtomicBoolean();
    private volatile DurabilityListener listener;
    private volatile long durableAppliedSeq;
    /** Set by {@link #bindMetrics} before the first submit; null: nothing is recorded. */
    private volatile WriterMetrics metrics;

    /** Readers hold it shared; closing the environment takes it exclusively (a read on a closed env would crash). */
    private final ReentrantReadWriteLock envLock = new ReentrantReadWriteLock();
    private boolean envOpen = true; // guarded by envLock
    /** Per reader thread: LMDB wants direct buffers, and reader threads must not share one. */
    private final ThreadLocal<ByteBuffer> readerKey =
            ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(KEY_BYTES_MAX));

    private final Writer writer;
    private final Set<LmdbSnapshot> openSnapshots = ConcurrentHashMap.newKeySet();
    private final Thread writerThread;
    private boolean closeEnvOnWriterExit; // only touched on the writer thread

    private LmdbStorage(Path dir, String nodeId, Env<ByteBuffer> env, Dbi<ByteBuffer> logDb,
                        Dbi<ByteBuffer> dataDb, Dbi<ByteBuffer> metaDb, StoredState recovered,
                        int batchEntriesMax, long batchBytesMax) {
        this.dir = dir;
        this.nodeId = nodeId;
        this.env = env;
        this.logDb = logDb;
        this.dataDb = dataDb;
        this.metaDb = metaDb;
        this.recovered = recovered;
        this.batchEntriesMax = batchEntriesMax;
        this.batchBytesMax = batchBytesMax;
        this.durableAppliedSeq = recovered.appliedSeq();
        this.writer = new Writer(recovered.appliedSeq(), recovered.committedSeq());
        this.writerThread = new Thread(this::runWriter, WRITER_THREAD_NAME);
        // A daemon: an unclosed storage must not keep the JVM alive; LMDB is crash-safe and nothing queued was acked.
        this.writerThread.setDaemon(true);
    }

    /**
     * Opens (creating if needed) the environment in {@code dir} for {@code nodeId}, recovers the durable state and
     * starts the writer.
     *
     * @throws IllegalStateException when {@code dir} belongs to another node
     */
    public static LmdbStorage open(Path dir, String nodeId, SyncPolicy syncPolicy, long mapBytes,
                                   int batchEntriesMax, long batchBytesMax) {
        Objects.requireNonNull(syncPolicy, "syncPolicy");
        if (nodeId == null || nodeId.isBlank()) {
            throw new IllegalArgumentException("nodeId must not be blank");
        }
        if (mapBytes <= 0 || batchEntriesMax <= 0 || batchBytesMax <= 0) {
            throw new IllegalArgumentException("limits must be positive: mapBytes=" + mapBytes
                    + " batchEntriesMax=" + batchEntriesMax + " batchBytesMax=" + batchBytesMax);
        }
        Path realDir = claimDirectory(dir);
        try {
            return openClaimed(realDir, nodeId, syncPolicy, mapBytes, batchEntriesMax, batchBytesMax);
        } catch (RuntimeException e) {
            OPEN_DIRS.remove(realDir);
            throw e;
        }
    }

    private static LmdbStorage openClaimed(Path dir, String nodeId, SyncPolicy syncPolicy, long mapBytes,
                                           int batchEntriesMax, long batchBytesMax) {
        Env<ByteBuffer> env = Env.create()
                .setMapSize(mapBytes)
                .setMaxDbs(MAX_DBS)
                .setMaxReaders(MAX_READERS)
                .open(dir.toFile(), envFlags(syncPolicy));
        try {
            Dbi<ByteBuffer> logDb = env.openDbi(LOG_DB, DbiFlags.MDB_CREATE);
            Dbi<ByteBuffer> dataDb = env.openDbi(DATA_DB, DbiFlags.MDB_CREATE);
            Dbi<ByteBuffer> metaDb = env.openDbi(META_DB, DbiFlags.MDB_CREATE);
            StoredState recovered = claimAndRecover(env, logDb, dataDb, metaDb, dir, nodeId);
            LmdbStorage storage = new LmdbStorage(dir, nodeId, env, logDb, dataDb, metaDb, recovered,
                    batchEntriesMax, batchBytesMax);
            storage.writerThread.start();
            LOG.info("node {}: opened storage {} (sync={}, mapBytes={}): appliedSeq={} committedSeq={} epoch={}",
                    nodeId, dir, syncPolicy, mapBytes, recovered.appliedSeq(), recovered.committedSeq(),
                    recovered.configuration().epoch());
            return storage;
        } catch (RuntimeException e) {
            env.close();
            throw e;
        }
    }

    // MDB_NOTLS: a read transaction is not tied to its thread (Vert.x may hop). Never MDB_WRITEMAP: with it a
    // full disk surfaces as SIGBUS instead of an error the writer can report.
    private static EnvFlags[] envFlags(SyncPolicy syncPolicy) {
        return switch (syncPolicy) {
            case SYNC -> new EnvFlags[] {EnvFlags.MDB_NOTLS};
            case NONE -> new EnvFlags[] {EnvFlags.MDB_NOTLS, EnvFlags.MDB_NOSYNC};
        };
    }

    /**
     * Creates the directory and marks it open in this process. LMDB must not open one environment twice in a
     * process (its locks are per process, so the two would corrupt each other); a second open is refused.
     */
    private static Path claimDirectory(Path dir) {
        Path realDir;
        try {
            realDir = Files.createDirectories(dir).toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create storage directory " + dir, e);
        }
        if (!OPEN_DIRS.add(realDir)) {
            throw new IllegalStateException("storage " + realDir + " is already open in this process");
        }
        return realDir;
    }

    /** Checks or records the owner node id, and reads where the log ends, what is committed and the configuration. */
    private static StoredState claimAndRecover(Env<ByteBuffer> env, Dbi<ByteBuffer> logDb, Dbi<ByteBuffer> dataDb,
                                               Dbi<ByteBuffer> metaDb, Path dir, String nodeId) {
        ByteBuffer idKey = utf8Direct(META_NODE_ID);
        try (Txn<ByteBuffer> txn = env.txnWrite()) {
            ByteBuffer stored = metaDb.get(txn, idKey);
            if (stored == null) {
                metaDb.put(txn, idKey, utf8Direct(nodeId));
            } else {
                String owner = StandardCharsets.UTF_8.decode(stored).toString();
                if (!owner.equals(nodeId)) {
                    throw new IllegalStateException("storage " + dir + " belongs to node " + owner
                            + ", refusing to open it as node " + nodeId);
                }
            }
            if (metaDb.get(txn, utf8Direct(META_SNAPSHOT_IN_PROGRESS)) != null) {
                LOG.warn("node {}: a snapshot install was interrupted; starting from an empty log and data", nodeId);
                logDb.drop(txn);
                dataDb.drop(txn);
                metaDb.delete(txn, utf8Direct(META_COMMITTED_SEQ));
                metaDb.delete(txn, utf8Direct(META_COMPACTED));
                metaDb.delete(txn, utf8Direct(META_SNAPSHOT_IN_PROGRESS));
            }
            ByteBuffer committed = metaDb.get(txn, utf8Direct(META_COMMITTED_SEQ));
            long committedSeq = committed == null ? 0 : committed.order(ByteOrder.BIG_ENDIAN).getLong(0);
            ByteBuffer storedConfiguration = metaDb.get(txn, utf8Direct(META_CONFIGURATION));
            ChainConfiguration configuration = storedConfiguration == null ? ChainConfiguration.NONE
                    : EntryEncoding.decodeConfiguration(storedConfiguration);
            long[] compacted = compacted(metaDb, txn);
            StoredState state = recoverLogEnd(txn, logDb, committedSeq, configuration, compacted);
            txn.commit();
            return state;
        }
    }

    private static StoredState recoverLogEnd(Txn<ByteBuffer> txn, Dbi<ByteBuffer> logDb, long committedSeq,
                                             ChainConfiguration configuration, long[] compacted) {
        try (Cursor<ByteBuffer> cursor = logDb.openCursor(txn)) {
            if (!cursor.last()) {
                // An empty log ends where compaction (or a snapshot) left it: at the commit point.
                return new StoredState(compacted[0], compacted[1], committedSeq, configuration, compacted[0]);
            }
            long lastSeq = EntryEncoding.decodeSeqKey(cursor.key());
            return new StoredState(lastSeq, EntryEncoding.decodeEntryEpoch(cursor.val()), committedSeq,
                    configuration, compacted[0]);
        }
    }

    /** [compactedSeq, its entryEpoch], both 0 when the log was never compacted. */
    private static long[] compacted(Dbi<ByteBuffer> metaDb, Txn<ByteBuffer> txn) {
        ByteBuffer stored = metaDb.get(txn, utf8Direct(META_COMPACTED));
        if (stored == null) {
            return new long[] {0, 0};
        }
        ByteBuffer value = stored.order(ByteOrder.BIG_ENDIAN);
        return new long[] {value.getLong(0), value.getLong(8)};
    }

    private static ByteBuffer utf8Direct(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
    }

    @Override
    public StoredState recovered() {
        return recovered;
    }

    @Override
    public void setDurabilityListener(DurabilityListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    @Override
    public void submit(Effect.Persist persist) {
        Objects.requireNonNull(persist, "persist");
        if (listener == null) {
            throw new IllegalStateException("node " + nodeId + ": set the durability listener before submitting");
        }
        synchronized (admission) {
            if (accepting && !failed) {
                queue.add(persist);
                return;
            }
        }
        logDropped(persist);
    }

    private void logDropped(Effect.Persist persist) {
        String why = failed ? "its storage writer has failed" : "its storage is closed";
        if (dropLogged.compareAndSet(false, true)) {
            LOG.error("node {}: dropping persist (last seq {}, commitUpTo {}) and any later ones: {}",
                    nodeId, persist.lastSeq(), persist.commitUpTo(), why);
        } else {
            LOG.debug("node {}: dropping persist (last seq {}): {}", nodeId, persist.lastSeq(), why);
        }
    }

    @Override
    public Optional<LogEntry> entry(long seq) {
        if (seq < 1) {
            return Optional.empty();
        }
        return read(txn -> {
            ByteBuffer value = logDb.get(txn, seqKey(seq));
            return value == null ? Optional.empty() : Optional.of(EntryEncoding.decodeEntry(seq, value));
        });
    }

    @Override
    public Optional<StoredValue> get(byte[] key) {
        if (key.length == 0 || key.length > KEY_BYTES_MAX) {
            return Optional.empty(); // LMDB cannot hold such a key, so no write ever stored one
        }
        ByteBuffer lmdbKey = readerKey.get().clear().put(key).flip();
        return read(txn -> {
            ByteBuffer value = dataDb.get(txn, lmdbKey);
            return value == null ? Optional.empty() : Optional.of(EntryEncoding.decodeData(value));
        });
    }

    @Override
    public List<ScanItem> scan(byte[] prefix, byte[] after, int limit) {
        byte[] start = after != null && Arrays.compareUnsigned(after, prefix) > 0 ? after : prefix;
        return read(txn -> {
            List<ScanItem> items = new ArrayList<>();
            try (Cursor<ByteBuffer> cursor = dataDb.openCursor(txn)) {
                boolean found = start.length == 0 ? cursor.first()
                        : cursor.get(readerKey.get().clear().put(start).flip(), GetOp.MDB_SET_RANGE);
                while (found && items.size() < limit) {
                    byte[] key = new byte[cursor.key().remaining()];
                    cursor.key().duplicate().get(key);
                    if (!startsWith(key, prefix)) {
                        break;
                    }
                    if (after == null || Arrays.compareUnsigned(key, after) > 0) {
                        StoredValue value = EntryEncoding.decodeData(cursor.val());
                        items.add(new ScanItem(key, value.seq(), value.value()));
                    }
                    found = cursor.next();
                }
            }
            return items;
        });
    }

    @Override
    public SnapshotSource openSnapshot() {
        envLock.readLock().lock();
        try {
            if (!envOpen) {
                throw new IllegalStateException("node " + nodeId + ": storage " + dir + " is closed");
            }
            LmdbSnapshot snapshot = new LmdbSnapshot(env.txnRead());
            openSnapshots.add(snapshot);
            return snapshot;
        } finally {
            envLock.readLock().unlock();
        }
    }

    @Override
    public DataDigest digest() {
        return read(txn -> {
            ByteBuffer committed = metaDb.get(txn, utf8Direct(META_COMMITTED_SEQ));
            long seq = committed == null ? 0 : committed.order(ByteOrder.BIG_ENDIAN).getLong(0);
            DataDigest.Builder digest = new DataDigest.Builder(seq);
            try (Cursor<ByteBuffer> cursor = dataDb.openCursor(txn)) {
                for (boolean found = cursor.first(); found; found = cursor.next()) {
                    byte[] key = new byte[cursor.key().remaining()];
                    cursor.key().duplicate().get(key);
                    StoredValue value = EntryEncoding.decodeData(cursor.val());
                    digest.add(key, value.seq(), value.value());
                }
            }
            return digest.build();
        });
    }

    /**
     * A snapshot over one read transaction (MDB_NOTLS lets it outlive the thread that opened it). Reads take the
     * environment's read lock, so that closing the storage, which closes every open snapshot first, never races
     * a chunk being read.
     */
    private final class LmdbSnapshot implements SnapshotSource {
        private final Txn<ByteBuffer> txn;
        private final long seq;
        private final long entryEpoch;
        private byte[] lastKey;
        private boolean done;
        private boolean closed;

        LmdbSnapshot(Txn<ByteBuffer> txn) {
            this.txn = txn;
            ByteBuffer committed = metaDb.get(txn, utf8Direct(META_COMMITTED_SEQ));
            this.seq = committed == null ? 0 : committed.order(ByteOrder.BIG_ENDIAN).getLong(0);
            // lmdbjava hands out one value buffer per transaction: decode each value before the next get
            ByteBuffer entry = seq == 0 ? null : logDb.get(txn, seqKey(seq));
            long entryEpochInLog = entry == null ? -1 : EntryEncoding.decodeEntryEpoch(entry);
            long[] compacted = compacted(metaDb, txn);
            this.entryEpoch = entryEpochInLog >= 0 ? entryEpochInLog : compacted[0] == seq ? compacted[1] : 0;
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
            envLock.readLock().lock();
            try {
                if (closed || !envOpen) {
                    throw new IllegalStateException("node " + nodeId + ": snapshot at seq " + seq + " is closed");
                }
                List<SnapshotItem> items = new ArrayList<>();
                long bytes = 0;
                try (Cursor<ByteBuffer> cursor = dataDb.openCursor(txn)) {
                    boolean found = lastKey == null ? cursor.first()
                            : cursor.get(readerKey.get().clear().put(lastKey).flip(), GetOp.MDB_SET_RANGE);
                    if (found && lastKey != null && cursor.key().equals(ByteBuffer.wrap(lastKey))) {
                        found = cursor.next();
                    }
                    found &= !done;
                    while (found) {
                        byte[] key = new byte[cursor.key().remaining()];
                        cursor.key().duplicate().get(key);
                        StoredValue value = EntryEncoding.decodeData(cursor.val());
                        SnapshotItem item = new SnapshotItem(key, value.seq(), value.value());
                        if (!items.isEmpty() && bytes + item.sizeBytes() > bytesMax) {
                            break; // the next chunk starts with it
                        }
                        items.add(item);
                        bytes += item.sizeBytes();
                        lastKey = key;
                        found = cursor.next();
                    }
                    done = !found;
                }
                return new Chunk(items, done);
            } finally {
                envLock.readLock().unlock();
            }
        }

        @Override
        public void close() {
            envLock.readLock().lock();
            try {
                closeUnderLock();
            } finally {
                envLock.readLock().unlock();
            }
        }

        /** Ends the read transaction; the caller holds the environment lock (read or write). */
        synchronized void closeUnderLock() {
            if (!closed) {
                closed = true;
                openSnapshots.remove(this);
                if (envOpen) {
                    txn.close();
                }
            }
        }
    }

    static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length
                && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    /** The durable log entries with seq in [fromSeq, toSeq], in order; stops at the end of the log. */
    public List<LogEntry> readLog(long fromSeq, long toSeq) {
        long from = Math.max(1, fromSeq);
        if (toSeq < from) {
            return List.of();
        }
        return read(txn -> {
            List<LogEntry> entries = new ArrayList<>();
            try (Cursor<ByteBuffer> cursor = logDb.openCursor(txn)) {
                boolean found = cursor.get(seqKey(from), GetOp.MDB_SET_RANGE);
                while (found) {
                    long seq = EntryEncoding.decodeSeqKey(cursor.key());
                    if (seq > toSeq) {
                        break;
                    }
                    entries.add(EntryEncoding.decodeEntry(seq, cursor.val()));
                    found = cursor.next();
                }
            }
            return entries;
        });
    }

    /** The appliedSeq of the last durable() report (the recovered one before any). */
    public long lastDurableAppliedSeq() {
        return durableAppliedSeq;
    }

    private ByteBuffer seqKey(long seq) {
        ByteBuffer key = readerKey.get().clear();
        EntryEncoding.encodeSeqKey(seq, key);
        return key.flip();
    }

    /** Runs {@code body} in a short read transaction; it must copy out what it keeps (the buffers die with it). */
    private <T> T read(Function<Txn<ByteBuffer>, T> body) {
        envLock.readLock().lock();
        try {
            if (!envOpen) {
                throw new IllegalStateException("node " + nodeId + ": storage " + dir + " is closed");
            }
            try (Txn<ByteBuffer> txn = env.txnRead()) {
                return body.apply(txn);
            }
        } finally {
            envLock.readLock().unlock();
        }
    }

    @Override
    public void close() {
        synchronized (admission) {
            if (!accepting) {
                return;
            }
            accepting = false;
            queue.add(STOP);
        }
        if (Thread.currentThread() == writerThread) {
            // Called from a listener callback: the writer cannot join itself; it closes the env when it exits.
            closeEnvOnWriterExit = true;
            return;
        }
        joinWriter();
        closeEnv();
    }

    private void joinWriter() {
        boolean interrupted = false;
        while (writerThread.isAlive()) {
            try {
                writerThread.join();
            } catch (InterruptedException e) {
                interrupted = true; // finish closing: the env must not be closed under a running writer
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void closeEnv() {
        envLock.writeLock().lock();
        try {
            if (envOpen) {
                for (LmdbSnapshot snapshot : List.copyOf(openSnapshots)) {
                    snapshot.closeUnderLock();
                }
                envOpen = false;
                logDb.close();
                dataDb.close();
                metaDb.close();
                env.close();
                OPEN_DIRS.remove(dir);
                LOG.info("node {}: closed storage {}", nodeId, dir);
            }
        } finally {
            envLock.writeLock().unlock();
        }
    }

    @Override
    public void bindMetrics(io.micrometer.core.instrument.MeterRegistry registry) {
        metrics = new WriterMetrics(registry, batchEntriesMax, batchBytesMax);
    }

    // ---- writer thread ----

    /** How long a commit-only batch waits for an append to share its transaction and fsync. */
    static final long COMMIT_ONLY_DEFER_MS = 2;

    private void runWriter() {
        try {
            List<Effect.Persist> batch = new ArrayList<>();
            for (Effect.Persist first = queue.take(); first != STOP; first = queue.take()) {
                batch.clear();
                batch.add(first);
                drainInto(batch);
                if (!deferCommitOnly(batch)) {
                    break;
                }
                writeAndReport(batch);
            }
        } catch (Throwable cause) { // any failure, even an Error, must reach the node, or it waits forever
            fail(cause);
        } finally {
            if (closeEnvOnWriterExit) {
                closeEnv();
            }
        }
    }

    private void writeAndReport(List<Effect.Persist> batch) {
        writer.write(batch);
        WriterMetrics recorder = metrics;
        if (recorder != null && writer.lastCommitNanos >= 0) {
            recorder.record(batch, writer.lastCommitNanos);
        }
        durableAppliedSeq = writer.appliedSeq;
        listener.durable(writer.persistCount, writer.appliedSeq, writer.committedSeq);
    }

    /**
     * A batch that only applies commits appends nothing, so nothing waits for its fsync except the next append
     * queued behind it. Such a batch waits up to {@link #COMMIT_ONLY_DEFER_MS} for an append to ride along with,
     * saving one fsync per write at the head and middle nodes. A truncation or a configuration is not deferred:
     * the replica waits for it before answering its predecessor or serving in the new epoch. Returns false when
     * STOP arrived meanwhile (the batch is then written before stopping).
     */
    private boolean deferCommitOnly(List<Effect.Persist> batch) throws InterruptedException {
        for (Effect.Persist persist : batch) {
            if (!isCommitOnly(persist)) {
                return true;
            }
        }
        Effect.Persist next = queue.poll(COMMIT_ONLY_DEFER_MS, TimeUnit.MILLISECONDS);
        if (next == STOP) {
            writeAndReport(batch);
            return false;
        }
        if (next != null) {
            batch.add(next);
            drainInto(batch);
        }
        return true;
    }

    /** Whether the persist only moves the commit point (or compacts): no append, truncation, configuration, snapshot. */
    static boolean isCommitOnly(Effect.Persist persist) {
        return persist.append().isEmpty() && persist.truncateAfter() < 0 && persist.configuration() == null
                && persist.snapshot() == null;
    }

    /**
     * A truncation may discard pending entries only: committed ones are in {@code data} and were acknowledged.
     * It cannot reach past the end of the log either, or the log would not end at {@code truncateAfter}.
     * Shared with {@link InMemoryStorage}; a violation is a programming error and fails the writer.
     */
    static void checkTruncation(String nodeId, long truncateAfter, long appliedSeq, long committedSeq) {
        if (truncateAfter < committedSeq) {
            throw new IllegalStateException("node " + nodeId + ": truncating the log after seq " + truncateAfter
                    + " would discard committed entries (committedSeq " + committedSeq + ")");
        }
        if (truncateAfter > appliedSeq) {
            throw new IllegalStateException("node " + nodeId + ": truncating the log after seq " + truncateAfter
                    + " but it ends at " + appliedSeq);
        }
    }

    /** Adds queued persists to the batch while it stays within the limits; always leaves STOP in the queue. */
    private void drainInto(List<Effect.Persist> batch) {
        long entries = batch.get(0).append().size();
        long bytes = sizeBytes(batch.get(0));
        for (Effect.Persist next = queue.peek(); next != null && next != STOP; next = queue.peek()) {
            long nextEntries = next.append().size();
            long nextBytes = sizeBytes(next);
            if (entries + nextEntries > batchEntriesMax || bytes + nextBytes > batchBytesMax) {
                return;
            }
            batch.add(queue.poll()); // the writer is the only consumer: poll returns what peek saw
            entries += nextEntries;
            bytes += nextBytes;
        }
    }

    private static long sizeBytes(Effect.Persist persist) {
        long bytes = 0;
        for (LogEntry entry : persist.append()) {
            bytes += entry.sizeBytes();
        }
        return bytes;
    }

    private void fail(Throwable cause) {
        failed = true;
        queue.clear();
        LOG.error("node {}: storage writer for {} failed; nothing after appliedSeq={} committedSeq={} is durable",
                nodeId, dir, writer.appliedSeq, writer.committedSeq, cause);
        DurabilityListener current = listener;
        if (current == null) {
            return;
        }
        try {
            current.failed(cause);
        } catch (RuntimeException e) {
            LOG.error("node {}: durability listener threw on failure", nodeId, e);
        }
    }

    /** The writer thread's state and reusable direct buffers (LMDB copies them on put, so reuse is safe). */
    private final class Writer {
        private long appliedSeq;
        private long committedSeq;
        /** Persists made durable since open; the count of the last persist of the last batch. */
        private long persistCount;
        private final ByteBuffer seqKey = ByteBuffer.allocateDirect(EntryEncoding.SEQ_KEY_BYTES);
        private final ByteBuffer dataKey = ByteBuffer.allocateDirect(KEY_BYTES_MAX);
        private final ByteBuffer committedKey = utf8Direct(META_COMMITTED_SEQ);
        private final ByteBuffer committedValue = ByteBuffer.allocateDirect(Long.BYTES);
        private final ByteBuffer configurationKey = utf8Direct(META_CONFIGURATION);
        private ByteBuffer value = ByteBuffer.allocateDirect(4096);

        /** How long the last batch's commit (with its fsync) took; -1 when it committed nothing. */
        private long lastCommitNanos = -1;

        Writer(long appliedSeq, long committedSeq) {
            this.appliedSeq = appliedSeq;
            this.committedSeq = committedSeq;
        }

        /**
         * Applies the batch in one transaction; the positions advance only once it has committed. Commits are
         * applied to {@code data} once, at the end: a later persist of the batch can only truncate above every
         * commit point before it, so the entries read back then are those each persist committed.
         */
        void write(List<Effect.Persist> batch) {
            long applied = appliedSeq;
            long dataCommitted = committedSeq;
            long commitUpTo = committedSeq;
            boolean changed = false;
            try (Txn<ByteBuffer> txn = env.txnWrite()) {
                for (Effect.Persist persist : batch) {
                    if (persist.snapshot() != null || persist.compactThrough() >= 0) {
                        // both need data committed as far as the persists before them said, first
                        if (commitUpTo > dataCommitted) {
                            applyCommitted(txn, dataCommitted, commitUpTo);
                            dataCommitted = commitUpTo;
                        }
                    }
                    if (persist.snapshot() != null) {
                        applied = installSnapshotPart(txn, persist.snapshot(), applied);
                        dataCommitted = commitUpTo = applied;
                        if (persist.configuration() != null) {
                            putConfiguration(txn, persist.configuration());
                        }
                        changed = true;
                        continue;
                    }
                    if (persist.truncateAfter() >= 0) {
                        checkTruncation(nodeId, persist.truncateAfter(), applied, commitUpTo);
                        changed |= truncate(txn, persist.truncateAfter(), applied);
                        applied = persist.truncateAfter();
                    }
                    if (persist.configuration() != null) {
                        putConfiguration(txn, persist.configuration());
                        changed = true;
                    }
                    for (LogEntry entry : persist.append()) {
                        append(txn, applied, entry);
                        applied = entry.seq();
                        changed = true;
                    }
                    if (persist.commitUpTo() > applied) {
                        throw new IllegalStateException("node " + nodeId + ": commitUpTo " + persist.commitUpTo()
                                + " passes the last appended seq " + applied);
                    }
                    commitUpTo = Math.max(commitUpTo, persist.commitUpTo());
                    if (persist.compactThrough() >= 0) {
                        if (commitUpTo > dataCommitted) {
                            applyCommitted(txn, dataCommitted, commitUpTo);
                            dataCommitted = commitUpTo;
                        }
                        changed |= compact(txn, persist.compactThrough(), dataCommitted);
                    }
                }
                if (commitUpTo > dataCommitted) {
                    applyCommitted(txn, dataCommitted, commitUpTo);
                    changed = true;
                }
                lastCommitNanos = -1;
                if (changed) {
                    long commitStartNanos = System.nanoTime();
                    txn.commit(); // an idle batch (commit-only, nothing new) closes unchanged: no fsync
                    lastCommitNanos = System.nanoTime() - commitStartNanos;
                }
            }
            appliedSeq = applied;
            committedSeq = commitUpTo;
            persistCount += batch.size();
        }

        /**
         * Installs one part of a snapshot; returns where the log now ends. The first part empties the log and the
         * data and marks the install in progress (an interrupted install is wiped at the next open); the last
         * records the snapshot's seq as committed and compacted, so the log continues after it.
         */
        private long installSnapshotPart(Txn<ByteBuffer> txn, Effect.SnapshotPart part, long applied) {
            if (part.first()) {
                LOG.info("node {}: installing a snapshot at seq {}: discarding the log (through {}) and the data",
                        nodeId, part.seq(), applied);
                logDb.drop(txn);
                dataDb.drop(txn);
                metaDb.put(txn, utf8Direct(META_SNAPSHOT_IN_PROGRESS), utf8Direct("1"));
                committedValue.clear().putLong(0).flip();
                metaDb.put(txn, committedKey, committedValue);
                metaDb.delete(txn, utf8Direct(META_COMPACTED));
                applied = 0;
            }
            for (SnapshotItem item : part.items()) {
                if (item.key().length == 0 || item.key().length > KEY_BYTES_MAX) {
                    throw new IllegalStateException("node " + nodeId + ": snapshot key of " + item.key().length
                            + " bytes");
                }
                dataKey.clear().put(item.key()).flip();
                ByteBuffer encoded = valueBuffer(EntryEncoding.dataBytes(item.value()));
                EntryEncoding.encodeData(item.seq(), item.value(), encoded);
                dataDb.put(txn, dataKey, encoded.flip());
            }
            if (!part.last()) {
                return applied;
            }
            committedValue.clear().putLong(part.seq()).flip();
            metaDb.put(txn, committedKey, committedValue);
            putCompacted(txn, part.seq(), part.entryEpoch());
            metaDb.delete(txn, utf8Direct(META_SNAPSHOT_IN_PROGRESS));
            LOG.info("node {}: installed the snapshot at seq {}", nodeId, part.seq());
            return part.seq();
        }

        /** Deletes committed log entries through {@code throughSeq}, oldest first; returns whether any were. */
        private boolean compact(Txn<ByteBuffer> txn, long throughSeq, long dataCommitted) {
            if (throughSeq > dataCommitted) {
                throw new IllegalStateException("node " + nodeId + ": compacting the log through seq " + throughSeq
                        + " would delete entries not yet committed (committedSeq " + dataCommitted + ")");
            }
            long lastDeleted = -1;
            long lastEpoch = 0;
            try (Cursor<ByteBuffer> cursor = logDb.openCursor(txn)) {
                while (cursor.first()) {
                    long seq = EntryEncoding.decodeSeqKey(cursor.key()); // consumes the key buffer: decode once
                    if (seq > throughSeq) {
                        break;
                    }
                    lastDeleted = seq;
                    lastEpoch = EntryEncoding.decodeEntryEpoch(cursor.val());
                    cursor.delete();
                }
            }
            if (lastDeleted < 0) {
                return false;
            }
            putCompacted(txn, lastDeleted, lastEpoch);
            return true;
        }

        private void putCompacted(Txn<ByteBuffer> txn, long seq, long entryEpoch) {
            ByteBuffer value = valueBuffer(16).putLong(seq).putLong(entryEpoch).flip();
            metaDb.put(txn, utf8Direct(META_COMPACTED), value);
        }

        /** Deletes the log entries (afterSeq, lastSeq], last first; returns whether there were any. */
        private boolean truncate(Txn<ByteBuffer> txn, long afterSeq, long lastSeq) {
            if (afterSeq >= lastSeq) {
                return false;
            }
            LOG.info("node {}: discarding uncommitted log entries ({}, {}]", nodeId, afterSeq, lastSeq);
            try (Cursor<ByteBuffer> cursor = logDb.openCursor(txn)) {
                while (cursor.last() && EntryEncoding.decodeSeqKey(cursor.key()) > afterSeq) {
                    cursor.delete();
                }
            }
            return true;
        }

        private void putConfiguration(Txn<ByteBuffer> txn, ChainConfiguration configuration) {
            byte[] json = EntryEncoding.encodeConfiguration(configuration);
            metaDb.put(txn, configurationKey, valueBuffer(json.length).put(json).flip());
        }

        private void append(Txn<ByteBuffer> txn, long lastSeq, LogEntry entry) {
            if (entry.seq() != lastSeq + 1) {
                throw new IllegalStateException("node " + nodeId + ": log gap, appending seq " + entry.seq()
                        + " after " + lastSeq);
            }
            if (entry.key().length == 0 || entry.key().length > KEY_BYTES_MAX) {
                throw new IllegalStateException("node " + nodeId + ": entry at seq " + entry.seq() + " has a key of "
                        + entry.key().length + " bytes, outside 1.." + KEY_BYTES_MAX);
            }
            ByteBuffer encoded = valueBuffer(EntryEncoding.entryBytes(entry));
            EntryEncoding.encodeEntry(entry, encoded);
            // MDB_APPEND: keys arrive in order, so LMDB can skip the search and fill pages completely.
            logDb.put(txn, seqKey(entry.seq()), encoded.flip(), PutFlags.MDB_APPEND);
        }

        /** Applies log entries (fromSeq, toSeq] to data, read back inside this transaction, and records toSeq. */
        private void applyCommitted(Txn<ByteBuffer> txn, long fromSeq, long toSeq) {
            for (long seq = fromSeq + 1; seq <= toSeq; seq++) {
                ByteBuffer stored = logDb.get(txn, seqKey(seq));
                if (stored == null) {
                    throw new IllegalStateException("node " + nodeId + ": cannot commit seq " + seq
                            + ", the log does not hold it");
                }
                applyToData(txn, EntryEncoding.decodeEntry(seq, stored));
            }
            committedValue.clear().putLong(toSeq).flip();
            metaDb.put(txn, committedKey, committedValue);
        }

        private void applyToData(Txn<ByteBuffer> txn, LogEntry entry) {
            dataKey.clear().put(entry.key()).flip();
            if (entry.op() == Op.DELETE) {
                dataDb.delete(txn, dataKey); // false when absent: deleting a missing key is fine
                return;
            }
            ByteBuffer encoded = valueBuffer(EntryEncoding.dataBytes(entry.value()));
            EntryEncoding.encodeData(entry.seq(), entry.value(), encoded);
            dataDb.put(txn, dataKey, encoded.flip());
        }

        private ByteBuffer seqKey(long seq) {
            seqKey.clear();
            EntryEncoding.encodeSeqKey(seq, seqKey);
            return seqKey.flip();
        }

        private ByteBuffer valueBuffer(int bytes) {
            if (value.capacity() < bytes) {
                value = ByteBuffer.allocateDirect(Math.max(bytes, value.capacity() * 2));
            }
            return value.clear();
        }
    }
}
