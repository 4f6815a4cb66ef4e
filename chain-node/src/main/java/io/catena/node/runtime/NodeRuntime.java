package io.catena.node.runtime;

import io.catena.config.ChainConfiguration;
import io.catena.config.HostPort;
import io.catena.config.NodeReport;
import io.catena.config.ReportReply;
import io.catena.config.NodeDescriptor;
import io.catena.config.NodeSettings;
import io.catena.node.api.HttpApi;
import io.catena.node.core.ChainReplica;
import io.catena.node.core.Effect;
import io.catena.node.core.Effects;
import io.catena.node.core.Frame;
import io.catena.node.core.Op;
import io.catena.node.core.ReadDecision;
import io.catena.node.core.ReplicaLimits;
import io.catena.node.core.ReplicaStatus;
import io.catena.node.core.WriteOutcome;
import io.catena.node.core.WriteRequest;
import io.catena.node.storage.DurabilityListener;
import io.catena.node.storage.Storage;
import io.catena.node.storage.StoredState;
import io.catena.node.storage.ScanItem;
import io.catena.node.storage.StoredValue;
import java.util.List;
import io.catena.node.transport.PeerTransport;
import io.catena.node.transport.VertxPeerTransport;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the pure {@link ChainReplica} to the world: storage, the peer transport, the HTTP API and a timer. Every
 * input reaches the replica on this verticle's event loop, and the effects it returns are carried out here, in
 * the order {@link Effects} documents: persist, then network, then replies.
 */
public final class NodeRuntime extends VerticleBase implements PeerTransport.Listener, DurabilityListener {

    private static final Logger log = LoggerFactory.getLogger(NodeRuntime.class);

    private final NodeSettings settings;
    private final Storage storage;
    private final Consumer<Throwable> onFatal;
    private final NodeMetrics metrics;
    private final Map<Long, Promise<WriteOutcome>> pendingWrites = new HashMap<>();
    /** Reads waiting for this node to commit through their min_seq, lowest seq first. */
    private final PriorityQueue<SeqWaiter> seqWaiters = new PriorityQueue<>(
            java.util.Comparator.comparingLong(SeqWaiter::seq));
    private ChainReplica replica;
    private VertxPeerTransport transport;
    private HttpServer httpServer;
    private ControlPlaneClient controlPlane;
    private NodeMembership membership;
    private Future<Void> membershipStarted = Future.succeededFuture();
    private HostPort masterHttp;
    /** The masters in the membership view, oldest first (empty before the view). */
    private List<HostPort> knownMasters = List.of();
    private long nextRequestId = 1;
    private long tickTimer = -1;
    private long loggedEpoch = -1;

    /**
     * @param storage opened storage; the runtime takes it over and closes it on stop
     * @param onFatal called (on any thread) when the node can no longer keep its promises, e.g. storage failed
     */
    public NodeRuntime(NodeSettings settings, Storage storage, Consumer<Throwable> onFatal) {
        this.settings = settings;
        this.storage = storage;
        this.onFatal = onFatal;
        this.metrics = new NodeMetrics(settings.id());
    }

    @Override
    public Future<?> start() {
        StoredState stored = storage.recovered();
        ChainConfiguration configuration = settings.isStatic() ? settings.configuration() : stored.configuration();
        replica = new ChainReplica(settings.id(), configuration, limits(settings), storage,
                stored.appliedSeq(), stored.lastEntryEpoch(), stored.committedSeq(), stored.compactedSeq());
        log.info("recovered log through seq {} (entry epoch {}), committed through {}", stored.appliedSeq(),
                stored.lastEntryEpoch(), stored.committedSeq());
        storage.setDurabilityListener(this);
        transport = new VertxPeerTransport(vertx, settings.self().replication().host(), settings.frameBytesMax(),
                (int) Math.max(1000, settings.reconnectDelayMs() * 5));
        transport.setListener(this);
        metrics.bindReplica(replica::status, this::leaseLeftMs, NodeRuntime::nowMs);
        storage.bindMetrics(metrics.registry());
        transport.bindMetrics(metrics.registry());
        HttpApi api = new HttpApi(this, settings);
        return transport.listen(settings.replicationBind())
                .compose(net -> api.listen(vertx, settings.httpBind()))
                .onSuccess(server -> {
                    httpServer = server;
                    apply(replica.start(nowMs()));
                    if (settings.isStatic()) {
                        // no master: nobody can remove us
                        apply(replica.onLease(nowMs(), settings.configuration().epoch(), Long.MAX_VALUE));
                    } else {
                        startControlPlane();
                    }
                    tickTimer = vertx.setPeriodic(settings.tickIntervalMs(), id -> apply(replica.onTick(nowMs())));
                    log.info("node {} serving HTTP on {} and replication on {} as {}", settings.id(),
                            settings.httpBind(), settings.replicationBind(), replica.role().wireName());
                });
    }

