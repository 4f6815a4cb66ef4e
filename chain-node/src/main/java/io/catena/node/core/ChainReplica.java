package io.catena.node.core;

import io.catena.config.ChainConfiguration;
import io.catena.config.NodeDescriptor;
import io.catena.config.Role;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pure replication state machine of one chain node (docs/protocol.md). Inputs are method calls: client
 * writes, link events and peer frames, storage completions, ticks and configurations. Each returns the
 * {@link Effects} to carry out. It performs no I/O, reads no clock ({@code nowMs} is an input) and draws no random
 * number, so the same inputs always give the same effects.
 *
 * <p>Positions, in order: {@code committedSeq <= appliedSeq <= acceptedSeq}. An entry is forwarded downstream only
 * once it is durable here (write-ahead at every hop), so every node's log is a prefix of its predecessor's. The
 * tail commits an entry by making it durable; every other node learns commits from its successor's acks and never
 * passes an ack upstream beyond its own durable seq.
 *
 * <p>Not thread-safe: the runtime calls it from one thread.
 */
public final class ChainReplica {

    private static final Logger log = LoggerFactory.getLogger(ChainReplica.class);
    private static final long NO_LINK = 0;

    private final String selfId;
    private final ReplicaLimits limits;
    private final LogReader logReader;
    private ChainConfiguration configuration;
    private Role role;

    private long acceptedSeq;
    private long acceptedEntryEpoch;
    private long appliedSeq;
    private long committedSeq;
    private final EntryWindow window;

    private DownstreamLink downstream;
    private long nextOutboundLinkId = 1;
    private long connectNotBeforeMs;
    private long upstreamLinkId = NO_LINK;
    private long lastAckCommittedSeq = -1;
    private long[] lastAckDurable = new long[0];

    /** Writes waiting for their commit (ack level all), in seq order. */
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    /** Writes waiting for durability at the first N nodes (ack level head or N), by N, each in seq order. */
    private final Map<Integer, ArrayDeque<Waiter>> durableWaiters = new TreeMap<>();
    private PendingKeys pending = new PendingKeys();
    /** The log holds no entry at or before this seq (compacted, or replaced by a snapshot). */
    private long compactedThroughSeq;
    /** The entryEpoch of the entry at compactedThroughSeq; -1 when unknown. */
    private long compactedEntryEpoch = -1;
    /** The highest commitUpTo handed to storage: at a tail or learner, appends in flight are committed ones. */
    private long commitIssuedSeq;
    /** Installing a snapshot from the predecessor (successor side): persist count -> chunk index, in order. */
    private boolean installingSnapshot;
    private final ArrayDeque<long[]> snapshotPersists = new ArrayDeque<>();
    private long snapshotNextIndex;
    private long snapshotSeq;
    private long snapshotEntryEpoch;
    private long snapshotLastPersist = -1;
    private long snapshotsSent;
    private long snapshotsInstalled;
    private long leaseUntilMs = Long.MIN_VALUE;
    private long leaseEpoch = -1;
    private long previousLeaseUntilMs = Long.MIN_VALUE;
    private long previousLeaseEpoch = -1;
    private long dataCommittedSeq;
    private long readBarrierSeq;
    private boolean upstreamReady;
    private boolean logValidated;
    private ChainConfiguration pendingConfiguration;
    private long pendingConfigurationPersists;
    private long predecessorCommittedSeq;
    private long persistsIssued;
    private long truncationPersistCount;
    private long nowMs;
    private long staleFramesRejected;
    private long corruptFramesRejected;

    private Effects.Builder out = new Effects.Builder();

    /**
     * @param stored the durable position recovered from storage: last seq, its entryEpoch, committed seq
     */
    public ChainReplica(String selfId, ChainConfiguration configuration, ReplicaLimits limits, LogReader logReader,
                        long storedAppliedSeq, long storedEntryEpoch, long storedCommittedSeq) {
        this(selfId, configuration, limits, logReader, storedAppliedSeq, storedEntryEpoch, storedCommittedSeq, 0);
    }

    /** @param storedCompactedSeq the log holds no entry at or before this seq (compaction, snapshot) */
    public ChainReplica(String selfId, ChainConfiguration configuration, ReplicaLimits limits, LogReader logReader,
                        long storedAppliedSeq, long storedEntryEpoch, long storedCommittedSeq,
                        long storedCompactedSeq) {
        this.selfId = Objects.requireNonNull(selfId, "selfId");
        this.configuration = Objects.requireNonNull(configuration, "configuration");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.logReader = Objects.requireNonNull(logReader, "logReader");
        if (storedCommittedSeq > storedAppliedSeq || storedCommittedSeq < 0) {
            throw new IllegalArgumentException("committed " + storedCommittedSeq + " > applied " + storedAppliedSeq);
        }
        this.role = configuration.roleOf(selfId);
        this.acceptedSeq = storedAppliedSeq;
        this.acceptedEntryEpoch = storedEntryEpoch;
        this.appliedSeq = storedAppliedSeq;
        this.committedSeq = storedCommittedSeq;
        this.dataCommittedSeq = storedCommittedSeq;
        this.window = new EntryWindow(storedAppliedSeq + 1);
        if (storedCompactedSeq > storedCommittedSeq) {
            throw new IllegalArgumentException("compacted " + storedCompactedSeq + " > committed " + storedCommittedSeq);
        }
        this.compactedThroughSeq = storedCompactedSeq;
        this.compactedEntryEpoch = storedCompactedSeq == 0 ? 0 : storedAppliedSeq == storedCompactedSeq
                ? storedEntryEpoch : -1;
        this.commitIssuedSeq = storedCommittedSeq;
        for (long seq = storedCommittedSeq + 1; seq <= storedAppliedSeq; seq++) {
            final long missing = seq;
            pending.add(logReader.entry(seq).orElseThrow(
                    () -> new IllegalStateException("the log ends before its applied seq: no entry " + missing)));
        }
        enterRole();
    }

    // ---------------------------------------------------------------- inputs

    /** The runtime is ready: open the successor link and, at the tail, commit what the log already holds. */
    public Effects start(long nowMs) {
        this.nowMs = nowMs;
        commitLocallyIfTail();
        connectIfDue();
        return flush();
    }

