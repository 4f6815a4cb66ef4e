package io.catena.node.api;

import io.catena.config.ChainConfiguration;
import io.catena.config.ControlPlaneJson;
import io.catena.config.HostPort;
import io.catena.config.NodeDescriptor;
import io.catena.config.NodeSettings;
import io.catena.config.Role;
import io.catena.http.BodyReader;
import io.catena.http.Responses;
import io.catena.http.Routes;
import io.catena.node.core.AckLevel;
import io.catena.node.core.LogEntry;
import io.catena.node.core.Op;
import io.catena.node.core.ReadDecision;
import io.catena.node.core.ReplicaStatus;
import io.catena.node.core.WriteOutcome;
import io.catena.node.core.WriteRequest;
import io.catena.node.runtime.NodeRuntime;
import io.catena.node.storage.StoredValue;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.catena.node.storage.ScanItem;
import io.vertx.core.json.JsonArray;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's HTTP API (docs/api.md). The route table comes first; handlers only translate between HTTP and the
 * runtime. Runs on the runtime's event loop.
 */
public final class HttpApi {

    private static final Logger log = LoggerFactory.getLogger(HttpApi.class);
    /** How long a strong read of a dirty key waits for the tail's answer before it answers 503. */
    private static final long TAIL_QUERY_TIMEOUT_MS = 2_000;

    private final NodeRuntime runtime;
    private final NodeSettings settings;
    private final Routes routes;
    private final AckLevel ackDefault;
    private TailQuery tailQuery;
    private Vertx vertx;

    public HttpApi(NodeRuntime runtime, NodeSettings settings) {
        this.runtime = runtime;
        this.settings = settings;
        this.ackDefault = AckLevel.parse(settings.ackDefault());
        this.routes = new Routes()
                .get("/health", this::health)
                .get("/status", this::status)
                .get("/ready", this::ready)
                .get("/kv", this::scan)
                .get("/kv/{key}", this::get)
                .put("/kv/{key}", this::put)
                .delete("/kv/{key}", this::delete)
                .post("/admin/configuration", this::configuration)
                .get("/admin/digest", this::digest)
                .metrics(runtime.metricsRegistry(), runtime::refreshMetrics);
    }

    public Future<HttpServer> listen(Vertx vertx, HostPort bind) {
        this.vertx = vertx;
        tailQuery = new TailQuery(vertx, settings.self().http().host(), TAIL_QUERY_TIMEOUT_MS);
        return routes.listen(vertx, bind);
    }

    // ------------------------------------------------------------ handlers

    private void health(HttpServerRequest request, String unused) {
        Responses.json(request.response(), 200, new JsonObject().put("status", "up"));
    }

    private void status(HttpServerRequest request, String unused) {
        ReplicaStatus status = runtime.status();
        JsonObject body = new JsonObject()
                .put("id", status.id())
                .put("role", status.role().wireName())
                .put("epoch", status.epoch())
                .put("appliedSeq", status.appliedSeq())
                .put("committedSeq", status.committedSeq())
                .put("acceptedSeq", status.acceptedSeq())
                .put("predecessor", status.predecessor())
                .put("successor", status.successor())
                .put("pid", ProcessHandle.current().pid())
                .put("waitingWrites", status.waitingWrites())
                .put("upstreamLinked", status.upstreamLinked())
                .put("staleFramesRejected", status.staleFramesRejected())
                .put("corruptFramesRejected", status.corruptFramesRejected())
                .put("caughtUp", status.caughtUp())
                .put("compactedSeq", status.compactedSeq())
                .put("installingSnapshot", status.installingSnapshot())
                .put("snapshotsSent", status.snapshotsSent())
                .put("snapshotsInstalled", status.snapshotsInstalled());
        if (status.downstream() != null) {
            ReplicaStatus.Downstream link = status.downstream();
            body.put("downstream", new JsonObject()
                    .put("successor", link.successorId())
                    .put("state", link.state())
                    .put("sentSeq", link.sentSeq())
                    .put("successorDurableSeq", link.successorDurableSeq())
                    .put("handshakePosition", link.handshakePosition())
                    .put("handshakeResendThrough", link.handshakeResendThrough()));
        }
        Responses.json(request.response(), 200, body);
    }