    /** Reports to the master (first the configured address, then the one membership names) and joins membership. */
    private void startControlPlane() {
        masterHttp = settings.masterHttp();
        controlPlane = new ControlPlaneClient(vertx, settings.self().http().host(), settings.reportIntervalMs(),
                this::report, () -> masterHttp, this::onReportReply, this::onActiveMaster, this::tryAnotherMaster);
        controlPlane.start();
        membership = new NodeMembership(settings, masters -> context.runOnContext(v -> {
            knownMasters = masters;
            onActiveMaster(masters.get(0));
        }));
        membershipStarted = vertx.<Void>executeBlocking(() -> {
            membership.start();
            return null;
        }, false).onFailure(e -> log.error("could not join the membership cluster; reporting to {} only",
                masterHttp, e));
    }

    /**
     * A report failed: the next goes to the next master of the membership view (oldest first, round the list), so
     * that a node whose hint names a master cut off from the others finds the one that leads. The next change of
     * the view points it at the oldest again.
     */
    private void tryAnotherMaster() {
        if (knownMasters.size() < 2) {
            return;
        }
        int index = knownMasters.indexOf(masterHttp);
        masterHttp = knownMasters.get((index + 1) % knownMasters.size());
    }

    /** Where reports go from now on: named by the membership view or by a master's redirect (event loop). */
    private void onActiveMaster(HostPort master) {
        if (!master.equals(masterHttp)) {
            log.info("active master is now at {}", master);
            masterHttp = master;
        }
    }

    private NodeReport report() {
        ReplicaStatus status = replica.status();
        return new NodeReport(settings.self(), status.epoch(), status.role(), status.appliedSeq(),
                status.committedSeq(), status.caughtUp());
    }

    private void onReportReply(long sentAtMs, ReportReply reply) {
        apply(replica.onConfiguration(nowMs(), reply.configuration()));
        if (reply.leaseMs() > 0) {
            apply(replica.onLease(nowMs(), reply.configuration().epoch(), sentAtMs + reply.leaseMs()));
        }
    }

    /** A configuration pushed by the master; returns the epoch this node holds afterwards. */
    public long onPushedConfiguration(ChainConfiguration configuration) {
        apply(replica.onConfiguration(nowMs(), configuration));
        return replica.configuration().epoch();
    }

    @Override
    public Future<?> stop() {
        vertx.cancelTimer(tickTimer);
        if (controlPlane != null) {
            controlPlane.stop();
        }
        // Leave only once joining has finished: a join still running when Vert.x closes would complete on a dead
        // event loop.
        Future<Void> leave = membership == null ? Future.succeededFuture()
                : membershipStarted.transform(joined -> vertx.executeBlocking(() -> {
                    membership.close();
                    return null;
                }));
        Future<Void> http = httpServer == null ? Future.succeededFuture() : httpServer.close();
        return http.compose(v -> transport.shutdown()).eventually(() -> leave).eventually(() -> {
            storage.close();
            metrics.close();
            return Future.succeededFuture();
        });
    }

    // ------------------------------------------------------------ API for the HTTP layer (event loop only)

    /** Submits a client write; completes when the replica decides its outcome. */
    public Future<WriteOutcome> write(WriteRequest request) {
        long requestId = nextRequestId++;
        Promise<WriteOutcome> promise = Promise.promise();
        pendingWrites.put(requestId, promise);
        apply(replica.onClientWrite(nowMs(), requestId, request));
        return promise.future();
    }

    /** Whether a strong read of {@code key} may be served here, or must ask the tail, or cannot be served. */
    public ReadDecision strongReadDecision(byte[] key) {
        return replica.strongReadDecision(nowMs(), key);
    }

    /**
     * Completes with true once this node's data is committed through {@code seq} (at once if it already is), or
     * with false after {@code waitMs}.
     */
    public Future<Boolean> awaitVisible(long seq, long waitMs) {
        if (replica.visibleSeq() >= seq) {
            return Future.succeededFuture(true);
        }
        Promise<Boolean> promise = Promise.promise();
        SeqWaiter waiter = new SeqWaiter(seq, promise);
        seqWaiters.add(waiter);
        vertx.setTimer(Math.max(1, waitMs), id -> {
            if (seqWaiters.remove(waiter)) {
                promise.complete(false);
            }
        });
        return promise.future();
    }