    /**
     * The master granted a lease until {@code untilMs} (this node's clock, counted from when its report was sent)
     * for the configuration of {@code epoch}. The head accepts writes and the tail serves reads only while it
     * holds a lease for the epoch it acts in: a lease granted with a newer configuration waits until this node
     * has switched to it, and never revives a role it held in an older one. The lease of the epoch before is
     * kept, so that the node keeps serving while it persists the newer configuration.
     */
    public Effects onLease(long nowMs, long epoch, long untilMs) {
        this.nowMs = nowMs;
        if (epoch > leaseEpoch) {
            previousLeaseEpoch = leaseEpoch;
            previousLeaseUntilMs = leaseUntilMs;
            leaseEpoch = epoch;
            leaseUntilMs = untilMs;
        } else if (epoch == leaseEpoch) {
            leaseUntilMs = Math.max(leaseUntilMs, untilMs);
        } else if (epoch == previousLeaseEpoch) {
            previousLeaseUntilMs = Math.max(previousLeaseUntilMs, untilMs);
        }
        return flush();
    }

    private boolean holdsLease(long nowMs) {
        return currentLeaseUntilMs() > nowMs;
    }

    /** When the lease for the epoch this node acts in runs out (MIN_VALUE when it holds none). */
    private long currentLeaseUntilMs() {
        if (leaseEpoch == configuration.epoch()) {
            return leaseUntilMs;
        }
        return previousLeaseEpoch == configuration.epoch() ? previousLeaseUntilMs : Long.MIN_VALUE;
    }

    /**
     * Whether this node's log holds every committed entry of its configuration: the predecessor's handshake
     * validated it, and it extends at least to the predecessor's durable log end at Hello (and to what its own
     * log held when it took its role). This is what the master needs to know before it relies on the node.
     */
    private boolean holdsCommittedEntries() {
        return role != Role.OUTSIDE && upstreamReady && appliedSeq >= readBarrierSeq;
    }

    /** Whether reads may be served: the log holds every committed entry and they are applied to data too. */
    private boolean isCaughtUp() {
        return holdsCommittedEntries() && dataCommittedSeq >= readBarrierSeq;
    }

    /** Whether a read of committed data may be answered here now, and if not, where or why. */
    public ReadDecision readDecision(long nowMs) {
        if (!role.isTail()) {
            return configuration.isNone() ? new ReadDecision.Unavailable("this node has no configuration yet")
                    : new ReadDecision.Redirect(configuration.tail());
        }
        if (!holdsLease(nowMs)) {
            return new ReadDecision.Unavailable("the tail holds no valid lease from the master");
        }
        if (!isCaughtUp()) {
            return new ReadDecision.Unavailable("the tail is catching up: committed " + dataCommittedSeq + " of "
                    + readBarrierSeq + (upstreamReady ? "" : ", waiting for its predecessor's link"));
        }
        return ReadDecision.SERVE;
    }

    /**
     * A strong read of {@code key} at any node of the chain (CRAQ, docs/consistency.md): served from local data
     * when the key is clean here, else answered by asking the tail for its committed version. A clean key is safe
     * to answer locally because every write the tail commits passed through this node first: a committed write this
     * node's data lacks is still pending here, which makes its key dirty.
     */
    public ReadDecision strongReadDecision(long nowMs, byte[] key) {
        if (role.isTail()) {
            return readDecision(nowMs);
        }
        if (configuration.isNone() || !role.isInChain()) {
            return new ReadDecision.Unavailable(configuration.isNone() ? "this node has no configuration yet"
                    : "this node is not in the chain of epoch " + configuration.epoch());
        }
        if (!holdsLease(nowMs)) {
            return new ReadDecision.Unavailable("this node holds no valid lease from the master");
        }
        if (!upstreamReady || acceptedSeq < readBarrierSeq) {
            return new ReadDecision.Unavailable("this node is catching up: its log holds " + acceptedSeq + " of "
                    + readBarrierSeq + (upstreamReady ? "" : ", waiting for its predecessor's link"));
        }
        return pending.latest(key) == null ? ReadDecision.SERVE : new ReadDecision.AskTail(configuration.tail());
    }

    /** The seq through which this node's data is durably committed: what a read at any node reflects. */
    public long visibleSeq() {
        return dataCommittedSeq;
    }

    /** A client asks the head to append {@code op} on {@code key}, acknowledged once committed. */
    public Effects onClientWrite(long nowMs, long requestId, Op op, byte[] key, byte[] value) {
        return onClientWrite(nowMs, requestId, WriteRequest.of(op, key, value));
    }

    /**
     * A client asks the head to append a write; answered later by a {@link Effect.Reply}: once the write's ack
     * level is met, or at once when it is refused or its precondition fails (then nothing was written).
     */
    public Effects onClientWrite(long nowMs, long requestId, WriteRequest request) {
        this.nowMs = nowMs;
        WriteOutcome refusal = refusal(nowMs, request);
        if (refusal != null) {
            reply(requestId, refusal);
            return flush();
        }
        LogEntry entry = LogEntry.create(acceptedSeq + 1, configuration.epoch(), request.op(), request.key(),
                request.value());
        accept(List.of(entry));
        Waiter waiter = new Waiter(entry.seq(), requestId, nowMs + limits.writeTimeoutMs());
        AckLevel level = request.ack().within(configuration.chain().size());
        if (level.isAll()) {
            waiters.addLast(waiter);
        } else {
            durableWaiters.computeIfAbsent(level.nodes(), n -> new ArrayDeque<>()).addLast(waiter);
        }
        return flush();
    }

    /** Why the head cannot accept {@code request} now, or null when it can. */
    private WriteOutcome refusal(long nowMs, WriteRequest request) {
        if (configuration.isNone()) {
            return new WriteOutcome.Rejected("this node has no configuration yet");
        }
        if (!role.isHead()) {
            return new WriteOutcome.NotHead(configuration.head());
        }
        if (!request.ack().isAll() && request.ack().nodes() > configuration.chain().size()) {
            return new WriteOutcome.Invalid("ack=" + request.ack().wireName() + " asks for more nodes than the chain of "
                    + "epoch " + configuration.epoch() + " has (" + configuration.chain().size() + ")");
        }
        if (!holdsLease(nowMs)) {
            return new WriteOutcome.Rejected("the head holds no valid lease from the master");
        }
        if (acceptedSeq - committedSeq >= limits.pendingWritesMax()) {
            return new WriteOutcome.Rejected("too many writes pending: " + (acceptedSeq - committedSeq)
                    + " uncommitted");
        }
        if (request.precondition() instanceof Precondition.None) {
            return null; // no storage read on the common path
        }
        long currentSeq = currentVersion(request.key());
        return request.precondition().holds(currentSeq) ? null : new WriteOutcome.PreconditionFailed(currentSeq);
    }

