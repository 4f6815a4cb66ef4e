package io.catena.master.api;

import io.catena.http.BodyReader;
import io.catena.http.Responses;
import io.catena.http.Routes;
import io.catena.config.ControlPlaneJson;
import io.catena.config.HostPort;
import io.catena.config.NodeIds;
import io.catena.config.NodeReport;
import io.catena.master.core.BallotMessage;
import io.catena.master.core.ChainView;
import io.catena.master.core.Removal;
import io.catena.master.runtime.MasterRuntime;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;

/**
 * The master's HTTP API (docs/api.md). The route table comes first; handlers only translate between HTTP and the
 * runtime. Runs on the runtime's event loop.
 */
public final class HttpApi {

    /** A node report is a few hundred bytes; anything much larger is not one. */
    static final int REPORT_BYTES_MAX = 64 * 1024;
    /** A ballot message carries at most one configuration (64 nodes and learners): far below this. */
    static final int BALLOT_BYTES_MAX = 1024 * 1024;
    private static final String REMOVE_SUFFIX = "/remove";

    /** The dashboard: one self-contained page (inline CSS and script; it fetches only {@code /events}). */
    static final String DASHBOARD_RESOURCE = "/io/catena/master/dashboard.html";
    /** The page may load nothing but itself and talk to nothing but this master. */
    private static final String DASHBOARD_CSP = "default-src 'none'; script-src 'unsafe-inline'; "
            + "style-src 'unsafe-inline'; connect-src 'self'";

    private final MasterRuntime runtime;
    private final Routes routes;
    private final EventStream events;
    private final Buffer dashboard = loadDashboard();

    public HttpApi(MasterRuntime runtime) {
        this.runtime = runtime;
        this.events = new EventStream(runtime, this::chainBody);
        this.routes = new Routes()
                .get("/", this::dashboard)
                .get("/events", this::events)
                .post("/nodes/report", this::report)
                .post("/masters/ballot", this::ballot)
                .get("/chain", this::chain)
                .post("/chain/nodes/{id}", this::removeNode) // only {id}/remove: the rest is 404
                .get("/status", this::status)
                .get("/ready", this::ready)
                .get("/health", this::health)
                .metrics(runtime.metricsRegistry(), runtime::refreshMetrics);
    }

    /** Serves the routes on {@code bind}; call on the runtime's event loop (the event stream's timer runs there). */
    public Future<HttpServer> listen(Vertx vertx, HostPort bind) {
        events.start(vertx);
        return routes.listen(vertx, bind);
    }

    /** Ends the event streams and their timer (the server's close ends the rest). */
    public void close() {
        events.close();
    }

    // ------------------------------------------------------------ handlers

    private void report(HttpServerRequest request, String unused) {
        if (refuseIfHalted(request)) {
            return;
        }
        new BodyReader(request, REPORT_BYTES_MAX, "body_too_large", "64 KiB per report", body -> {
            NodeReport report;
            try {
                report = ControlPlaneJson.report(ControlPlaneJson.parse(new String(body, java.nio.charset.StandardCharsets.UTF_8)));
            } catch (IllegalArgumentException e) {
                Responses.error(request.response(), 400, "bad_report", "not a node report: " + e.getMessage());
                return;
            }
            if (refuseIfHalted(request)) {
                return;
            }
            runtime.report(report).ifPresentOrElse(
                    reply -> Responses.json(request.response(), 200, ControlPlaneJson.toJson(reply)),
                    () -> notActive(request));
        }).start();
    }

    /** {@code POST /masters/ballot}: a leading master's Prepare or Accept; the answer of this master's acceptor. */
    private void ballot(HttpServerRequest request, String unused) {
        if (refuseIfHalted(request)) {
            return;
        }
        new BodyReader(request, BALLOT_BYTES_MAX, "body_too_large", "1 MiB per ballot message", body -> {
            BallotMessage message;
            try {
                message = BallotJson.message(ControlPlaneJson.parse(new String(body,
                        java.nio.charset.StandardCharsets.UTF_8)));
                if (!runtime.settings().masters().contains(HostPort.parse(message.ballot().masterId()))) {
                    throw new IllegalArgumentException("ballot of " + message.ballot().masterId() + ", which is"
                            + " not one of the masters " + runtime.settings().masters());
                }
            } catch (IllegalArgumentException e) {
                Responses.error(request.response(), 400, "bad_ballot_message", e.getMessage());
                return;
            }
            Optional<BallotMessage> answer;
            try {
                answer = runtime.onBallot(message);
            } catch (IllegalArgumentException e) {
                Responses.error(request.response(), 400, "bad_ballot_message", e.getMessage());
                return;
            }
            if (!refuseIfHalted(request)) {
                Responses.json(request.response(), 200, BallotJson.toJson(answer.orElseThrow()));
            }
        }).start();
    }

