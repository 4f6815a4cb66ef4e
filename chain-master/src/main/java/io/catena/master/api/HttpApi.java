package io.catena.master.api;

import io.catena.http.BodyReader;
import io.catena.http.Responses;
import io.catena.http.Routes;
import io.catena.config.ControlPlaneJson;
import io.catena.config.HostPort;
import io.catena.config.NodeIds;
import io.catena.config.NodeReport;
import io.catena.master.core.ChainView;
import io.catena.master.core.Removal;
import io.catena.master.runtime.MasterRuntime;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The master's HTTP API (docs/api.md). The route table comes first; handlers only translate between HTTP and the
 * runtime. Runs on the runtime's event loop.
 */
public final class HttpApi {

    /** A node report is a few hundred bytes; anything much larger is not one. */
    static final int REPORT_BYTES_MAX = 64 * 1024;
    private static final String REMOVE_SUFFIX = "/remove";

    private final MasterRuntime runtime;
    private final Routes routes;

    public HttpApi(MasterRuntime runtime) {
        this.runtime = runtime;
        this.routes = new Routes()
                .post("/nodes/report", this::report)
                .get("/chain", this::chain)
                .post("/chain/nodes/{id}", this::removeNode) // only {id}/remove: the rest is 404
                .get("/status", this::status)
                .get("/ready", this::ready)
                .get("/health", this::health)
                .metrics(runtime.metricsRegistry(), runtime::refreshMetrics);
    }

    public Future<HttpServer> listen(Vertx vertx, HostPort bind) {
        return routes.listen(vertx, bind);
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
            if (!refuseIfHalted(request)) {
                Responses.json(request.response(), 200, ControlPlaneJson.toJson(runtime.report(report)));
            }
        }).start();
    }

    private void chain(HttpServerRequest request, String unused) {
        if (refuseIfHalted(request)) {
            return;
        }
        ChainView view = runtime.view();
        JsonObject body = new JsonObject()
                .put("epoch", view.epoch())
                .put("chain", nodes(view.chain()))
                .put("learners", learners(view.learners()))
                .put("others", nodes(view.others()))
                .put("master", new JsonObject().put("id", runtime.settings().id())
                        .put("http", runtime.settings().http().toString()));
        Responses.json(request.response(), 200, body);
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
        Removal removal = runtime.removeNode(id);
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
                .put("active", !runtime.halted()) // a single master is always active (several: a later issue)
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

    private static JsonArray nodes(List<ChainView.NodeView> views) {
        JsonArray array = new JsonArray();
        for (ChainView.NodeView view : views) {
            array.add(new JsonObject()
                    .put("id", view.node().id())
                    .put("role", view.role().wireName())
                    .put("http", view.node().http().toString())
                    .put("replication", view.node().replication().toString())
                    .put("alive", view.alive())
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

    /** Requests the HTTP decoder could not parse: malformed Content-Length, oversized lines or headers. */
}