    /**
     * The key's latest version in sequence order, as a precondition sees it (0: no value): its latest entry in
     * this node's log if one is still pending, else its committed value. At the head every log entry commits
     * unless the head fails, and then so does every later entry, so conditions checked here hold in any outcome.
     */
    private long currentVersion(byte[] key) {
        PendingKeys.Version version = pending.latest(key);
        return version != null ? version.visibleSeq() : logReader.committedSeqOf(key);
    }

    /**
     * Storage reports its first {@code persistCount} persists durable: the log ends at {@code durableSeq} and data
     * is committed up to {@code durableCommittedSeq}. Reports written before the last log truncation are stale.
     */
    public Effects onDurable(long persistCount, long durableSeq, long durableCommittedSeq) {
        if (persistCount > persistsIssued) {
            throw new IllegalStateException("storage reports " + persistCount + " persists durable, only "
                    + persistsIssued + " were issued");
        }
        if (installingSnapshot) {
            onSnapshotPartsDurable(persistCount);
        }
        if (persistCount < truncationPersistCount) {
            return flush();
        }
        if (durableSeq < appliedSeq || durableSeq > acceptedSeq) {
            throw new IllegalStateException("durable seq " + durableSeq + " outside [" + appliedSeq + ", "
                    + acceptedSeq + "]");
        }
        appliedSeq = durableSeq;
        if (durableCommittedSeq > dataCommittedSeq) {
            dataCommittedSeq = durableCommittedSeq;
            pending.releaseThrough(dataCommittedSeq);
        }
        if (commitsOnArrival() && logValidated) {
            advanceCommit(Math.min(durableCommittedSeq, appliedSeq), false);
        }
        forward();
        ackUpstream();
        completeDurableWaiters();
        compactIfDue();
        if (pendingConfiguration != null && persistCount >= pendingConfigurationPersists) {
            ChainConfiguration next = pendingConfiguration;
            pendingConfiguration = null;
            switchConfiguration(next);
        }
        return flush();
    }

    /** The outbound link {@code linkId} (from a {@link Effect.Connect}) is connected. */
    public Effects onLinkUp(long linkId) {
        if (downstream != null && downstream.linkId == linkId && downstream.state == LinkState.CONNECTING) {
            downstream.state = LinkState.HELLO_SENT;
            send(linkId, new Frame.Hello(configuration.epoch(), selfId, chainCommittedSeq()));
        } else {
            out.add(new Effect.Close(linkId, "no longer wanted"));
        }
        return flush();
    }

    /** A link closed, or an outbound connect failed. */
    public Effects onLinkDown(long nowMs, long linkId) {
        this.nowMs = nowMs;
        if (downstream != null && downstream.linkId == linkId) {
            dropDownstream();
            connectNotBeforeMs = nowMs + limits.reconnectDelayMs();
        } else if (upstreamLinkId == linkId) {
            upstreamLinkId = NO_LINK;
        }
        return flush();
    }

    /** A frame arrived on {@code linkId}. Frames of another epoch are rejected and the link closed. */
    public Effects onFrame(long linkId, Frame frame) {
        if (frame.epoch() != configuration.epoch()) {
            rejectStale(linkId, frame);
        } else if (frame instanceof Frame.Hello hello) {
            onHello(linkId, hello);
        } else if (frame instanceof Frame.Position position) {
            onPosition(linkId, position);
        } else if (frame instanceof Frame.Entries entries) {
            onEntries(linkId, entries);
        } else if (frame instanceof Frame.Ack ack) {
            onAck(linkId, ack);
        } else if (frame instanceof Frame.Truncate truncate) {
            onTruncate(linkId, truncate);
        } else if (frame instanceof Frame.SnapshotChunk chunk) {
            onSnapshotChunk(linkId, chunk);
        } else if (frame instanceof Frame.SnapshotAck ack) {
            onSnapshotAck(linkId, ack);
        } else {
            throw new AssertionError("unknown frame " + frame);
        }
        return flush();
    }

    /** Time passes: expire waiting writes, retry the successor link. */
    public Effects onTick(long nowMs) {
        this.nowMs = nowMs;
        expireWaiters(waiters, "not committed within " + limits.writeTimeoutMs() + " ms");
        durableWaiters.forEach((nodes, queue) -> expireWaiters(queue, "not durable at " + nodes + " node(s) within "
                + limits.writeTimeoutMs() + " ms"));
        connectIfDue();
        return flush();
    }

    /**
     * A newer configuration (from the master's push or report reply). Older or equal epochs are refused and
     * change nothing. The configuration is made durable before this node acts on it, so that the epoch a node
     * acts in never goes backwards, crashes included; {@link #onDurable} then switches to it.
     */
    public Effects onConfiguration(long nowMs, ChainConfiguration next) {
        this.nowMs = nowMs;
        long knownEpoch = Math.max(configuration.epoch(),
                pendingConfiguration == null ? 0 : pendingConfiguration.epoch());
        if (next.epoch() <= knownEpoch) {
            log.debug("ignored configuration epoch {}: already at epoch {}", next.epoch(), knownEpoch);
            return flush();
        }
        persist(new Effect.Persist(List.of(), committedSeq, Effect.Persist.NO_TRUNCATE, next));
        pendingConfiguration = next;
        pendingConfigurationPersists = persistsIssued;
        return flush();
    }

    /**
     * Acts on a durable configuration: links of the old epoch are closed and new ones open with a fresh
     * handshake. Writes waiting at a node that is no longer the head get an unknown outcome: they may still
     * commit through the new chain.
     */
    private void switchConfiguration(ChainConfiguration next) {
        log.info("configuration epoch {} -> {}: chain {}, this node {}", configuration.epoch(), next.epoch(),
                next.chainIds(), next.roleOf(selfId).wireName());
        configuration = next;
        role = next.roleOf(selfId);
        if (installingSnapshot) {
            abortSnapshotInstall("the configuration changed to epoch " + next.epoch());
        }
        closeDownstream("configuration changed to epoch " + next.epoch());
        if (upstreamLinkId != NO_LINK) {
            out.add(new Effect.Close(upstreamLinkId, "configuration changed to epoch " + next.epoch()));
            upstreamLinkId = NO_LINK;
        }
        if (!role.isHead()) {
            String reason = "this node stopped being the head in epoch " + next.epoch();
            failWaiters(waiters, reason);
            durableWaiters.values().forEach(queue -> failWaiters(queue, reason));
        }
        enterRole();
        connectNotBeforeMs = nowMs;
        commitLocallyIfTail();
        connectIfDue();
    }

