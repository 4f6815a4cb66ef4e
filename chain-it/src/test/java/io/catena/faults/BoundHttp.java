package io.catena.faults;

import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A blocking HTTP/1.1 client whose sockets originate from one loopback address ({@code 127.0.0.x}), so that nft
 * rules between addresses apply to it as to a process of its own (Linux would otherwise source loopback traffic
 * from 127.0.0.1). One per simulated client; safe to share between threads.
 */
final class BoundHttp implements AutoCloseable {

    /** What came back; {@code location} and {@code etag} are null when absent. */
    record Reply(int status, String body, String location, String etag) {
    }

    /** How a request without a reply ended: never sent (connection refused or not made), or sent and unanswered. */
    static final class NoReply extends Exception {
        private final boolean sent;

        NoReply(boolean sent, Throwable cause) {
            super((sent ? "sent, no answer: " : "not sent: ") + cause, cause, false, false);
            this.sent = sent;
        }

        /** Whether the request may have reached the server (its outcome is then unknown). */
        boolean sent() {
            return sent;
        }
    }

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);

    private final HttpClientAgent client;
    /**
     * Every request runs on this context's event loop, so that each step's continuation runs at once when the
     * step completes. Started from a thread of ours instead, {@code response.body()} can be asked for after the
     * response has already ended, and then never completes: measured, about one request in 50 hung that way.
     */
    private final Context context;

    BoundHttp(Vertx vertx, String sourceHost) {
        this.context = vertx.getOrCreateContext();
        this.client = vertx.createHttpClient(new HttpClientOptions().setLocalAddress(sourceHost).setKeepAlive(true));
    }

    /** Sends one request and waits for the whole answer, at most {@code timeout} after connecting. */
    Reply send(HttpMethod method, String hostPort, String pathAndQuery, String body, Duration timeout)
            throws NoReply {
        int colon = hostPort.lastIndexOf(':');
        RequestOptions options = new RequestOptions().setMethod(method).setHost(hostPort.substring(0, colon))
                .setPort(Integer.parseInt(hostPort.substring(colon + 1))).setURI(pathAndQuery)
                .setConnectTimeout(CONNECT_TIMEOUT.toMillis()).setIdleTimeout(timeout.toMillis());
        AtomicBoolean sent = new AtomicBoolean();
        Promise<Reply> reply = Promise.promise();
        context.runOnContext(v -> client.request(options)
                .compose(request -> {
                    sent.set(true);
                    return body == null ? request.send() : request.send(Buffer.buffer(body, "UTF-8"));
                })
                .compose(response -> response.body().map(bytes -> new Reply(response.statusCode(),
                        bytes.toString(StandardCharsets.UTF_8), response.getHeader("Location"),
                        response.getHeader("ETag"))))
                .onComplete(reply));
        try {
            return reply.future().toCompletionStage().toCompletableFuture()
                    .get(CONNECT_TIMEOUT.plus(timeout).plusSeconds(1).toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new NoReply(sent.get(), e.getCause());
        } catch (TimeoutException e) {
            throw new NoReply(sent.get(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NoReply(sent.get(), e);
        }
    }

    /** A GET that must answer 200; for the harness's own probes. */
    String getOk(String hostPort, String pathAndQuery) throws NoReply {
        Reply reply = send(HttpMethod.GET, hostPort, pathAndQuery, null, Duration.ofSeconds(3));
        if (reply.status() != 200) {
            throw new NoReply(false, new IllegalStateException("GET " + pathAndQuery + " at " + hostPort
                    + " answered " + reply.status() + ": " + reply.body()));
        }
        return reply.body();
    }

    @Override
    public void close() {
        client.close();
    }
}