    /** 200 only while this node is in a configuration and holds a lease for it: it can play its role now. */
    private void ready(HttpServerRequest request, String unused) {
        ReplicaStatus status = runtime.status();
        long leaseLeftMs = runtime.leaseLeftMs();
        JsonObject body = new JsonObject().put("id", status.id()).put("role", status.role().wireName())
                .put("epoch", status.epoch()).put("leaseLeftMs", leaseLeftMs);
        if (status.role() != Role.OUTSIDE && leaseLeftMs > 0) {
            Responses.json(request.response(), 200, body.put("ready", true));
            return;
        }
        String reason = status.role() == Role.OUTSIDE
                ? "this node is in no configuration yet (epoch " + status.epoch() + ")"
                : "this node holds no valid lease from the master for epoch " + status.epoch();
        request.response().putHeader("Retry-After", "1");
        Responses.json(request.response(), 503, body.put("ready", false).put("error", "not_ready")
                .put("message", reason));
    }

    /** {@code GET /kv/{key}?consistency=tail|strong|any&min_seq=S} (docs/consistency.md). */
    private void get(HttpServerRequest request, String rawKey) {
        byte[] key = keyOrReject(request, rawKey);
        if (key == null) {
            return;
        }
        ReadOptions options;
        try {
            options = ReadOptions.parse(request.query());
        } catch (IllegalArgumentException e) {
            Responses.error(request.response(), 400, "bad_query", e.getMessage());
            return;
        }
        switch (options.consistency()) {
            case TAIL -> {
                if (!refuseRead(request)) {
                    serveLocal(request, key, rawKey, "local");
                }
            }
            case STRONG -> strongRead(request, key, rawKey);
            case ANY -> runtime.awaitVisible(options.minSeq(), settings.minSeqWaitMs()).onSuccess(visible -> {
                if (visible) {
                    serveLocal(request, key, rawKey, "local");
                } else {
                    request.response().putHeader("Retry-After", "1");
                    Responses.json(request.response(), 503, new JsonObject().put("error", "behind")
                            .put("message", "this node has committed through seq " + runtime.visibleSeq()
                                    + ", not yet " + options.minSeq() + ", after " + settings.minSeqWaitMs() + " ms")
                            .put("committedSeq", runtime.visibleSeq()));
                }
            });
        }
    }

    /**
     * CRAQ: a clean key is answered from local data; a dirty one with the tail's committed version. The
     * {@code X-Catena-Read} header says which ({@code local} or {@code tail}).
     */
    private void strongRead(HttpServerRequest request, byte[] key, String rawKey) {
        ReadDecision decision = runtime.strongReadDecision(key);
        if (decision instanceof ReadDecision.Unavailable unavailable) {
            request.response().putHeader("Retry-After", "1");
            Responses.error(request.response(), 503, "unavailable", unavailable.reason());
        } else if (decision instanceof ReadDecision.AskTail askTail) {
            tailQuery.committedVersion(askTail.tail(), rawKey).onComplete(result -> {
                HttpServerResponse response = request.response().putHeader("X-Catena-Read", "tail");
                TailQuery.Answer answer = result.succeeded() ? result.result() : null;
                if (answer != null && answer.status() == 200 && answer.etag() != null) {
                    response.putHeader("ETag", answer.etag()).putHeader("Content-Type", "application/octet-stream")
                            .end(answer.body());
                } else if (answer != null && answer.status() == 404) {
                    Responses.error(response, 404, "not_found", "no value for key " + rawKey);
                } else {
                    response.putHeader("Retry-After", "1");
                    Responses.error(response, 503, "unavailable", "key " + rawKey + " has a write in flight and the "
                            + "tail " + askTail.tail().id() + " did not confirm its committed version: "
                            + (answer == null ? result.cause().getMessage() : "status " + answer.status()));
                }
            });
        } else {
            serveLocal(request, key, rawKey, "local");
        }
    }

    private void serveLocal(HttpServerRequest request, byte[] key, String rawKey, String servedBy) {
        Optional<StoredValue> value = runtime.read(key);
        HttpServerResponse response = request.response().putHeader("X-Catena-Read", servedBy);
        if (value.isEmpty()) {
            Responses.error(response, 404, "not_found", "no value for key " + rawKey);
            return;
        }
        response.putHeader("ETag", "\"" + value.get().seq() + "\"")
                .putHeader("Content-Type", "application/octet-stream")
                .end(Buffer.buffer(value.get().value()));
    }