    /**
     * Resets what a role needs before serving. With a predecessor, this node's log is unvalidated until the link
     * handshake's Truncate says how much of it is common with the chain: until then a tail commits nothing of its
     * own log (it may hold an old head's entries nobody else has) and serves no read.
     */
    private void enterRole() {
        logValidated = configuration.predecessorOf(selfId).isEmpty();
        upstreamReady = logValidated;
        readBarrierSeq = acceptedSeq;
        predecessorCommittedSeq = 0;
    }

    // ---------------------------------------------------------------- frames

    private void onHello(long linkId, Frame.Hello hello) {
        Optional<NodeDescriptor> predecessor = configuration.predecessorOf(selfId);
        if (predecessor.isEmpty() || !predecessor.get().id().equals(hello.fromId())) {
            out.add(new Effect.Close(linkId, "Hello from " + hello.fromId() + " but the predecessor in epoch "
                    + configuration.epoch() + " is " + predecessor.map(NodeDescriptor::id).orElse("nobody")));
            return;
        }
        if (upstreamLinkId != NO_LINK && upstreamLinkId != linkId) {
            out.add(new Effect.Close(upstreamLinkId, "replaced by a new link from " + hello.fromId()));
        }
        upstreamLinkId = linkId;
        predecessorCommittedSeq = hello.committedSeq();
        if (installingSnapshot && snapshotLastPersist >= 0) {
            // every part is on its way to storage: the install completes and reports its Position on this link
            log.info("a new link from {} during the snapshot install at seq {}: reporting once it is installed",
                    hello.fromId(), snapshotSeq);
            return;
        }
        if (installingSnapshot) {
            abortSnapshotInstall("a new link from " + hello.fromId() + " interrupted it");
        }
        sendPosition(linkId);
    }

    private void onPosition(long linkId, Frame.Position position) {
        if (downstream == null || downstream.linkId != linkId || downstream.state != LinkState.HELLO_SENT) {
            protocolViolation(linkId, "unexpected Position");
            return;
        }
        long theirs = position.appliedSeq();
        String divergence = divergence(theirs, position.entryEpochAtApplied(), position.committedSeq());
        if (divergence != null) {
            truncateSuccessor(linkId, position, divergence);
            return;
        }
        if (theirs < compactedThroughSeq) {
            startSnapshot(linkId, theirs);
            return;
        }
        send(linkId, new Frame.Truncate(configuration.epoch(), theirs));
        downstream.state = LinkState.STREAMING;
        downstream.sentSeq = theirs;
        downstream.successorDurableSeq = theirs;
        downstream.handshakePosition = theirs;
        downstream.handshakeResendThrough = appliedSeq;
        log.info("link to {} streaming: successor at seq {}, resending ({}, {}]", downstream.successorId, theirs,
                theirs, appliedSeq);
        forward();
    }

    /**
     * A diverged successor holds entries after its committedSeq that no other node has (an old head's writes that
     * were never forwarded). Entries up to its committedSeq are committed, hence common to every log: it discards
     * the rest and reports again. If even that point is not in our log, it needs a snapshot (not yet supported).
     */
    private void truncateSuccessor(long linkId, Frame.Position position, String divergence) {
        long common = position.committedSeq();
        if (common > appliedSeq) {
            // We are behind our successor's commit point (still catching up from our predecessor): try the
            // handshake again later rather than give up on the link.
            log.info("successor {} has committed through {}, we hold {}; retrying the link after catching up",
                    downstream.successorId, common, appliedSeq);
            closeDownstream("retry after catching up to seq " + common);
            connectNotBeforeMs = nowMs + limits.reconnectDelayMs();
            return;
        }
        if (common >= position.appliedSeq()) {
            log.error("successor {} diverged ({}) within its committed entries: its storage is not this chain's",
                    downstream.successorId, divergence);
            downstream.state = LinkState.DIVERGED;
            return;
        }
        LogEntry ours = common == 0 ? null : entryAt(common);
        if (common > 0 && ours == null && common > compactedThroughSeq) {
            log.error("successor {} diverged ({}) and our log does not hold its commit point {}", downstream.successorId,
                    divergence, common);
            downstream.state = LinkState.DIVERGED;
            return;
        }
        if (ours != null && position.entryEpochAtCommitted() != Frame.Position.NOT_STATED
                && ours.entryEpoch() != position.entryEpochAtCommitted()) {
            log.error("successor {} diverged ({}) and its committed entry {} has entryEpoch {}, ours {}: its storage "
                    + "is not this chain's", downstream.successorId, divergence, common,
                    position.entryEpochAtCommitted(), ours.entryEpoch());
            downstream.state = LinkState.DIVERGED;
            return;
        }
        log.warn("successor {} diverged ({}): telling it to discard its entries after seq {}",
                downstream.successorId, divergence, common);
        send(linkId, new Frame.Truncate(configuration.epoch(), common));
    }

    /**
     * Why a successor at {@code theirSeq} (entry epoch {@code theirEpoch}, committed through
     * {@code theirCommitted}) cannot continue from our log, or null. A position in our compacted past is
     * consistent with us when the successor holds nothing uncommitted: committed entries are the same everywhere.
     */
    private String divergence(long theirSeq, long theirEpoch, long theirCommitted) {
        if (theirSeq > appliedSeq) {
            return "its log ends at seq " + theirSeq + ", after ours at " + appliedSeq;
        }
        if (theirSeq == 0) {
            return null;
        }
        LogEntry ours = entryAt(theirSeq);
        if (ours == null && theirSeq <= compactedThroughSeq) {
            return theirSeq <= theirCommitted ? null : "its uncommitted entries after seq " + theirCommitted
                    + " are in our compacted past and cannot be checked";
        }
        if (ours == null) {
            return "our log does not hold seq " + theirSeq;
        }
        if (ours.entryEpoch() != theirEpoch) {
            return "entry " + theirSeq + " has entryEpoch " + theirEpoch + " there, " + ours.entryEpoch() + " here";
        }
        return null;
    }

