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
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends this node's {@link NodeReport} to the active master every {@code reportIntervalMs} (docs/master.md). The
 * reply renews the lease, counted from when the report was sent, and carries the current configuration. One
 * report is in flight at a time; a report that gets no answer within the interval simply lapses.
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
    private long timer = -1;
    private boolean inFlight;
    private String lastFailure = "";

    /**
     * @param localHost the node's own address: reports originate from it, so fault tests can cut one node off
     * @param master    where the active master is believed to be now
     */
    ControlPlaneClient(Vertx vertx, String localHost, long reportIntervalMs, Supplier<NodeReport> reports,
                       Supplier<HostPort> master, ReplyHandler handler) {
        this.vertx = vertx;
        this.client = vertx.createHttpClient(new HttpClientOptions().setLocalAddress(localHost)
                .setKeepAlive(true).setTcpNoDelay(true));
        this.reportIntervalMs = reportIntervalMs;
        this.reports = reports;
        this.master = master;
        this.handler = handler;
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
        HostPort target = master.get();
        NodeReport report = reports.get();
        long sentAtMs = NodeRuntime.nowMs();
        inFlight = true;
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(target.host())
                .setPort(target.port()).setURI("/nodes/report").setConnectTimeout(reportIntervalMs * 2)
                .setIdleTimeout(reportIntervalMs * 2).putHeader("Content-Type", "application/json");
        client.request(options)
                .compose(request -> request.send(Buffer.buffer(ControlPlaneJson.toJson(report).encode())))
                .compose(response -> response.body().map(body -> {
                    if (response.statusCode() != 200) {
                        throw new IllegalStateException("master answered " + response.statusCode() + ": " + body);
                    }
                    return ControlPlaneJson.reply(ControlPlaneJson.parse(body.toString()));
                }))
                .onComplete(result -> {
                    inFlight = false;
                    if (result.succeeded()) {
                        lastFailure = "";
                        handler.onReply(sentAtMs, result.result());
                    } else {
                        logFailure(target, result.cause());
                    }
                });
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
