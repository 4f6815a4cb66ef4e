package io.catena.master.runtime;

import io.catena.config.ChainConfiguration;
import io.catena.config.ControlPlaneJson;
import io.catena.config.HostPort;
import io.catena.config.MasterSettings;
import io.catena.config.NodeDescriptor;
import io.catena.config.NodeReport;
import io.catena.config.ReportReply;
import io.catena.master.api.HttpApi;
import io.catena.master.core.Acceptor;
import io.catena.master.core.AcceptorState;
import io.catena.master.core.BallotMessage;
import io.catena.master.core.ChainView;
import io.catena.master.core.Coordinator;
import io.catena.master.core.CoordinatorSettings;
import io.catena.master.core.Install;
import io.catena.master.core.Leadership;
import io.catena.master.core.LeadershipSettings;
import io.catena.master.core.Removal;
import io.catena.master.store.ConfigurationStore;
import io.catena.membership.MemberInfo;
import io.catena.membership.Membership;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the pure {@link Coordinator}, {@link Acceptor} and {@link Leadership} to the world: the configuration
 * store, the HTTP API, the other masters ({@link MasterPeers}), membership, a timer and the configuration pushes.
 * Every input reaches the cores on this verticle's event loop.
 *
 * <p><b>Several masters</b> (docs/master.md). The oldest master in the membership tries to lead: its
 * {@link Leadership} prepares a ballot with every master; once a majority promised, it re-proposes the latest
 * accepted configuration, and once that is chosen it starts a {@link Coordinator} from it, which changes nothing
 * for {@code masterConfirmMs} plus one lease. Every configuration the coordinator installs is proposed and pushed
 * only once a majority has accepted it. A master that does not lead has no coordinator: it answers reports and
 * admin actions with a redirect to the master it believes active, and grants no lease. A lone master (the
 * default) is its own majority: it leads from the start, synchronously, exactly as before several masters.
 *
 * <p><b>Start order.</b> Load the store, then serve HTTP, then join the membership in the background. A restarted
 * master must answer the nodes' reports within about a second or their leases lapse, and joining Hazelcast takes
 * about two; until the membership view is established the coordinator decides nothing and grants leases to the
 * stored chain's nodes (see {@link Coordinator#onMembershipReady}).
 *
 * <p><b>Effect order.</b> Each {@link Install} the coordinator returns is proposed ({@link Leadership#propose}),
 * one at a time, in epoch order; then:
 * <ol>
 *   <li>each acceptor, this master's own included, stores the proposal durably ({@link ConfigurationStore#save},
 *       synchronously) before it answers;</li>
 *   <li>once a majority has accepted it (it is chosen), it is pushed to every recipient
 *       ({@code POST /admin/configuration}), once, without waiting;</li>
 *   <li>then the reconfiguration listeners (the dashboard's {@code GET /events}) are told.</li>
 * </ol>
 * A lone master's proposal is chosen as soon as its own acceptor stored it, inside the same call. A failed push is
 * only logged: the node also gets the configuration in its next report reply. A failed store is fatal
 * (fail-stop): from then on the master publishes nothing (reports and {@code /chain} answer 503) and
 * {@code onFatal} ends the process.
 */
public final class MasterRuntime extends VerticleBase implements Membership.Listener {

    private static final Logger log = LoggerFactory.getLogger(MasterRuntime.class);

    private final MasterSettings settings;
    private final ConfigurationStore store;
    private final Membership membership;
    private final Consumer<Throwable> onFatal;
    /** Live member incarnations (member UUIDs) per node id: a node is down only when none is left. */
    private final Map<String, Set<String>> nodeIncarnations = new HashMap<>();
    /** The nodes in the membership, to replay to a coordinator started when this master comes to lead. */
    private final Map<String, NodeDescriptor> nodeMembers = new HashMap<>();
    private final String self;
    private Acceptor acceptor;
    private Leadership leadership;
    private MasterPeers peers;
    /** Present only while this master leads. */
    private Coordinator coordinator;
    private MasterMetrics metrics;
    private HttpServer httpServer;
    private HttpApi httpApi;
    /** Told of every configuration once it is durable (event loop only): the dashboard's event stream. */
    private final List<Consumer<Reconfiguration>> reconfigurationListeners = new ArrayList<>();
    private HttpClientAgent pushClient;
    private long tickTimer = -1;
    private boolean membershipReady;
    private boolean halted;
    private volatile boolean stopping;

    /**
     * @param membership not started; the runtime starts it (as this master's member) and closes it on stop
     * @param onFatal    called when the master can no longer keep its promises (the store failed); ends the process
     */
    public MasterRuntime(MasterSettings settings, ConfigurationStore store, Membership membership,
                         Consumer<Throwable> onFatal) {
        this.settings = settings;
        this.store = store;
        this.membership = membership;
        this.onFatal = onFatal;
        this.self = settings.http().toString();
    }

    /** The masters' group is named by their HTTP addresses. */
    public static LeadershipSettings leadershipSettings(MasterSettings settings) {
        return new LeadershipSettings(settings.masters().stream().map(HostPort::toString).toList(),
                settings.masterProbeIntervalMs(), settings.masterConfirmMs(), settings.masterBackoffMs(),
                settings.leaseMs() + settings.leaseMarginMs());
    }

    public static CoordinatorSettings coordinatorSettings(MasterSettings settings) {
        return new CoordinatorSettings(settings.chainLengthMin(), settings.leaseMs(), settings.leaseMarginMs(),
                settings.reportTimeoutMs(), settings.promoteLagEntriesMax());
    }

    @Override
    public Future<?> start() {
        AcceptorState state;
        try {
            state = store.loadState();
        } catch (IllegalStateException e) {
            return Future.failedFuture(e);
        }
        ChainConfiguration stored = state.accepted();
        acceptor = new Acceptor(self, state);
        leadership = new Leadership(self, leadershipSettings(settings), acceptor);
        LogContext.set(settings.id(), stored.epoch());
        metrics = new MasterMetrics(settings.id(), stored, this::view);
        peers = new MasterPeers(vertx, settings.http(), settings.pushTimeoutMs());
        if (settings.alone()) {
            handle(leadership.onActiveHint(nowMs(), true)); // its own majority: leads at once
        } else {
            log.info("master {} is one of the masters {}; it leads only once the oldest in the membership and"
                    + " elected by a majority", settings.id(), settings.masters());
        }
        if (halted) {
            return Future.failedFuture("master " + settings.id() + " could not persist its acceptor state");
        }
        if (stored.isNone()) {
            log.info("no stored configuration in {}: the first chain forms once {} nodes are up and reporting",
                    store.file(), settings.chainLengthMin());
        } else {
            log.info("stored configuration: epoch {}, chain {}; no change before one lease ({} ms) has passed",
                    stored.epoch(), stored.chainIds(), settings.leaseMs() + settings.leaseMarginMs());
        }
        pushClient = vertx.createHttpClient(new HttpClientOptions()
                .setLocalAddress(settings.http().host()) // pushes leave from our own address: fault tests cut it
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, settings.pushTimeoutMs()))
                .setKeepAlive(true).setTcpNoDelay(true));
        httpApi = new HttpApi(this);
        return httpApi.listen(vertx, settings.http()).onSuccess(server -> {
            httpServer = server;
            tickTimer = vertx.setPeriodic(settings.tickIntervalMs(), id -> tick());
            log.info("master {} serving HTTP on {}; joining the membership cluster '{}' on {} via {}",
                    settings.id(), settings.http(), settings.clusterName(), settings.hazelcastBind(),
                    settings.hazelcastSeeds());
            joinMembership();
        });
    }

    @Override
    public Future<?> stop() {
        stopping = true;
        vertx.cancelTimer(tickTimer);
        if (httpApi != null) {
            httpApi.close();
        }
        Future<Void> http = httpServer == null ? Future.succeededFuture() : httpServer.close();
        return http.eventually(() -> pushClient.close()).eventually(() -> peers.close())
                .eventually(() -> vertx.executeBlocking(() -> {
                    membership.close();
                    return null;
                }, false))
                .eventually(() -> {
                    if (metrics != null) {
                        metrics.close();
                    }
                    return Future.succeededFuture();
                });
    }

    // ------------------------------------------------------------ membership (callbacks on its threads)

    /**
     * Starts the membership on a worker thread (it blocks while joining). Its callbacks hop onto this event loop;
     * after {@code start} returns, one more hop from the same thread declares the view established, so it runs
     * after every initial {@code memberUp}.
     */
    private void joinMembership() {
        vertx.executeBlocking(() -> {
            membership.start(this);
            context.runOnContext(v -> membershipEstablished());
            return null;
        }, false).onFailure(e -> {
            if (!stopping) {
                halt("membership failed to start: " + e.getMessage(), e);
            }
        });
    }

    @Override
    public void memberUp(MemberInfo member) {
        context.runOnContext(v -> onMemberUp(member));
    }

    @Override
    public void memberDown(MemberInfo member) {
        context.runOnContext(v -> onMemberDown(member));
    }

    private void membershipEstablished() {
        if (stopping || halted) {
            return;
        }
        membershipReady = true;
        log.info("membership view established: nodes {}", nodeIncarnations.keySet());
        if (coordinator != null) {
            carryOut(coordinator.onMembershipReady(nowMs()));
        }
        updateActiveHint();
    }

    private void onMemberUp(MemberInfo member) {
        if (stopping || halted) {
            return;
        }
        if (member.isMaster()) {
            log.info("master {} is in the membership at http {}", member.id(), member.http());
            updateActiveHint();
            return;
        }
        NodeDescriptor node;
        try {
            node = new NodeDescriptor(member.id(), HostPort.parse(member.http()),
                    HostPort.parse(member.replication()));
        } catch (IllegalArgumentException e) {
            log.warn("ignoring member {}: not a valid node ({})", member, e.getMessage());
            return;
        }
        nodeIncarnations.computeIfAbsent(node.id(), id -> new HashSet<>()).add(incarnation(member));
        nodeMembers.put(node.id(), node);
        if (coordinator != null) {
            carryOut(coordinator.onMemberUp(nowMs(), node));
        }
    }

    /**
     * A restarted node rejoins under a new member UUID, possibly before its old incarnation is declared gone: the
     * node is down only when its last incarnation leaves.
     */
    private void onMemberDown(MemberInfo member) {
        if (stopping || halted) {
            return;
        }
        if (member.isMaster()) {
            log.info("master {} left the membership", member.id());
            updateActiveHint();
            return;
        }
        Set<String> incarnations = nodeIncarnations.get(member.id());
        if (incarnations == null || !incarnations.remove(incarnation(member))) {
            return; // an incarnation we ignored or never saw up
        }
        if (!incarnations.isEmpty()) {
            log.info("an old incarnation of node {} left the membership; its newer one ({}) remains", member.id(),
                    incarnations);
            return;
        }
        nodeIncarnations.remove(member.id());
        nodeMembers.remove(member.id());
        if (coordinator != null) {
            carryOut(coordinator.onMemberDown(nowMs(), member.id()));
        }
    }

    private static String incarnation(MemberInfo member) {
        return member.memberUuid() == null ? "" : member.memberUuid();
    }

    // ------------------------------------------------------------ API for the HTTP layer (event loop only)

    /**
     * A node's report: the reply renews its lease (when it is in the chain and this master's leadership is
     * confirmed by a majority) and carries the last chosen configuration, never one still being proposed. Empty
     * when this master does not lead: the caller redirects the node to {@link #activeMaster()}.
     */
    public Optional<ReportReply> report(NodeReport report) {
        if (coordinator == null) {
            return Optional.empty();
        }
        long nowMs = nowMs();
        ReportReply reply = coordinator.onReport(nowMs, report);
        if (!leadership.mayPublish(nowMs)) { // quiet after election: other leaders' leases may still run
            return Optional.of(new ReportReply(ChainConfiguration.NONE, 0, settings.id()));
        }
        long leaseMs = leadership.mayGrantLeases(nowMs) ? reply.leaseMs() : 0;
        return Optional.of(new ReportReply(leadership.chosen(), leaseMs, settings.id()));
    }

    /**
     * An operator's request to remove a node: carried out like any other input (docs/master.md, "Drain"). Empty
     * when this master does not lead.
     */
    public Optional<Removal> removeNode(String nodeId) {
        if (coordinator == null) {
            return Optional.empty();
        }
        Removal removal = coordinator.onRemoveRequest(nowMs(), nodeId);
        carryOut(removal.installs());
        return Optional.of(removal);
    }

    /**
     * A Prepare or an Accept from a leading master (this one's own included): the answer of this master's
     * acceptor, once its new state is durable. Empty when the state could not be persisted (the master halts).
     *
     * @throws IllegalArgumentException for any other kind of message
     */
    public Optional<BallotMessage> onBallot(BallotMessage message) {
        AcceptorState before = acceptor.state();
        Acceptor.Outcome outcome;
        if (message instanceof BallotMessage.Prepare prepare) {
            outcome = acceptor.onPrepare(prepare);
        } else if (message instanceof BallotMessage.Accept accept) {
            outcome = acceptor.onAccept(accept);
        } else {
            throw new IllegalArgumentException("a master's acceptor takes prepare or accept, not "
                    + message.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT));
        }
        if (outcome.persist() != null && !(settings.alone() && promiseOnly(before, outcome.persist()))) {
            try {
                store.save(outcome.persist());
            } catch (RuntimeException e) {
                halt("cannot persist the acceptor state (" + outcome.persist().promised() + ", epoch "
                        + outcome.persist().accepted().epoch() + "): " + e.getMessage(), e);
                return Optional.empty();
            }
        }
        return Optional.of(outcome.answer());
    }

    /**
     * A lone master need not persist a promise that accepts nothing new: no other master can hold a ballot, and
     * its next ballot is chosen above its stored one anyway. So it writes its file only for configurations, as
     * before there were several masters.
     */
    private static boolean promiseOnly(AcceptorState before, AcceptorState next) {
        return next.accepted().equals(before.accepted()) && next.acceptedBallot().equals(before.acceptedBallot());
    }

    /** Whether this master leads now (elected by a majority, and the oldest master in its membership view). */
    public boolean active() {
        return coordinator != null && !halted;
    }

    /**
     * The master a node or an operator should talk to: this one while it leads; otherwise the oldest master in
     * the membership view when that is another one; otherwise (this master is the oldest it sees but cannot lead,
     * e.g. cut off from the other masters while the nodes still reach it) the next master of the group, so that
     * a node passed on from master to master finds the one that leads. Empty for a lone master that does not
     * lead (the caller answers 503).
     */
    public Optional<HostPort> activeMaster() {
        if (active()) {
            return Optional.of(settings.http());
        }
        if (settings.alone()) {
            return Optional.empty();
        }
        Optional<HostPort> oldest = !membershipReady ? Optional.empty()
                : membership.oldestMaster().map(master -> HostPort.parse(master.http()))
                        .filter(master -> !master.equals(settings.http()));
        List<HostPort> group = settings.masters();
        return oldest.or(() -> Optional.of(group.get((group.indexOf(settings.http()) + 1) % group.size())));
    }

    /** This master's ballot state: FOLLOWER, PREPARING, RECOVERING or LEADING. */
    public Leadership.Role leadershipRole() {
        return leadership.role();
    }

    /** {@code listener} is told of each configuration installed from now on, once it is durable (event loop). */
    public void onReconfiguration(Consumer<Reconfiguration> listener) {
        reconfigurationListeners.add(listener);
    }

    /** The leader's view; a master that does not lead shows the configuration its acceptor last accepted. */
    public ChainView view() {
        long nowMs = nowMs();
        return coordinator != null ? coordinator.view(nowMs)
                : new Coordinator(settings.id(), coordinatorSettings(settings), acceptor.state().accepted(), nowMs)
                        .view(nowMs);
    }

    /** The chosen epoch while leading, else the last accepted one; 0 before the first chain. */
    public long epoch() {
        return coordinator != null ? leadership.chosen().epoch() : acceptor.state().accepted().epoch();
    }

    public boolean membershipReady() {
        return membershipReady;
    }

    /** Whether the master stopped publishing because it could not persist (it is about to exit). */
    public boolean halted() {
        return halted;
    }

    public MasterSettings settings() {
        return settings;
    }

    /** The registry {@code GET /metrics} writes (docs/operations.md). */
    public io.micrometer.prometheusmetrics.PrometheusMeterRegistry metricsRegistry() {
        return metrics.registry();
    }

    /** Reads the coordinator's view into the gauges before a scrape (event loop only). */
    public void refreshMetrics() {
        metrics.refresh();
    }

    // ------------------------------------------------------------ effects

    private void tick() {
        long nowMs = nowMs();
        handle(leadership.onTick(nowMs));
        if (coordinator != null) {
            carryOut(coordinator.onTick(nowMs));
        }
    }

    /** The membership's hint: this master should lead when it is the oldest master (a lone master always is). */
    private void updateActiveHint() {
        if (settings.alone() || stopping || halted) {
            return;
        }
        boolean oldest = membershipReady && membership.oldestMaster()
                .map(master -> master.http().equals(self)).orElse(false);
        handle(leadership.onActiveHint(nowMs(), oldest));
    }

    /** Each of the coordinator's installs is proposed; it is published once chosen ({@link #published}). */
    private void carryOut(List<Install> installs) {
        for (Install install : installs) {
            if (halted || coordinator == null) {
                return;
            }
            try {
                handle(leadership.propose(install));
            } catch (IllegalStateException e) {
                halt("the coordinator and the ballots disagree: " + e.getMessage(), e);
            }
        }
    }

    /**
     * Carries out one step of the leadership, in this order: start the coordinator of a new leader, publish what
     * was chosen, send the messages (a message to this master is answered at once by its own acceptor, after its
     * state is durable), and drop the coordinator of a deposed leader.
     */
    private void handle(Leadership.Step step) {
        if (halted) {
            return;
        }
        if (step.elected() != null) {
            lead(step.elected());
        }
        step.chosen().forEach(this::published);
        for (Leadership.Outgoing outgoing : step.messages()) {
            deliver(outgoing);
        }
        if (step.deposed() && coordinator != null) {
            coordinator = null;
            log.warn("master {} no longer leads: it answers reports with redirects and grants no lease",
                    settings.id());
        }
    }

    private void deliver(Leadership.Outgoing outgoing) {
        if (outgoing.to().equals(self)) {
            onBallot(outgoing.message()).ifPresent(answer -> handle(leadership.onMessage(nowMs(), answer)));
            return;
        }
        peers.send(HostPort.parse(outgoing.to()), outgoing.message()).onComplete(result -> {
            if (stopping || halted) {
                return;
            }
            if (result.succeeded()) {
                handle(leadership.onMessage(nowMs(), result.result()));
            } else {
                log.debug("ballot message to master {} failed: {}", outgoing.to(), result.cause().toString());
            }
        });
    }

    /** Elected with {@code chosen}: a coordinator starts from it and from the membership as it stands. */
    private void lead(ChainConfiguration chosen) {
        long nowMs = nowMs();
        coordinator = new Coordinator(settings.id(), coordinatorSettings(settings), chosen,
                nowMs + leadership.takeoverExtraMs());
        LogContext.set(settings.id(), chosen.epoch());
        if (!settings.alone()) {
            log.info("master {} leads from epoch {}; no change for {} ms (confirmation plus one lease)",
                    settings.id(), chosen.epoch(), leadership.takeoverExtraMs() + settings.leaseMs()
                            + settings.leaseMarginMs());
        }
        List<Install> installs = new ArrayList<>();
        for (NodeDescriptor node : nodeMembers.values()) {
            installs.addAll(coordinator.onMemberUp(nowMs, node));
        }
        if (membershipReady) {
            installs.addAll(coordinator.onMembershipReady(nowMs));
        }
        carryOut(installs);
    }

    /** A chosen configuration: durable at a majority of masters. Push it, then tell the listeners. */
    private void published(Install install) {
        ChainConfiguration configuration = install.configuration();
        metrics.installed(configuration);
        LogContext.set(settings.id(), configuration.epoch());
        log.info("installed epoch {}: chain {}, learners {}; {}; pushing to {}", configuration.epoch(),
                configuration.chainIds(), configuration.learners().stream().map(NodeDescriptor::id).toList(),
                install.reason(), install.recipients().stream().map(NodeDescriptor::id).toList());
        Buffer body = Buffer.buffer(ControlPlaneJson.toJson(configuration).encode());
        for (NodeDescriptor recipient : install.recipients()) {
            push(recipient, configuration.epoch(), body);
        }
        Reconfiguration installed = new Reconfiguration(System.currentTimeMillis(), configuration.epoch(),
                configuration.chainIds(), configuration.learners().stream().map(NodeDescriptor::id).toList(),
                install.reason());
        reconfigurationListeners.forEach(listener -> listener.accept(installed));
    }

    /** One attempt; a node that misses it gets the configuration in its next report reply. */
    private void push(NodeDescriptor node, long epoch, Buffer body) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(node.http().host())
                .setPort(node.http().port()).setURI("/admin/configuration")
                .setConnectTimeout(settings.pushTimeoutMs()).setIdleTimeout(settings.pushTimeoutMs())
                .putHeader("Content-Type", "application/json");
        pushClient.request(options)
                .compose(request -> request.send(body))
                .compose(response -> response.body().map(answer -> {
                    if (response.statusCode() / 100 != 2) {
                        throw new IllegalStateException("it answered " + response.statusCode() + " " + answer);
                    }
                    return answer;
                }))
                .timeout(settings.pushTimeoutMs(), TimeUnit.MILLISECONDS)
                .onComplete(result -> {
                    if (result.succeeded()) {
                        log.debug("pushed epoch {} to node {} at {}", epoch, node.id(), node.http());
                    } else {
                        log.info("push of epoch {} to node {} at {} failed: {}; it learns the configuration from"
                                + " its next report reply", epoch, node.id(), node.http(), result.cause().toString());
                    }
                });
    }

    private void halt(String why, Throwable cause) {
        if (halted) {
            return;
        }
        halted = true;
        vertx.cancelTimer(tickTimer);
        log.error("master {} stops (fail-stop): {}", settings.id(), why, cause);
        onFatal.accept(cause);
    }

    static long nowMs() {
        return System.nanoTime() / 1_000_000;
    }
}
