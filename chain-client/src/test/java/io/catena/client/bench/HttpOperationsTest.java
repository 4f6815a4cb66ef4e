package io.catena.client.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.catena.client.Consistency;
import io.catena.config.HostPort;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link HttpOperations} against small Vert.x servers standing in for a head, a tail and a node that redirects. */
class HttpOperationsTest {

    final Vertx vertx = Vertx.vertx();
    final Map<String, String> stored = new ConcurrentHashMap<>();
    final AtomicInteger redirected = new AtomicInteger();

    @AfterEach
    void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    /** PUT stores and answers 200 with a seq; GET answers 200 or 404. */
    HostPort node() {
        AtomicInteger seq = new AtomicInteger();
        return listen(vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
            String key = request.path();
            if (request.method() == HttpMethod.PUT) {
                stored.put(key, body.toString());
                request.response().putHeader("Content-Type", "application/json")
                        .end("{\"seq\":" + seq.incrementAndGet() + ",\"ack\":\"all\"}");
            } else if (stored.containsKey(key)) {
                request.response().end(stored.get(key));
            } else {
                request.response().setStatusCode(404).end("{\"error\":\"not_found\"}");
            }
        })));
    }

    /** Answers every request with a 307 to {@code target}, as a node in the wrong role does. */
    HostPort redirectingTo(HostPort target) {
        return listen(vertx.createHttpServer().requestHandler(request -> {
            redirected.incrementAndGet();
            request.response().setStatusCode(307)
                    .putHeader("Location", "http://" + target.host() + ":" + target.port() + request.uri()).end();
        }));
    }

    HostPort listen(HttpServer server) {
        HttpServer started = server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().join();
        return new HostPort("127.0.0.1", started.actualPort());
    }

    static BenchConfig config(int connections, double readRatio) {
        return new BenchConfig(Duration.ofMillis(1_500), Duration.ofMillis(200), connections, 0, 200, 100, readRatio,
                null, Consistency.TAIL, "bench-");
    }

    @Test
    void every_lane_finishes_and_every_request_is_answered() throws Exception {
        HostPort node = node();
        BenchConfig config = config(16, 0.5);
        BenchResult result;
        try (HttpOperations operations = new HttpOperations(node, node, config, 5_000)) {
            result = new LoadGenerator(operations, config).run();
        }

        assertThat(result.json().getJsonObject("errorsByCode").getMap()).as("no hung lane, no error").isEmpty();
        assertThat(result.json().getLong("writes")).isGreaterThan(100);
        assertThat(result.json().getLong("reads")).isGreaterThan(100);
        assertThat(stored).isNotEmpty().allSatisfy((key, value) -> assertThat(value).hasSize(100));
    }

    @Test
    void a_307_is_followed_once_and_then_remembered() throws Exception {
        HostPort head = node();
        HostPort wrongNode = redirectingTo(head);
        BenchConfig config = config(1, 0);
        try (HttpOperations operations = new HttpOperations(wrongNode, wrongNode, config, 5_000)) {
            operations.write("k1", new byte[] {'a'}).get(5, TimeUnit.SECONDS);
            operations.write("k2", new byte[] {'b'}).get(5, TimeUnit.SECONDS);
        }

        assertThat(stored).containsOnlyKeys("/kv/k1", "/kv/k2");
        assertThat(redirected).as("only the first write went to the wrong node").hasValue(1);
    }

    @Test
    void a_refused_request_is_an_error_named_by_its_status() throws Exception {
        HostPort refusing = listen(vertx.createHttpServer().requestHandler(request ->
                request.response().setStatusCode(503).end("{\"error\":\"no_lease\"}")));
        BenchConfig config = config(2, 0);
        BenchResult result;
        try (HttpOperations operations = new HttpOperations(refusing, refusing, config, 5_000)) {
            result = new LoadGenerator(operations, config).run();
        }

        assertThat(result.json().getJsonObject("errorsByCode").getMap()).containsOnlyKeys("http_503");
        assertThat(result.json().getLong("writes")).isZero();
    }
}