    /**
     * This master does not lead: {@code 307} to the master it believes active (JSON names it), or {@code 503}
     * when it knows none. Nodes and the CLI follow the redirect.
     */
    private void notActive(HttpServerRequest request) {
        Optional<HostPort> active = runtime.activeMaster();
        if (active.isEmpty()) {
            request.response().putHeader("Retry-After", "1");
            Responses.error(request.response(), 503, "no_active_master", "master " + runtime.settings().id()
                    + " does not lead and knows no master that does (an election may be under way)");
            return;
        }
        request.response().putHeader("Location", "http://" + active.get() + request.uri());
        Responses.json(request.response(), 307, new JsonObject().put("error", "not_active")
                .put("message", "master " + runtime.settings().id() + " does not lead; the active master is at "
                        + active.get())
                .put("activeMaster", new JsonObject().put("http", active.get().toString())));
    }

    private void dashboard(HttpServerRequest request, String unused) {
        request.response().setStatusCode(200)
                .putHeader("Content-Type", "text/html; charset=utf-8")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("Content-Security-Policy", DASHBOARD_CSP)
                .end(dashboard);
    }

    /** {@code GET /events}: server-sent events for the dashboard (see {@link EventStream}). */
    private void events(HttpServerRequest request, String unused) {
        if (!refuseIfHalted(request)) {
            events.open(request);
        }
    }

    private void chain(HttpServerRequest request, String unused) {
        if (refuseIfHalted(request)) {
            return;
        }
        Responses.json(request.response(), 200, chainBody());
    }

    /** {@code POST /chain/nodes/{id}/remove}: drain a chain node, or remove a learner at once. */
    private void removeNode(HttpServerRequest request, String rest) {
        if (!rest.endsWith(REMOVE_SUFFIX)) {
            Responses.error(request.response(), 404, "no_route", "no resource at " + request.path()
                    + "; did you mean POST /chain/nodes/{id}/remove?");
            return;
        }
        String id = rest.substring(0, rest.length() - REMOVE_SUFFIX.length());
        if (!NodeIds.isValid(id)) {
            Responses.error(request.response(), 400, "bad_node_id", "invalid node id '" + id + "': "
                    + NodeIds.RULE);
            return;
        }
        if (refuseIfHalted(request)) {
            return;
        }
        Optional<Removal> answer = runtime.removeNode(id);
        if (answer.isEmpty()) {
            notActive(request);
            return;
        }
        Removal removal = answer.get();
        if (refuseIfHalted(request)) {
            return;
        }
        JsonObject body = new JsonObject().put("id", id);
        switch (removal.outcome()) {
            case DRAINING -> Responses.json(request.response(), 202, body.put("state", "draining")
                    .put("removeAfterMs", removal.removeAfterMs()));
            case REMOVED -> Responses.json(request.response(), 200, body.put("state", "removed")
                    .put("epoch", runtime.epoch()));
            case UNKNOWN -> Responses.error(request.response(), 404, "unknown_node", removal.message());
            case REFUSED -> Responses.error(request.response(), 409, "chain_needs_node", removal.message());
            default -> throw new AssertionError(removal.outcome());
        }
    }

    private void status(HttpServerRequest request, String unused) {
        Responses.json(request.response(), 200, new JsonObject()
                .put("id", runtime.settings().id())
                .put("pid", ProcessHandle.current().pid())
                .put("active", runtime.active())
                .put("ballotState", runtime.leadershipRole().name().toLowerCase(java.util.Locale.ROOT))
                .put("activeMaster", activeMasterJson())
                .put("masters", new JsonArray(runtime.settings().masters().stream().map(HostPort::toString)
                        .toList()))
                .put("epoch", runtime.epoch())
                .put("membershipReady", runtime.membershipReady()));
    }

