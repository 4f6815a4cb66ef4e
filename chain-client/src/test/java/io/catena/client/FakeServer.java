package io.catena.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.catena.config.HostPort;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A scripted HTTP server on 127.0.0.1 standing in for a node or a master: each request gets the next scripted
 * reply for its path prefix (the last one repeats), and every request is recorded.
 */
public final class FakeServer implements AutoCloseable {

    /** One request as it arrived. */
    public record Request(String method, String uri, Map<String, List<String>> headers, String body) {
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    public interface Reply {
        void send(HttpExchange exchange) throws IOException;
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Map<String, ConcurrentLinkedDeque<Reply>> scripts = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    /** Released at close: replies that never answer wait on it. */
    private final CountDownLatch closing = new CountDownLatch(1);

    public FakeServer() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public HostPort address() {
        return new HostPort("127.0.0.1", server.getAddress().getPort());
    }

    String url(String path) {
        return "http://" + address() + path;
    }

    /** Scripts the replies to requests whose path starts with {@code pathPrefix}, in order; the last repeats. */
    public FakeServer on(String pathPrefix, Reply... replies) {
        ConcurrentLinkedDeque<Reply> script = scripts.computeIfAbsent(pathPrefix, p -> new ConcurrentLinkedDeque<>());
        script.addAll(List.of(replies));
        return this;
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public List<Request> requestsTo(String pathPrefix) {
        return requests.stream().filter(r -> r.uri().startsWith(pathPrefix)).toList();
    }

    public static Reply json(int status, String body) {
        return exchange -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            if (status == 503) {
                exchange.getResponseHeaders().add("Retry-After", "0");
            }
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        };
    }

    public static Reply value(String value, long seq) {
        return exchange -> {
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("ETag", "\"" + seq + "\"");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        };
    }

    public static Reply redirect(String location) {
        return exchange -> {
            exchange.getResponseHeaders().add("Location", location + exchange.getRequestURI());
            byte[] bytes = "{\"error\":\"not_head\",\"message\":\"elsewhere\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(307, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        };
    }

    /** Takes the request and never answers (until the server closes). */
    public Reply silence() {
        return exchange -> {
            try {
                closing.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        };
    }

    private void handle(HttpExchange exchange) throws IOException {
        String uri = exchange.getRequestURI().toString();
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        requests.add(new Request(exchange.getRequestMethod(), uri, Map.copyOf(exchange.getRequestHeaders()), body));
        String path = exchange.getRequestURI().getPath();
        Reply reply = scripts.entrySet().stream().filter(e -> path.startsWith(e.getKey()))
                .max(java.util.Comparator.comparingInt(e -> e.getKey().length()))
                .map(e -> e.getValue().size() > 1 ? e.getValue().pollFirst() : e.getValue().peekFirst())
                .orElse(json(404, "{\"error\":\"no_route\",\"message\":\"not scripted\"}"));
        reply.send(exchange);
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
