package io.catena.master.runtime;

import io.catena.config.ControlPlaneJson;
import io.catena.config.HostPort;
import io.catena.master.api.BallotJson;
import io.catena.master.core.BallotMessage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP transport between masters: one {@code POST /masters/ballot} per message, the acceptor's answer in the
 * response. Every connection leaves from this master's own address, so that a partition between masters'
 * addresses (nft rules in the fault tests) cuts exactly these messages.
 */
final class MasterPeers {

    static final String PATH = "/masters/ballot";

    private final HttpClientAgent client;
    private final long timeoutMs;

    MasterPeers(Vertx vertx, HostPort self, long timeoutMs) {
        this.timeoutMs = timeoutMs;
        this.client = vertx.createHttpClient(new HttpClientOptions().setLocalAddress(self.host())
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMs)).setKeepAlive(true)
                .setTcpNoDelay(true));
    }

    /** Sends {@code message} to the master at {@code to}; the future holds its acceptor's answer. */
    Future<BallotMessage> send(HostPort to, BallotMessage message) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(to.host())
                .setPort(to.port()).setURI(PATH).setConnectTimeout(timeoutMs).setIdleTimeout(timeoutMs)
                .putHeader("Content-Type", "application/json");
        return client.request(options)
                .compose(request -> request.send(Buffer.buffer(BallotJson.toJson(message).encode())))
                .compose(response -> response.body().map(body -> {
                    if (response.statusCode() != 200) {
                        throw new IllegalStateException("master " + to + " answered " + response.statusCode() + " "
                                + body);
                    }
                    return BallotJson.message(ControlPlaneJson.parse(body.toString()));
                }))
                .timeout(timeoutMs, TimeUnit.MILLISECONDS);
    }

    Future<Void> close() {
        return client.close();
    }
}
