package io.catena.node.api;

import io.catena.config.NodeDescriptor;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/**
 * CRAQ's version query: a node asked for a strong read of a dirty key asks the tail for the key's committed
 * version, with a plain tail read ({@code GET /kv/{key}}). Sockets originate from this node's own address, so
 * that a partition between node addresses cuts these requests too.
 */
final class TailQuery {

    /** The tail's answer: its status, ETag and body, relayed to the client as they are. */
    record Answer(int status, String etag, Buffer body) {
    }

    private final HttpClientAgent client;
    private final long timeoutMs;

    TailQuery(Vertx vertx, String localHost, long timeoutMs) {
        this.client = vertx.createHttpClient(new HttpClientOptions().setLocalAddress(localHost)
                .setKeepAlive(true));
        this.timeoutMs = timeoutMs;
    }

    Future<Answer> committedVersion(NodeDescriptor tail, String rawKey) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(tail.http().host())
                .setPort(tail.http().port()).setURI("/kv/" + rawKey).setConnectTimeout(timeoutMs)
                .setIdleTimeout(timeoutMs);
        return client.request(options)
                .compose(request -> request.send())
                .compose(response -> response.body().map(body -> new Answer(response.statusCode(),
                        response.getHeader("ETag"), body)));
    }
}