    private void onEntries(long linkId, Frame.Entries frame) {
        if (linkId != upstreamLinkId) {
            protocolViolation(linkId, "Entries before Hello");
            return;
        }
        if (!logValidated) {
            protocolViolation(linkId, "Entries before the handshake's Truncate");
            return;
        }
        String invalid = invalidEntries(frame);
        if (invalid != null) {
            corruptFramesRejected++;
            log.warn("rejected Entries {}..{} from upstream: {}", frame.firstSeq(), frame.lastSeq(), invalid);
            out.add(new Effect.Close(linkId, invalid));
            upstreamLinkId = NO_LINK;
            return;
        }
        List<LogEntry> fresh = frame.entries();
        if (frame.firstSeq() <= acceptedSeq) {
            // Overlap with what we already have: keep only the new tail (the handshake normally prevents this).
            int skip = (int) Math.min(fresh.size(), acceptedSeq - frame.firstSeq() + 1);
            fresh = fresh.subList(skip, fresh.size());
        }
        if (!fresh.isEmpty()) {
            accept(fresh);
        }
    }

    /** Null when the frame continues our log with valid, consecutive entries; otherwise the reason. */
    private String invalidEntries(Frame.Entries frame) {
        if (frame.firstSeq() > acceptedSeq + 1) {
            return "gap: expected seq " + (acceptedSeq + 1) + ", got " + frame.firstSeq();
        }
        long expected = frame.firstSeq();
        for (LogEntry entry : frame.entries()) {
            if (entry.seq() != expected++) {
                return "entries not consecutive at seq " + entry.seq();
            }
            if (!entry.crcValid()) {
                return "CRC32C mismatch in entry " + entry.seq();
            }
            if (entry.entryEpoch() > configuration.epoch()) {
                return "entry " + entry.seq() + " from future epoch " + entry.entryEpoch();
            }
        }
        return null;
    }

    /**
     * The handshake's verdict on our log: entries through {@code afterSeq} are common with the chain, anything
     * after it (an old head's writes nobody else saw) is discarded. When nothing is discarded the predecessor
     * streams on; otherwise we report our new Position. Committed entries are never discarded: a Truncate below
     * our committedSeq is refused and the link closed.
     */
    private void onTruncate(long linkId, Frame.Truncate truncate) {
        if (linkId != upstreamLinkId) {
            protocolViolation(linkId, "Truncate before Hello");
            return;
        }
        long afterSeq = truncate.afterSeq();
        if (afterSeq < Math.max(committedSeq, commitIssuedSeq) || afterSeq > acceptedSeq) {
            corruptFramesRejected++;
            log.error("refused Truncate after seq {}: committed {} accepted {}", afterSeq, committedSeq, acceptedSeq);
            out.add(new Effect.Close(linkId, "refused Truncate after " + afterSeq));
            upstreamLinkId = NO_LINK;
            return;
        }
        boolean discards = afterSeq < acceptedSeq;
        if (discards) {
            long lastEpoch = afterSeq == 0 ? 0 : entryEpochAt(afterSeq);
            log.warn("discarding uncommitted log entries ({}, {}]: the chain never had them", afterSeq, acceptedSeq);
            persist(new Effect.Persist(List.of(), committedSeq, afterSeq, null));
            truncationPersistCount = persistsIssued;
            acceptedSeq = afterSeq;
            acceptedEntryEpoch = Math.max(0, lastEpoch);
            window.reset(afterSeq + 1);
            pending.truncateAfter(afterSeq);
        }
        appliedSeq = Math.min(appliedSeq, afterSeq);
        logValidated = true;
        upstreamReady = true;
        readBarrierSeq = Math.max(predecessorCommittedSeq, acceptedSeq);
        commitLocallyIfTail();
        connectIfDue();
        if (discards) {
            sendPosition(linkId);
        }
    }

    private void sendPosition(long linkId) {
        // Appends in flight at a tail or learner carry their commit: a truncation must not go below them either.
        long committed = Math.max(committedSeq, commitIssuedSeq);
        long epochAtCommitted = committed == 0 ? 0 : entryEpochAt(committed);
        send(linkId, new Frame.Position(configuration.epoch(), acceptedSeq, acceptedEntryEpoch, committed,
                epochAtCommitted < 0 ? Frame.Position.NOT_STATED : epochAtCommitted));
        lastAckCommittedSeq = -1;
        ackUpstream();
    }

    private void onAck(long linkId, Frame.Ack ack) {
        if (downstream == null || downstream.linkId != linkId || downstream.state == LinkState.CONNECTING) {
            protocolViolation(linkId, "unexpected Ack");
            return;
        }
        if (downstream.state != LinkState.STREAMING) {
            return; // the successor's log is not (yet) known to agree with ours: its acks say nothing about ours
        }
        downstream.successorDurableSeq = Math.max(downstream.successorDurableSeq, ack.senderDurableSeq());
        downstream.durableBelow = ack.durable();
        if (ack.committedSeq() > appliedSeq) {
            log.warn("successor {} reports commit {} beyond our durable seq {}; committing only to {}",
                    downstream.successorId, ack.committedSeq(), appliedSeq, appliedSeq);
        }
        advanceCommit(Math.min(ack.committedSeq(), appliedSeq), true);
        forward();
        ackUpstream();
        completeDurableWaiters();
    }

    // ---------------------------------------------------------------- snapshots (docs/protocol.md)

    /**
     * Predecessor side: our log no longer holds the entries after the successor's position, so it gets a
     * snapshot of our committed data instead, in chunks, at most {@link ReplicaLimits#SNAPSHOT_CHUNKS_IN_FLIGHT_MAX}
     * ahead of its SnapshotAcks. Compaction stops at the snapshot's seq until the successor streams again, so
     * that the log still holds everything after it.
     */
    private void startSnapshot(long linkId, long theirSeq) {
        SnapshotSource source = logReader.openSnapshot();
        downstream.snapshot = source;
        downstream.snapshotSeq = source.seq();
        downstream.snapshotNextIndex = 0;
        downstream.snapshotAckedIndex = -1;
        downstream.state = LinkState.SNAPSHOT;
        snapshotsSent++;
        log.info("link to {}: its log ends at seq {} and ours starts after {}: sending a snapshot at seq {}",
                downstream.successorId, theirSeq, compactedThroughSeq, source.seq());
        sendSnapshotChunks();
    }