    /** 200 only once this master has a configuration and its membership view: it can lead the chain now. */
    private void ready(HttpServerRequest request, String unused) {
        long epoch = runtime.epoch();
        boolean membershipReady = runtime.membershipReady();
        JsonObject body = new JsonObject().put("id", runtime.settings().id()).put("epoch", epoch)
                .put("membershipReady", membershipReady);
        String reason = runtime.halted() ? "this master could not persist its configuration and is stopping"
                : !membershipReady ? "the membership view is not established yet"
                : epoch == 0 ? "no configuration yet: waiting for " + runtime.settings().chainLengthMin()
                        + " nodes to report"
                : null;
        if (reason == null) {
            Responses.json(request.response(), 200, body.put("ready", true));
            return;
        }
        request.response().putHeader("Retry-After", "1");
        Responses.json(request.response(), 503, body.put("ready", false).put("error", "not_ready")
                .put("message", reason));
    }

    private void health(HttpServerRequest request, String unused) {
        Responses.json(request.response(), 200, new JsonObject().put("status", "up"));
    }

    // ------------------------------------------------------------ translation

    /** The {@code GET /chain} body, also each {@code chain} event of {@code GET /events}. */
    private JsonObject chainBody() {
        ChainView view = runtime.view();
        return new JsonObject()
                .put("epoch", view.epoch())
                .put("chain", nodes(view.chain()))
                .put("learners", learners(view.learners()))
                .put("others", nodes(view.others()))
                .put("master", new JsonObject().put("id", runtime.settings().id())
                        .put("http", runtime.settings().http().toString()))
                .put("activeMaster", activeMasterJson());
    }

    /** {@code {"http": host:port}} of the master this one believes active (itself when it leads), or null. */
    private JsonObject activeMasterJson() {
        return runtime.activeMaster().map(master -> new JsonObject().put("http", master.toString())).orElse(null);
    }

    private static JsonArray nodes(List<ChainView.NodeView> views) {
        JsonArray array = new JsonArray();
        for (ChainView.NodeView view : views) {
            array.add(new JsonObject()
                    .put("id", view.node().id())
                    .put("role", view.role().wireName())
                    .put("http", view.node().http().toString())
                    .put("replication", view.node().replication().toString())
                    .put("alive", view.alive())
                    .put("member", view.member())
                    .put("appliedSeq", view.appliedSeq())
                    .put("committedSeq", view.committedSeq())
                    .put("lag", view.lag())
                    .put("leaseLeftMs", view.leaseLeftMs())
                    .put("reportedEpoch", view.reportedEpoch())
                    .put("draining", view.draining()));
        }
        return array;
    }

    private static JsonArray learners(List<ChainView.LearnerView> views) {
        JsonArray array = new JsonArray();
        for (ChainView.LearnerView view : views) {
            array.add(new JsonObject()
                    .put("id", view.node().id())
                    .put("role", "learner")
                    .put("http", view.node().http().toString())
                    .put("replication", view.node().replication().toString())
                    .put("alive", view.alive())
                    .put("member", view.member())
                    .put("reportedEpoch", view.reportedEpoch())
                    .put("appliedSeq", view.appliedSeq())
                    .put("caughtUp", view.caughtUp())
                    .put("lagEntries", view.lagEntries()));
        }
        return array;
    }

    /** After a failed store the coordinator is ahead of what is durable: publish nothing of it. */
    private boolean refuseIfHalted(HttpServerRequest request) {
        if (!runtime.halted()) {
            return false;
        }
        request.response().putHeader("Retry-After", "1");
        Responses.errorAndClose(request, 503, "master_halted",
                "this master could not persist its configuration and is stopping");
        return true;
    }

    private static Buffer loadDashboard() {
        try (java.io.InputStream in = HttpApi.class.getResourceAsStream(DASHBOARD_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the dashboard page " + DASHBOARD_RESOURCE
                        + " is missing from the classpath");
            }
            return Buffer.buffer(in.readAllBytes());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read the dashboard page " + DASHBOARD_RESOURCE, e);
        }
    }
}
