package io.catena.client.bench;

import io.catena.client.Consistency;
import io.catena.client.Paths;
import io.catena.config.HostPort;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The bench's own transport: Vert.x's HTTP client on one event loop, one keep-alive connection per lane, writes
 * straight to the head and reads to the tail (or to the node given), a {@code 307} followed and remembered for the
 * next request. {@code CatenaClient} goes through the JDK's HttpClient, which here cost about 1.4 of the 2 cores
 * at 2 000 requests/s and capped {@code catena bench} there, against a node that wrk drives at 49 000 writes/s: a
 * load generator must cost little next to what it measures. Retries are left out on purpose: a refused request
 * is counted as an error, by status ({@code http_503}) or by cause.
 */
public final class HttpOperations implements LoadGenerator.Operations, AutoCloseable {

    static final int REDIRECTS_MAX = 3;

    /** A status the bench does not take as an answer; {@link LoadGenerator} counts it as {@code http_<status>}. */
    static final class StatusException extends RuntimeException {
        final int status;

        StatusException(int status, String body) {
            super("HTTP " + status + ": " + body);
            this.status = status;
        }
    }

    private final Vertx vertx;
    /**
     * Every request starts on this context's event loop. Started from one of the bench's threads instead, a
     * response's {@code body()} can be asked for after the response has ended and then never completes: lanes
     * hung that way (4 of 16 in a 3 s run), as the fault suite's harness had seen before.
     */
    private final Context context;
    private final HttpClient http;
    private final String writeQuery;
    private final String readQuery;
    private final long requestTimeoutMs;
    private volatile HostPort writeTarget;
    private volatile HostPort readTarget;

    public HttpOperations(HostPort writeTarget, HostPort readTarget, BenchConfig config, long requestTimeoutMs) {
        this.writeTarget = writeTarget;
        this.readTarget = readTarget;
        this.requestTimeoutMs = requestTimeoutMs;
        this.writeQuery = config.ack() == null ? "" : "?ack=" + Paths.encode(config.ack().wire());
        this.readQuery = config.consistency() == Consistency.TAIL ? ""
                : "?consistency=" + config.consistency().name().toLowerCase(Locale.ROOT);
        this.vertx = Vertx.vertx();
        this.context = vertx.getOrCreateContext();
        this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setConnectTimeout(5_000),
                new PoolOptions().setHttp1MaxSize(config.connections()));
    }

    @Override
    public CompletableFuture<Boolean> read(String key) {
        String uri = "/kv/" + Paths.encode(key) + readQuery;
        return onContext(() -> send(HttpMethod.GET, readTarget, uri, null, false, 0))
                .thenApply(status -> status == 200);
    }

    @Override
    public CompletableFuture<?> write(String key, byte[] value) {
        String uri = "/kv/" + Paths.encode(key) + writeQuery;
        Buffer body = Buffer.buffer(value);
        return onContext(() -> send(HttpMethod.PUT, writeTarget, uri, body, true, 0));
    }

    private CompletableFuture<Integer> onContext(Supplier<Future<Integer>> request) {
        Promise<Integer> answer = Promise.promise();
        context.runOnContext(v -> request.get().onComplete(answer));
        return answer.future().toCompletionStage().toCompletableFuture();
    }

    /** The answer's status: 200/201, or 404 for a read; a 307 is followed; anything else fails. */
    private Future<Integer> send(HttpMethod method, HostPort target, String uri, Buffer body, boolean write,
                                 int redirects) {
        RequestOptions options = new RequestOptions().setMethod(method).setHost(target.host())
                .setPort(target.port()).setURI(uri).setIdleTimeout(requestTimeoutMs);
        return http.request(options)
                .compose(request -> body == null ? request.send() : request.send(body))
                .compose(response -> response.body().compose(answer -> {
                    int status = response.statusCode();
                    if (status == 200 || status == 201 || (!write && status == 404)) {
                        return Future.succeededFuture(status);
                    }
                    String location = response.getHeader("Location");
                    if (status == 307 && location != null && redirects < REDIRECTS_MAX) {
                        URI next = URI.create(location);
                        HostPort moved = new HostPort(next.getHost(), next.getPort());
                        if (write) {
                            writeTarget = moved;
                        } else {
                            readTarget = moved;
                        }
                        String path = next.getRawPath() + (next.getRawQuery() == null ? "" : "?" + next.getRawQuery());
                        return send(method, moved, path, body, write, redirects + 1);
                    }
                    return Future.failedFuture(new StatusException(status, answer.toString()));
                }));
    }

    @Override
    public void close() {
        http.close().eventually(vertx::close).toCompletionStage().toCompletableFuture()
                .completeOnTimeout(null, 5, TimeUnit.SECONDS).join();
    }
}