    private void sendSnapshotChunks() {
        while (downstream.snapshot != null && downstream.snapshotNextIndex - downstream.snapshotAckedIndex - 1
                < ReplicaLimits.SNAPSHOT_CHUNKS_IN_FLIGHT_MAX) {
            SnapshotSource source = downstream.snapshot;
            SnapshotSource.Chunk chunk = source.next(limits.snapshotChunkBytes());
            send(downstream.linkId, new Frame.SnapshotChunk(configuration.epoch(), source.seq(), source.entryEpoch(),
                    downstream.snapshotNextIndex++, chunk.last(), chunk.items()));
            if (chunk.last()) {
                source.close();
                downstream.snapshot = null;
                downstream.state = LinkState.HELLO_SENT; // the successor reports its Position once installed
            }
        }
    }

    private void onSnapshotAck(long linkId, Frame.SnapshotAck ack) {
        if (downstream == null || downstream.linkId != linkId || downstream.snapshotSeq < 0
                || ack.index() >= downstream.snapshotNextIndex) {
            protocolViolation(linkId, "unexpected SnapshotAck " + ack.index());
            return;
        }
        downstream.snapshotAckedIndex = Math.max(downstream.snapshotAckedIndex, ack.index());
        sendSnapshotChunks();
    }

    /**
     * Successor side: a part of a snapshot. Part 0 discards our log and data (in storage, with the part's
     * persist; here, at once: positions start from nothing); parts must come in order; once the last part is
     * durable we hold the predecessor's committed data at its seq and report our Position again.
     */
    private void onSnapshotChunk(long linkId, Frame.SnapshotChunk chunk) {
        if (linkId != upstreamLinkId) {
            protocolViolation(linkId, "SnapshotChunk before Hello");
            return;
        }
        if (chunk.index() == 0) {
            if (chunk.snapshotSeq() < committedSeq) {
                corruptFramesRejected++;
                log.error("refused a snapshot at seq {}: this node has committed through {}", chunk.snapshotSeq(),
                        committedSeq);
                out.add(new Effect.Close(linkId, "snapshot behind our commit point"));
                upstreamLinkId = NO_LINK;
                return;
            }
            beginSnapshotInstall(chunk);
        } else if (!installingSnapshot || chunk.index() != snapshotNextIndex || chunk.snapshotSeq() != snapshotSeq) {
            protocolViolation(linkId, "snapshot chunk " + chunk.index() + " at seq " + chunk.snapshotSeq()
                    + " out of order");
            return;
        }
        persist(Effect.Persist.snapshot(new Effect.SnapshotPart(chunk.snapshotSeq(), chunk.entryEpoch(),
                chunk.index() == 0, chunk.last(), chunk.items())));
        if (chunk.index() == 0) {
            truncationPersistCount = persistsIssued; // reports of persists before the snapshot are stale
        }
        snapshotPersists.addLast(new long[] {persistsIssued, chunk.index()});
        snapshotNextIndex = chunk.index() + 1;
        if (chunk.last()) {
            snapshotLastPersist = persistsIssued;
        }
    }

    private void beginSnapshotInstall(Frame.SnapshotChunk chunk) {
        log.warn("installing a snapshot at seq {} from the predecessor: discarding this node's log (through {}) "
                + "and data", chunk.snapshotSeq(), acceptedSeq);
        closeDownstream("installing a snapshot");
        String reason = "this node is installing a snapshot";
        failWaiters(waiters, reason);
        durableWaiters.values().forEach(queue -> failWaiters(queue, reason));
        installingSnapshot = true;
        snapshotSeq = chunk.snapshotSeq();
        snapshotEntryEpoch = chunk.entryEpoch();
        snapshotPersists.clear();
        snapshotLastPersist = -1;
        acceptedSeq = appliedSeq = committedSeq = dataCommittedSeq = commitIssuedSeq = 0;
        acceptedEntryEpoch = 0;
        compactedThroughSeq = 0;
        compactedEntryEpoch = 0;
        readBarrierSeq = 0;
        logValidated = false;
        upstreamReady = false;
        window.reset(1);
        pending = new PendingKeys();
    }

    /**
     * Gives up an install whose parts stopped coming: storage is told to empty the log and the data as well (a
     * snapshot part that is first and last, at seq 0), so that storage and this replica agree on an empty state and
     * the in-progress mark is cleared; the predecessor then starts over from our empty Position.
     */
    private void abortSnapshotInstall(String why) {
        log.warn("abandoning the snapshot install at seq {} ({}): starting from an empty log", snapshotSeq, why);
        persist(Effect.Persist.snapshot(new Effect.SnapshotPart(0, 0, true, true, List.of())));
        truncationPersistCount = persistsIssued;
        installingSnapshot = false;
        snapshotPersists.clear();
        snapshotLastPersist = -1;
        acceptedSeq = appliedSeq = committedSeq = dataCommittedSeq = commitIssuedSeq = 0;
        acceptedEntryEpoch = 0;
        compactedThroughSeq = 0;
        compactedEntryEpoch = 0;
        window.reset(1);
        pending = new PendingKeys();
    }

    /** Acks durable snapshot parts; after the last one, takes the snapshot's position and reports it. */
    private void onSnapshotPartsDurable(long persistCount) {
        long ackIndex = -1;
        while (!snapshotPersists.isEmpty() && snapshotPersists.peekFirst()[0] <= persistCount) {
            ackIndex = snapshotPersists.removeFirst()[1];
        }
        if (ackIndex >= 0 && upstreamLinkId != NO_LINK) {
            send(upstreamLinkId, new Frame.SnapshotAck(configuration.epoch(), ackIndex));
        }
        if (snapshotLastPersist < 0 || persistCount < snapshotLastPersist) {
            return;
        }
        installingSnapshot = false;
        snapshotsInstalled++;
        acceptedSeq = appliedSeq = committedSeq = dataCommittedSeq = commitIssuedSeq = snapshotSeq;
        acceptedEntryEpoch = snapshotEntryEpoch;
        compactedThroughSeq = snapshotSeq;
        compactedEntryEpoch = snapshotEntryEpoch;
        window.reset(snapshotSeq + 1);
        truncationPersistCount = snapshotLastPersist;
        snapshotLastPersist = -1;
        log.info("installed the snapshot at seq {}; reporting the new position to the predecessor", snapshotSeq);
        if (upstreamLinkId != NO_LINK) {
            sendPosition(upstreamLinkId);
        }
    }

