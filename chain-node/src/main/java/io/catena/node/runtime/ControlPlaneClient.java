package io.catena.node.runtime;

import io.catena.config.ControlPlaneJson;
import io.catena.config.HostPort;
import io.catena.config.NodeReport;
import io.catena.config.ReportReply;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends this node's {@link NodeReport} to the active master every {@code reportIntervalMs} (docs/master.md). The
 * reply renews the lease, counted from when the report was sent, and carries the current configuration. One
 * report is in flight at a time; a report that gets no answer within the interval simply lapses.
 *
 * <p>A master that does not lead answers {@code 307} with {@code {"activeMaster": {"http": ...}}}: the client
 * sends the same report there at once (one redirect per report, so two masters naming each other cannot bounce
 * it forever) and tells the runtime, which reports there from then on. A report that fails (no answer, or a
 * master that knows no active master) is also told, so that the runtime can try another master next time.
 */
final class ControlPlaneClient {

    /** What the runtime does with a reply, on its event loop. */
    interface ReplyHandler {
        void onReply(long sentAtMs, ReportReply reply);
    }

    private static final Logger log = LoggerFactory.getLogger(ControlPlaneClient.class);

    private final Vertx vertx;
    private final HttpClientAgent client;
    private final long reportIntervalMs;
    private final Supplier<NodeReport> reports;
    private final Supplier<HostPort> master;
    private final ReplyHandler handler;
    private final Consumer<HostPort> onRedirect;
    private final Runnable onFailure;
    private long timer = -1;
    private boolean inFlight;
    private String lastFailure = "";

    /**
     * @param localHost the node's own address: reports originate from it, so fault tests can cut one node off
     * @param master    where the active master is believed to be now
     * @param onRedirect told where a master that does not lead sent us
     * @param onFailure  told when a report got no reply
     */
    ControlPlaneClient(Vertx vertx, String localHost, long reportIntervalMs, Supplier<NodeReport> reports,
                       Supplier<HostPort> master, ReplyHandler handler, Consumer<HostPort> onRedirect,
                       Runnable onFailure) {
        this.vertx = vertx;
        this.client = vertx.createHttpClient(new HttpClientOptions().setLocalAddress(localHost)
                .setKeepAlive(true).setTcpNoDelay(true));
        this.reportIntervalMs = reportIntervalMs;
        this.reports = reports;
        this.master = master;
        this.handler = handler;
        this.onRedirect = onRedirect;
        this.onFailure = onFailure;
    }

    void start() {
        reportOnce();
        timer = vertx.setPeriodic(reportIntervalMs, id -> reportOnce());
    }

    void stop() {
        vertx.cancelTimer(timer);
        client.close();
    }

    private void reportOnce() {
        if (inFlight) {
            return;
        }
        inFlight = true;
        send(master.get(), reports.get(), NodeRuntime.nowMs(), true);
    }

    /** @param sentAtMs when the first attempt left: the lease counts from there, the earlier, safe side */
    private void send(HostPort target, NodeReport report, long sentAtMs, boolean mayFollow) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(target.host())
                .setPort(target.port()).setURI("/nodes/report").setConnectTimeout(reportIntervalMs * 2)
                .setIdleTimeout(reportIntervalMs * 2).putHeader("Content-Type", "application/json");
        client.request(options)
                .compose(request -> request.send(Buffer.buffer(ControlPlaneJson.toJson(report).encode())))
                .compose(response -> response.body().map(body -> {
                    if (response.statusCode() == 307 && mayFollow) {
                        return redirectTarget(body.toString());
                    }
                    if (response.statusCode() != 200) {
                        throw new IllegalStateException("master answered " + response.statusCode() + ": " + body);
                    }
                    return ControlPlaneJson.reply(ControlPlaneJson.parse(body.toString()));
                }))
                .onComplete(result -> {
                    if (result.succeeded() && result.result() instanceof HostPort active) {
                        log.info("master at {} does not lead; reporting to the active master at {}", target, active);
                        onRedirect.accept(active);
                        send(active, report, sentAtMs, false);
                        return;
                    }
                    inFlight = false;
                    if (result.succeeded()) {
                        lastFailure = "";
                        handler.onReply(sentAtMs, (ReportReply) result.result());
                    } else {
                        logFailure(target, result.cause());
                        onFailure.run();
                    }
                });
    }

    /** The active master a 307 names ({@code activeMaster.http}). */
    private static HostPort redirectTarget(String body) {
        JsonObject active = ControlPlaneJson.parse(body).getJsonObject("activeMaster");
        if (active == null || active.getString("http") == null) {
            throw new IllegalStateException("master answered 307 without naming the active master: " + body);
        }
        return HostPort.parse(active.getString("http"));
    }

    /** Logs a failure once per distinct cause, not every interval. */
    private void logFailure(HostPort target, Throwable cause) {
        String failure = String.valueOf(cause.getMessage());
        if (!failure.equals(lastFailure)) {
            lastFailure = failure;
            log.warn("report to master at {} failed: {} (retrying every {} ms)", target, failure, reportIntervalMs);
        }
    }
}