    /** The seq through which this node's data is committed: what any read here reflects. */
    public long visibleSeq() {
        return replica.visibleSeq();
    }

    /** Where writes are accepted: empty when here, else the head to redirect to. */
    public Optional<NodeDescriptor> writeRedirect() {
        ChainConfiguration configuration = replica.configuration();
        return replica.role().isHead() || configuration.isNone() ? Optional.empty()
                : Optional.of(configuration.head());
    }

    /** Whether a read of committed data may be served here now. */
    public ReadDecision readDecision() {
        return replica.readDecision(nowMs());
    }

    public List<ScanItem> scan(byte[] prefix, byte[] after, int limit) {
        return storage.scan(prefix, after, limit);
    }

    public Optional<StoredValue> read(byte[] key) {
        return storage.get(key);
    }

    public ReplicaStatus status() {
        return replica.status();
    }

    /** A digest of the committed data, from one consistent view (runs on the caller's thread: a full scan). */
    public io.catena.node.storage.DataDigest digest() {
        return storage.digest();
    }

    /** The registry {@code GET /metrics} writes (docs/operations.md). */
    public io.micrometer.prometheusmetrics.PrometheusMeterRegistry metricsRegistry() {
        return metrics.registry();
    }

    /** Reads the replica's state into the gauges before a scrape (event loop only). */
    public void refreshMetrics() {
        metrics.refresh();
    }

    /** How much longer this node's lease for its current configuration runs, ms; 0 when it holds none. */
    public long leaseLeftMs() {
        long untilMs = replica.status().leaseUntilMs();
        long nowMs = nowMs();
        return untilMs > nowMs ? untilMs - nowMs : 0;
    }

    // ------------------------------------------------------------ inputs from transport and storage

    @Override
    public void linkUp(long linkId) {
        apply(replica.onLinkUp(linkId));
    }

    @Override
    public void linkDown(long linkId, String reason) {
        log.debug("link {} down: {}", linkId, reason);
        apply(replica.onLinkDown(nowMs(), linkId));
    }

    @Override
    public void frame(long linkId, Frame frame) {
        apply(replica.onFrame(linkId, frame));
    }

    /** Called on the storage writer's thread: hop onto the event loop. */
    @Override
    public void durable(long persistCount, long appliedSeq, long committedSeq) {
        context.runOnContext(v -> {
            metrics.durableThrough(appliedSeq, committedSeq, nowMs());
            apply(replica.onDurable(persistCount, appliedSeq, committedSeq));
        });
    }

    @Override
    public void failed(Throwable cause) {
        log.error("storage failed; this node stops (fail-stop) so that nothing unsafe is acknowledged", cause);
        onFatal.accept(cause);
    }

    // ------------------------------------------------------------ effects

    private void apply(Effects effects) {
        for (Effect.Persist persist : effects.persists()) {
            storage.submit(persist);
        }
        for (Effect effect : effects.network()) {
            if (effect instanceof Effect.Connect connect) {
                transport.connect(connect.linkId(), connect.successor().replication());
            } else if (effect instanceof Effect.Send send) {
                transport.send(send.linkId(), send.frame());
            } else if (effect instanceof Effect.Close close) {
                transport.close(close.linkId(), close.reason());
            } else {
                throw new AssertionError("unexpected network effect " + effect);
            }
        }
        for (Effect.Reply reply : effects.replies()) {
            Promise<WriteOutcome> promise = pendingWrites.remove(reply.requestId());
            if (promise != null) {
                promise.complete(reply.outcome());
            }
        }
        releaseSeqWaiters();
        updateLogContext();
    }

    private void releaseSeqWaiters() {
        long visible = replica.visibleSeq();
        while (!seqWaiters.isEmpty() && seqWaiters.peek().seq() <= visible) {
            seqWaiters.poll().promise().complete(true);
        }
    }

    private record SeqWaiter(long seq, Promise<Boolean> promise) {
    }

    private void updateLogContext() {
        long epoch = replica.configuration().epoch();
        if (epoch != loggedEpoch) {
            loggedEpoch = epoch;
            LogContext.set(settings.id(), epoch, replica.role().wireName());
        }
    }

    static long nowMs() {
        return System.nanoTime() / 1_000_000;
    }

    static ReplicaLimits limits(NodeSettings settings) {
        return new ReplicaLimits(settings.pendingWritesMax(), settings.replicationWindowEntries(),
                settings.frameBytesMax() - 1024, settings.writeTimeoutMs(), settings.reconnectDelayMs(),
                settings.logRetentionEntries(), settings.snapshotChunkBytes());
    }
}