    /**
     * Deletes committed log entries more than {@link ReplicaLimits#logRetentionEntries} behind the commit point,
     * never any a successor may still need: past the successor's durable seq while streaming, past the snapshot's
     * seq while one is being sent, anything during a handshake. A successor that is away loses nothing it needs:
     * it gets a snapshot when it comes back.
     */
    private void compactIfDue() {
        long target = Math.min(dataCommittedSeq - limits.logRetentionEntries(), compactionHoldSeq());
        long batch = Math.max(1, limits.logRetentionEntries() / 4);
        if (target - compactedThroughSeq >= batch) {
            long epochAtTarget = entryEpochAt(target);
            persist(Effect.Persist.compaction(committedSeq, target));
            compactedThroughSeq = target;
            compactedEntryEpoch = epochAtTarget;
        }
    }

    private long compactionHoldSeq() {
        if (downstream == null || downstream.state == LinkState.CONNECTING || downstream.state == LinkState.DIVERGED) {
            return Long.MAX_VALUE;
        }
        if (downstream.snapshotSeq >= 0 && downstream.state != LinkState.STREAMING) {
            return downstream.snapshotSeq;
        }
        return downstream.state == LinkState.STREAMING ? downstream.successorDurableSeq : compactedThroughSeq;
    }

    // ---------------------------------------------------------------- transitions

    /** Hands new entries to storage; the tail commits them in the same persist. */
    private void accept(List<LogEntry> entries) {
        for (LogEntry entry : entries) {
            window.append(entry);
            pending.add(entry);
        }
        LogEntry last = entries.get(entries.size() - 1);
        acceptedSeq = last.seq();
        acceptedEntryEpoch = last.entryEpoch();
        persist(new Effect.Persist(entries, commitsOnArrival() && logValidated ? acceptedSeq : committedSeq));
    }

    /**
     * Moves committedSeq forward to {@code seq}. At the tail the commit was already made durable by the persist
     * that appended the entry; elsewhere ({@code persist}) the commit is applied to data by a new persist.
     */
    private void advanceCommit(long seq, boolean persist) {
        if (seq <= committedSeq) {
            return;
        }
        committedSeq = seq;
        if (persist) {
            persist(new Effect.Persist(List.of(), committedSeq));
        }
        long deliveredSeq = downstream == null ? committedSeq : Math.min(committedSeq, downstream.sentSeq);
        window.dropThrough(Math.min(committedSeq, deliveredSeq));
        while (!waiters.isEmpty() && waiters.peekFirst().seq <= committedSeq) {
            Waiter waiter = waiters.removeFirst();
            reply(waiter.requestId, new WriteOutcome.Committed(waiter.seq));
        }
        completeDurableWaiters();
    }

    /**
     * Answers writes whose ack level is met: the N-th node of the chain reported the entry durable (by write-ahead
     * at every hop, so did the N-1 before it), or the entry committed, which makes it durable at every node.
     */
    private void completeDurableWaiters() {
        if (durableWaiters.isEmpty()) {
            return;
        }
        long[] durable = durableVector();
        for (Map.Entry<Integer, ArrayDeque<Waiter>> level : durableWaiters.entrySet()) {
            int nodes = level.getKey();
            long durableSeq = Math.max(committedSeq, nodes <= durable.length ? durable[nodes - 1] : 0);
            ArrayDeque<Waiter> queue = level.getValue();
            while (!queue.isEmpty() && queue.peekFirst().seq <= durableSeq) {
                Waiter waiter = queue.removeFirst();
                reply(waiter.requestId, new WriteOutcome.Durable(waiter.seq, new AckLevel(nodes)));
            }
        }
    }

    private void expireWaiters(ArrayDeque<Waiter> queue, String reason) {
        while (!queue.isEmpty() && queue.peekFirst().deadlineMs <= nowMs) {
            Waiter waiter = queue.removeFirst();
            reply(waiter.requestId, new WriteOutcome.OutcomeUnknown(waiter.seq, reason));
        }
    }

    private void failWaiters(ArrayDeque<Waiter> queue, String reason) {
        while (!queue.isEmpty()) {
            Waiter waiter = queue.removeFirst();
            reply(waiter.requestId, new WriteOutcome.OutcomeUnknown(waiter.seq, reason));
        }
    }

    /** At the tail, whatever is in the log is committed: the tail's append is the commit. */
    private void commitLocallyIfTail() {
        if (commitsOnArrival() && logValidated && acceptedSeq > committedSeq) {
            persist(new Effect.Persist(List.of(), acceptedSeq));
        }
    }

    /**
     * The tail commits what it appends; a learner only ever receives entries the tail (or the learner before
     * it) has, which are committed, so it applies them on arrival too. Neither waits for acks.
     */
    private boolean commitsOnArrival() {
        return role.isTail() || role == Role.LEARNER;
    }

    /** Sends durable entries the successor lacks, within the replication window. */
    private void forward() {
        if (downstream == null || downstream.state != LinkState.STREAMING) {
            return;
        }
        long limitSeq = Math.min(appliedSeq, downstream.successorDurableSeq + limits.replicationWindowEntries());
        while (downstream.sentSeq < limitSeq) {
            List<LogEntry> batch = new ArrayList<>();
            long bytes = 0;
            for (long seq = downstream.sentSeq + 1; seq <= limitSeq; seq++) {
                LogEntry entry = entryAt(seq);
                if (entry == null) {
                    log.warn("cannot forward seq {} to {}: compacted from the log; re-opening the link (the "
                            + "handshake sends a snapshot)", seq, downstream.successorId);
                    closeDownstream("seq " + seq + " was compacted");
                    connectNotBeforeMs = nowMs + limits.reconnectDelayMs();
                    return;
                }
                if (!batch.isEmpty() && bytes + entry.sizeBytes() > limits.frameBytesMax()) {
                    break;
                }
                batch.add(entry);
                bytes += entry.sizeBytes();
            }
            if (batch.isEmpty()) {
                return;
            }
            send(downstream.linkId, new Frame.Entries(configuration.epoch(), batch));
            downstream.sentSeq = batch.get(batch.size() - 1).seq();
        }
    }

    /** Tells the predecessor our commit and durability, when either changed since the last Ack. */
    private void ackUpstream() {
        if (upstreamLinkId == NO_LINK) {
            return;
        }
        long[] durable = durableVector();
        if (committedSeq == lastAckCommittedSeq && Arrays.equals(durable, lastAckDurable)) {
            return;
        }
        lastAckCommittedSeq = committedSeq;
        lastAckDurable = durable;
        send(upstreamLinkId, new Frame.Ack(configuration.epoch(), committedSeq, durable));
    }

