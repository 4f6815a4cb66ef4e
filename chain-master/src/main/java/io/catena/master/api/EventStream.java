package io.catena.master.api;

import io.catena.http.Responses;
import io.catena.master.runtime.MasterRuntime;
import io.catena.master.runtime.Reconfiguration;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /events}: the dashboard's server-sent events (docs/master.md, "Dashboard"). Each stream gets the
 * configurations installed so far ({@code event: reconfiguration}, the last {@link #RECONFIGURATIONS_KEPT}) and the
 * {@code /chain} snapshot ({@code event: chain}) at once; then each new configuration as it is installed, followed
 * by a snapshot; and a snapshot whenever the view changes (checked every {@link #CHECK_INTERVAL_MS}) or
 * {@link #SNAPSHOT_INTERVAL_MS} has passed, which also keeps idle connections open.
 *
 * <p>Everything here runs on the master's event loop and never blocks: a stream whose client does not read fast
 * enough to keep its write queue under {@link #QUEUE_BYTES_MAX} is closed (the browser's EventSource reconnects),
 * so a slow client costs a bounded amount of memory.
 */
final class EventStream {

    /** Open streams at most; one more is refused with 503. */
    static final int CLIENTS_MAX = 64;
    /** A snapshot at least this often, changed or not (lease and lag figures move; keeps proxies from timing out). */
    static final long SNAPSHOT_INTERVAL_MS = 1_000;
    /** How often the view is compared with the last snapshot sent. */
    static final long CHECK_INTERVAL_MS = 200;
    /** Installed configurations replayed to a new stream. */
    static final int RECONFIGURATIONS_KEPT = 32;
    /** Bytes queued for one stream before it counts as too slow and is closed. */
    static final int QUEUE_BYTES_MAX = 256 * 1024;
    /** How long a browser waits before reconnecting a dropped stream. */
    static final long RETRY_MS = 1_000;

    private static final Logger log = LoggerFactory.getLogger(EventStream.class);

    private final MasterRuntime runtime;
    private final Supplier<JsonObject> snapshot;
    private final Set<HttpServerResponse> clients = new LinkedHashSet<>();
    private final Deque<JsonObject> reconfigurations = new ArrayDeque<>();
    private String lastSignature = "";
    private long lastSnapshotMs;
    private Vertx vertx;
    private long timer = -1;

    /** @param snapshot the {@code GET /chain} body, read on the event loop */
    EventStream(MasterRuntime runtime, Supplier<JsonObject> snapshot) {
        this.runtime = runtime;
        this.snapshot = snapshot;
        runtime.onReconfiguration(this::reconfigured);
    }

    /** Starts the periodic snapshots; call on the master's event loop. */
    void start(Vertx vertx) {
        this.vertx = vertx;
        timer = vertx.setPeriodic(CHECK_INTERVAL_MS, id -> tick());
    }

    /** Stops the snapshots and ends every stream. */
    void close() {
        if (vertx != null) {
            vertx.cancelTimer(timer);
        }
        endAll();
    }

    /** {@code GET /events}. */
    void open(HttpServerRequest request) {
        if (clients.size() >= CLIENTS_MAX) {
            request.response().putHeader("Retry-After", "5");
            Responses.error(request.response(), 503, "too_many_streams", "this master serves at most "
                    + CLIENTS_MAX + " event streams at once; close another dashboard or retry later");
            return;
        }
        HttpServerResponse response = request.response();
        response.setStatusCode(200).setChunked(true).setWriteQueueMaxSize(QUEUE_BYTES_MAX)
                .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("Cache-Control", "no-store");
        response.closeHandler(v -> clients.remove(response));
        response.exceptionHandler(e -> {
            log.debug("event stream to {} failed: {}", request.remoteAddress(), e.toString());
            clients.remove(response);
        });
        clients.add(response);
        StringBuilder first = new StringBuilder("retry: ").append(RETRY_MS).append("\n\n");
        reconfigurations.forEach(event -> first.append(frame("reconfiguration", event)));
        first.append(frame("chain", snapshot.get()));
        send(response, first.toString());
    }

    // ------------------------------------------------------------ publishing

    private void reconfigured(Reconfiguration installed) {
        JsonObject event = new JsonObject()
                .put("timeMs", installed.timeMs())
                .put("epoch", installed.epoch())
                .put("chain", new JsonArray(new ArrayList<>(installed.chain())))
                .put("learners", new JsonArray(new ArrayList<>(installed.learners())))
                .put("reason", installed.reason());
        reconfigurations.addLast(event);
        while (reconfigurations.size() > RECONFIGURATIONS_KEPT) {
            reconfigurations.removeFirst();
        }
        broadcast(frame("reconfiguration", event));
        sendSnapshot();
    }

    private void tick() {
        if (runtime.halted()) {
            endAll(); // a master that could not persist publishes nothing more
            return;
        }
        if (clients.isEmpty()) {
            return;
        }
        JsonObject body = snapshot.get();
        // due one check early, so that the gap between two snapshots stays within SNAPSHOT_INTERVAL_MS
        boolean due = nowMs() - lastSnapshotMs + CHECK_INTERVAL_MS >= SNAPSHOT_INTERVAL_MS;
        if (due || !signature(body).equals(lastSignature)) {
            publish(body);
        }
    }

    private void sendSnapshot() {
        if (!clients.isEmpty() && !runtime.halted()) {
            publish(snapshot.get());
        }
    }

    private void publish(JsonObject body) {
        lastSignature = signature(body);
        lastSnapshotMs = nowMs();
        broadcast(frame("chain", body));
    }

    private void broadcast(String frame) {
        for (HttpServerResponse client : List.copyOf(clients)) {
            send(client, frame);
        }
    }

    private void send(HttpServerResponse client, String frame) {
        if (client.closed() || client.ended()) {
            clients.remove(client);
            return;
        }
        if (client.writeQueueFull()) {
            log.info("closing the event stream of a dashboard that does not keep up ({} bytes queued)",
                    QUEUE_BYTES_MAX);
            clients.remove(client);
            client.reset();
            return;
        }
        client.write(Buffer.buffer(frame));
    }

    private void endAll() {
        for (HttpServerResponse client : List.copyOf(clients)) {
            if (!client.closed() && !client.ended()) {
                client.end();
            }
        }
        clients.clear();
    }

    /** The view without what moves on its own (lease time left): a change in it is worth a snapshot at once. */
    private static String signature(JsonObject body) {
        JsonObject copy = body.copy();
        for (String list : List.of("chain", "others")) {
            JsonArray nodes = copy.getJsonArray(list);
            if (nodes != null) {
                nodes.forEach(node -> ((JsonObject) node).remove("leaseLeftMs"));
            }
        }
        return copy.encode();
    }

    /** One server-sent event; JSON encodes newlines inside strings, so {@code data} is one line. */
    static String frame(String event, JsonObject data) {
        return "event: " + event + "\ndata: " + data.encode() + "\n\n";
    }

    private static long nowMs() {
        return System.nanoTime() / 1_000_000;
    }
}
