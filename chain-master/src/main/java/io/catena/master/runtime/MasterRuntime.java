package io.catena.master.runtime;

import io.catena.config.ChainConfiguration;
import io.catena.config.ControlPlaneJson;
import io.catena.config.HostPort;
import io.catena.config.MasterSettings;
import io.catena.config.NodeDescriptor;
import io.catena.config.NodeReport;
import io.catena.config.ReportReply;
import io.catena.master.api.HttpApi;
import io.catena.master.core.ChainView;
import io.catena.master.core.Coordinator;
import io.catena.master.core.CoordinatorSettings;
import io.catena.master.core.Install;
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
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the pure {@link Coordinator} to the world: the configuration store, the HTTP API, membership, a timer and
 * the configuration pushes. Every input reaches the coordinator on this verticle's event loop.
 *
 * <p><b>Start order.</b> Load the store, then serve HTTP, then join the membership in the background. A restarted
 * master must answer the nodes' reports within about a second or their leases lapse, and joining Hazelcast takes
 * about two; until the membership view is established the coordinator decides nothing and grants leases to the
 * stored chain's nodes (see {@link Coordinator#onMembershipReady}).
 *
 * <p><b>Effect order.</b> Each {@link Install} the coordinator returns is carried out in order, one at a time:
 * <ol>
 *   <li>store it durably ({@link ConfigurationStore#save}, synchronously: installs are rare);</li>
 *   <li>then push it to every recipient ({@code POST /admin/configuration}), once, without waiting;</li>
 *   <li>then tell the reconfiguration listeners (the dashboard's {@code GET /events}).</li>
 * </ol>
 * A failed push is only logged: the node also gets the configuration in its next report reply. A failed store is
 * fatal (fail-stop): the coordinator has already moved on to a configuration that is not durable, so from then on
 * the master publishes nothing (reports and {@code /chain} answer 503) and {@code onFatal} ends the process.
 */
public final class MasterRuntime extends VerticleBase implements Membership.Listener {

    private static final Logger log = LoggerFactory.getLogger(MasterRuntime.class);

    private final MasterSettings settings;
    private final ConfigurationStore store;
    private final Membership membership;
    private final Consumer<Throwable> onFatal;
    /** Live member incarnations (member UUIDs) per node id: a node is down only when none is left. */
    private final Map<String, Set<String>> nodeIncarnations = new HashMap<>();
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
    }

    public static CoordinatorSettings coordinatorSettings(MasterSettings settings) {
        return new CoordinatorSettings(settings.chainLengthMin(), settings.leaseMs(), settings.leaseMarginMs(),
                settings.reportTimeoutMs(), settings.promoteLagEntriesMax());
    }

    @Override
    public Future<?> start() {
        ChainConfiguration stored;
        try {
            stored = store.load();
        } catch (IllegalStateException e) {
            return Future.failedFuture(e);
        }
        coordinator = new Coordinator(settings.id(), coordinatorSettings(settings), stored, nowMs());
        LogContext.set(settings.id(), stored.epoch());
        metrics = new MasterMetrics(settings.id(), stored, this::view);
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
            tickTimer = vertx.setPeriodic(settings.tickIntervalMs(), id -> carryOut(coordinator.onTick(nowMs())));
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
        return http.eventually(() -> pushClient.close())
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
        carryOut(coordinator.onMembershipReady(nowMs()));
    }

    private void onMemberUp(MemberInfo member) {
        if (stopping || halted) {
            return;
        }
        if (member.isMaster()) {
            log.info("master {} is in the membership at http {}", member.id(), member.http());
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
        carryOut(coordinator.onMemberUp(nowMs(), node));
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
        carryOut(coordinator.onMemberDown(nowMs(), member.id()));
    }

    private static String incarnation(MemberInfo member) {
        return member.memberUuid() == null ? "" : member.memberUuid();
    }

    // ------------------------------------------------------------ API for the HTTP layer (event loop only)

    /** A node's report: the reply renews its lease (when it is in the chain) and carries the configuration. */
    public ReportReply report(NodeReport report) {
        return coordinator.onReport(nowMs(), report);
    }

    /** An operator's request to remove a node: carried out like any other input (docs/master.md, "Drain"). */
    public Removal removeNode(String nodeId) {
        Removal removal = coordinator.onRemoveRequest(nowMs(), nodeId);
        carryOut(removal.installs());
        return removal;
    }

    /** {@code listener} is told of each configuration installed from now on, once it is durable (event loop). */
    public void onReconfiguration(Consumer<Reconfiguration> listener) {
        reconfigurationListeners.add(listener);
    }

    public ChainView view() {
        return coordinator.view(nowMs());
    }

    /** The current (stored) epoch; 0 before the first chain. */
    public long epoch() {
        return coordinator.configuration().epoch();
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

    private void carryOut(List<Install> installs) {
        for (Install install : installs) {
            if (halted) {
                return;
            }
            ChainConfiguration configuration = install.configuration();
            try {
                store.save(configuration);
            } catch (RuntimeException e) {
                halt("cannot persist epoch " + configuration.epoch() + " (" + install.reason() + "): "
                        + e.getMessage() + "; a master that cannot persist must not publish", e);
                return;
            }
            metrics.installed(configuration);
            LogContext.set(settings.id(), configuration.epoch());
            log.info("installed epoch {}: chain {}, learners {}; {}; pushing to {}", configuration.epoch(),
                    configuration.chainIds(), configuration.learners().stream().map(NodeDescriptor::id).toList(),
                    install.reason(),
                    install.recipients().stream().map(NodeDescriptor::id).toList());
            Buffer body = Buffer.buffer(ControlPlaneJson.toJson(configuration).encode());
            for (NodeDescriptor recipient : install.recipients()) {
                push(recipient, configuration.epoch(), body);
            }
            Reconfiguration installed = new Reconfiguration(System.currentTimeMillis(), configuration.epoch(),
                    configuration.chainIds(), configuration.learners().stream().map(NodeDescriptor::id).toList(),
                    install.reason());
            reconfigurationListeners.forEach(listener -> listener.accept(installed));
        }
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