    /** {@code GET /kv?prefix=&after=&limit=&values=}: committed pairs in key order, at the tail. */
    private void scan(HttpServerRequest request, String unused) {
        ScanQuery query;
        try {
            query = ScanQuery.parse(request.query(), settings.scanLimitMax());
        } catch (IllegalArgumentException e) {
            Responses.error(request.response(), 400, "bad_query", e.getMessage());
            return;
        }
        if (refuseRead(request)) {
            return;
        }
        List<ScanItem> items = runtime.scan(query.prefix(), query.after(), query.limit());
        JsonArray array = new JsonArray();
        for (ScanItem item : items) {
            JsonObject json = new JsonObject().put("key", new String(item.key(), StandardCharsets.UTF_8))
                    .put("seq", item.seq());
            if (query.values()) {
                json.put("value", Base64.getEncoder().encodeToString(item.value()));
            }
            array.add(json);
        }
        String next = items.size() < query.limit() ? null
                : new String(items.get(items.size() - 1).key(), StandardCharsets.UTF_8);
        Responses.json(request.response(), 200, new JsonObject().put("items", array).put("limit", query.limit())
                .put("next", next));
    }

    /** Answers a read that this node may not serve now (307 to the tail, or 503); false when it may. */
    private boolean refuseRead(HttpServerRequest request) {
        ReadDecision decision = runtime.readDecision();
        if (decision instanceof ReadDecision.Redirect redirect) {
            redirect(request, redirect.tail(), "not_tail", "reads are served by the tail");
            return true;
        }
        if (decision instanceof ReadDecision.Unavailable unavailable) {
            request.response().putHeader("Retry-After", "1");
            Responses.error(request.response(), 503, "unavailable", unavailable.reason());
            return true;
        }
        return false;
    }

    private void put(HttpServerRequest request, String rawKey) {
        byte[] key = keyOrReject(request, rawKey);
        WriteOptions options = key == null ? null : writeOptionsOrReject(request);
        if (options == null || redirectIfNotHead(request)) {
            return;
        }
        new BodyReader(request, settings.valueBytesMax(), "value_too_large", "valueBytesMax",
                body -> submit(request, new WriteRequest(Op.PUT, key, body, options.ack(), options.precondition())))
                .start();
    }

    private void delete(HttpServerRequest request, String rawKey) {
        byte[] key = keyOrReject(request, rawKey);
        WriteOptions options = key == null ? null : writeOptionsOrReject(request);
        if (options == null || redirectIfNotHead(request)) {
            return;
        }
        // A DELETE carries no value; a body, if any, is read and ignored (bounded like a value).
        new BodyReader(request, settings.valueBytesMax(), "value_too_large", "valueBytesMax",
                body -> submit(request, new WriteRequest(Op.DELETE, key, LogEntry.NO_VALUE, options.ack(),
                        options.precondition()))).start();
    }

    /** The write's ack level and precondition; null after answering 400 when they are malformed. */
    private WriteOptions writeOptionsOrReject(HttpServerRequest request) {
        try {
            return WriteOptions.parse(request.query(), request.getHeader("If-Match"),
                    request.getHeader("If-None-Match"), ackDefault);
        } catch (IllegalArgumentException e) {
            boolean header = e.getMessage().startsWith("If-") || e.getMessage().startsWith("give If-");
            Responses.errorAndClose(request, 400, header ? "bad_precondition" : "bad_query",
                    e.getMessage());
            return null;
        }
    }

    /**
     * {@code GET /admin/digest}: SHA-256 over every committed (key, seq, value) in key order, and the committedSeq
     * of that view. Nodes with equal seq and digest hold identical data. A full scan: off the event loop.
     */
    private void digest(HttpServerRequest request, String unused) {
        vertx.executeBlocking(runtime::digest, false).onComplete(result -> {
            if (result.failed()) {
                Responses.error(request.response(), 503, "unavailable", "digest failed: " + result.cause());
                return;
            }
            Responses.json(request.response(), 200, new JsonObject().put("seq", result.result().seq())
                    .put("keys", result.result().keys()).put("digest", result.result().sha256()));
        });
    }