    /** [our durable seq, then the durable seqs our successor reported for itself and the nodes below it]. */
    private long[] durableVector() {
        long[] below = downstream == null ? new long[0] : downstream.durableBelow;
        long[] vector = new long[below.length + 1];
        vector[0] = appliedSeq;
        System.arraycopy(below, 0, vector, 1, below.length);
        return vector;
    }

    /**
     * Opens the successor link, but only once our own log is validated: an unvalidated log may hold an old
     * head's entries, which must never reach (and be committed by) a successor.
     */
    private void connectIfDue() {
        Optional<NodeDescriptor> successor = configuration.successorOf(selfId);
        if (successor.isEmpty() || downstream != null || nowMs < connectNotBeforeMs || !logValidated) {
            return;
        }
        downstream = new DownstreamLink(nextOutboundLinkId++, successor.get().id());
        out.add(new Effect.Connect(downstream.linkId, successor.get()));
    }

    private void closeDownstream(String reason) {
        if (downstream != null) {
            out.add(new Effect.Close(downstream.linkId, reason));
            dropDownstream();
        }
    }

    /** Forgets the successor link, releasing a snapshot it was reading. */
    private void dropDownstream() {
        if (downstream != null && downstream.snapshot != null) {
            downstream.snapshot.close();
        }
        downstream = null;
    }

    /**
     * A frame of another epoch is never applied. An older one comes from a node that missed a reconfiguration
     * (counted in staleFramesRejected); a newer one from a neighbour that switched first: the link is closed and
     * reopened after the reconnect delay, by which time this node has usually switched too.
     */
    private void rejectStale(long linkId, Frame frame) {
        boolean older = frame.epoch() < configuration.epoch();
        String reason = "frame " + frame.getClass().getSimpleName() + " carries epoch " + frame.epoch()
                + ", this node is at epoch " + configuration.epoch();
        if (older) {
            staleFramesRejected++;
            log.warn("rejected {}", reason);
        } else {
            log.info("rejected {} (not switched yet)", reason);
        }
        out.add(new Effect.Close(linkId, reason));
        forgetLink(linkId);
    }

    private void protocolViolation(long linkId, String what) {
        corruptFramesRejected++;
        log.warn("protocol violation on link {}: {}; closing it", linkId, what);
        out.add(new Effect.Close(linkId, what));
        forgetLink(linkId);
    }

    private void forgetLink(long linkId) {
        if (downstream != null && downstream.linkId == linkId) {
            dropDownstream();
            connectNotBeforeMs = nowMs + limits.reconnectDelayMs();
        } else if (upstreamLinkId == linkId) {
            upstreamLinkId = NO_LINK;
        }
    }

    private LogEntry entryAt(long seq) {
        LogEntry entry = window.get(seq);
        return entry != null ? entry : logReader.entry(seq).orElse(null);
    }

    /** The entryEpoch of the entry at {@code seq}, also at the compaction point; -1 when not known. */
    private long entryEpochAt(long seq) {
        LogEntry entry = entryAt(seq);
        if (entry != null) {
            return entry.entryEpoch();
        }
        return seq == compactedThroughSeq ? compactedEntryEpoch : -1;
    }

    /**
     * The read barrier this node hands its successor: its durable log end, or what its own predecessor's Hello
     * said if higher. By write-ahead at every hop, anything any tail (current or past) could have committed and
     * shown to a reader is in every log upstream of it; so a new tail that has committed this far misses no such
     * write, whichever old tail committed it and however the chain changed since.
     */
    private long chainCommittedSeq() {
        return Math.max(appliedSeq, predecessorCommittedSeq);
    }

    private void persist(Effect.Persist persist) {
        persistsIssued++;
        if (persist.snapshot() == null) {
            commitIssuedSeq = Math.max(commitIssuedSeq, persist.commitUpTo());
        }
        out.add(persist);
    }

    private void send(long linkId, Frame frame) {
        out.add(new Effect.Send(linkId, frame));
    }

    private void reply(long requestId, WriteOutcome outcome) {
        out.add(new Effect.Reply(requestId, outcome));
    }

    private Effects flush() {
        Effects effects = out.build();
        out = new Effects.Builder();
        return effects;
    }

    // ---------------------------------------------------------------- queries

    public Role role() {
        return role;
    }

    public ChainConfiguration configuration() {
        return configuration;
    }

    public long committedSeq() {
        return committedSeq;
    }

    /** Persists issued so far (storage reports its progress in the same count). */
    long persistsIssued() {
        return persistsIssued;
    }

    public ReplicaStatus status() {
        ReplicaStatus.Downstream link = downstream == null ? null : new ReplicaStatus.Downstream(
                downstream.successorId, downstream.state.name().toLowerCase(java.util.Locale.ROOT),
                downstream.sentSeq, downstream.successorDurableSeq, downstream.handshakePosition,
                downstream.handshakeResendThrough);
        return new ReplicaStatus(selfId, role, configuration.epoch(), acceptedSeq, appliedSeq, committedSeq,
                configuration.predecessorOf(selfId).map(NodeDescriptor::id).orElse(null),
                configuration.successorOf(selfId).map(NodeDescriptor::id).orElse(null), link,
                upstreamLinkId != NO_LINK,
                waiters.size() + durableWaiters.values().stream().mapToInt(ArrayDeque::size).sum(), staleFramesRejected, corruptFramesRejected,
                holdsCommittedEntries(), currentLeaseUntilMs(), compactedThroughSeq, installingSnapshot,
                snapshotsSent, snapshotsInstalled);
    }

    private static List<String> ids(List<NodeDescriptor> nodes) {
        return nodes.stream().map(NodeDescriptor::id).toList();
    }

    // ---------------------------------------------------------------- state records

    private enum LinkState { CONNECTING, HELLO_SENT, SNAPSHOT, STREAMING, DIVERGED }

    private static final class DownstreamLink {
        final long linkId;
        final String successorId;
        LinkState state = LinkState.CONNECTING;
        long sentSeq;
        long successorDurableSeq;
        long[] durableBelow = new long[0];
        long handshakePosition = -1;
        long handshakeResendThrough = -1;
        /** The snapshot being sent (state SNAPSHOT), its next chunk and the last chunk the successor acked. */
        SnapshotSource snapshot;
        long snapshotSeq = -1;
        long snapshotNextIndex;
        long snapshotAckedIndex = -1;

        DownstreamLink(long linkId, String successorId) {
            this.linkId = linkId;
            this.successorId = successorId;
        }
    }

    private record Waiter(long seq, long requestId, long deadlineMs) {
    }
}