    /** The master pushes a new configuration; older or equal epochs are ignored (the answer says which holds). */
    private void configuration(HttpServerRequest request, String unused) {
        new BodyReader(request, 1 << 20, "body_too_large", "1 MiB per configuration", body -> {
            ChainConfiguration configuration;
            try {
                configuration = ControlPlaneJson.configuration(
                        ControlPlaneJson.parse(new String(body, StandardCharsets.UTF_8)));
            } catch (IllegalArgumentException e) {
                Responses.error(request.response(), 400, "bad_configuration", e.getMessage());
                return;
            }
            long epoch = runtime.onPushedConfiguration(configuration);
            Responses.json(request.response(), 200, new JsonObject().put("epoch", epoch));
        }).start();
    }

    // ------------------------------------------------------------ translation

    private void submit(HttpServerRequest request, WriteRequest write) {
        runtime.write(write).onComplete(result -> {
            if (result.failed()) {
                log.error("write failed unexpectedly", result.cause());
                Responses.error(request.response(), 500, "internal", "the write failed: " + result.cause());
                return;
            }
            respond(request, result.result());
        });
    }

    private void respond(HttpServerRequest request, WriteOutcome outcome) {
        HttpServerResponse response = request.response();
        if (outcome instanceof WriteOutcome.Committed committed) {
            Responses.json(response, 200, new JsonObject().put("seq", committed.seq()).put("ack", "all"));
        } else if (outcome instanceof WriteOutcome.Durable durable) {
            Responses.json(response, 200, new JsonObject().put("seq", durable.seq())
                    .put("ack", durable.ack().wireName()));
        } else if (outcome instanceof WriteOutcome.PreconditionFailed failed) {
            if (failed.currentSeq() != 0) {
                response.putHeader("ETag", "\"" + failed.currentSeq() + "\"");
            }
            Responses.json(response, 412, new JsonObject().put("error", "precondition_failed")
                    .put("message", failed.currentSeq() == 0 ? "the key has no value; nothing was written"
                            : "the key's latest version is seq " + failed.currentSeq() + "; nothing was written")
                    .put("currentSeq", failed.currentSeq()));
        } else if (outcome instanceof WriteOutcome.Invalid invalid) {
            Responses.error(response, 400, "bad_query", invalid.reason());
        } else if (outcome instanceof WriteOutcome.NotHead notHead) {
            redirect(request, notHead.head(), "not_head", "writes are accepted by the head");
        } else if (outcome instanceof WriteOutcome.Rejected rejected) {
            response.putHeader("Retry-After", "1");
            Responses.error(response, 503, "unavailable", rejected.reason());
        } else if (outcome instanceof WriteOutcome.OutcomeUnknown unknown) {
            Responses.json(response, 504, new JsonObject().put("error", "outcome_unknown")
                    .put("message", "the write was assigned seq " + unknown.seq() + " but its commit was not seen: "
                            + unknown.reason() + "; it may or may not have taken effect")
                    .put("seq", unknown.seq()));
        } else {
            throw new AssertionError("unknown outcome " + outcome);
        }
    }

    private boolean redirectIfNotHead(HttpServerRequest request) {
        Optional<NodeDescriptor> head = runtime.writeRedirect();
        head.ifPresent(node -> redirect(request, node, "not_head", "writes are accepted by the head"));
        return head.isPresent();
    }

    private static void redirect(HttpServerRequest request, NodeDescriptor target, String code, String why) {
        String location = "http://" + target.http() + request.uri();
        request.response().putHeader("Location", location);
        Responses.json(request.response(), 307, new JsonObject().put("error", code)
                .put("message", why + ": " + target.id() + " at " + target.http()).put("location", location));
    }

    private static byte[] keyOrReject(HttpServerRequest request, String rawKey) {
        Keys.Decoded decoded = Keys.decode(rawKey);
        if (!decoded.isValid()) {
            Responses.errorAndClose(request, 400, "bad_key", decoded.problem());
            return null;
        }
        return decoded.bytes();
    }

}
