package io.catena.http;

import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * A small route table: exact paths, and {@code /prefix/{param}} where the parameter is the raw (still
 * percent-encoded) rest of the path. A path that matches with another method gets 405 and an {@code Allow}
 * header; a path that matches nothing gets 404. Both are JSON errors.
 *
 * <p>With {@link #metrics} the table also serves {@code GET /metrics} and times every request it dispatches
 * (docs/operations.md).
 */
public final class Routes {

    /** The Prometheus text exposition format that {@code GET /metrics} answers in. */
    public static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    /** The route label of requests that matched no route, or were refused before routing. */
    static final String UNROUTED = "none";
    /** Histogram bucket bounds of request latency: 250 microseconds to 30 s. */
    private static final Duration[] LATENCY_BUCKETS = io.catena.config.LatencyBuckets.of(250_000, 30_000_000_000L);
    private static final Set<String> METHOD_LABELS = Set.of("GET", "HEAD", "PUT", "POST", "DELETE", "PATCH",
            "OPTIONS");

    private record Route(HttpMethod method, String pattern, String path, boolean hasParam,
                         BiConsumer<HttpServerRequest, String> handler) {
        boolean matches(String requestPath) {
            return hasParam ? requestPath.startsWith(path) : requestPath.equals(path);
        }
    }

    /** The labels of one request timer; the timers are looked up here, not rebuilt per request (a hot path). */
    private record TimerLabels(String route, String method, int status) {}

    private final List<Route> routes = new ArrayList<>();
    private final Map<TimerLabels, Timer> timers = new ConcurrentHashMap<>();
    private PrometheusMeterRegistry registry; // null: requests are not timed

    public Routes get(String pattern, BiConsumer<HttpServerRequest, String> handler) {
        return add(HttpMethod.GET, pattern, handler);
    }

    public Routes put(String pattern, BiConsumer<HttpServerRequest, String> handler) {
        return add(HttpMethod.PUT, pattern, handler);
    }

    public Routes post(String pattern, BiConsumer<HttpServerRequest, String> handler) {
        return add(HttpMethod.POST, pattern, handler);
    }

    public Routes delete(String pattern, BiConsumer<HttpServerRequest, String> handler) {
        return add(HttpMethod.DELETE, pattern, handler);
    }

    private Routes add(HttpMethod method, String pattern, BiConsumer<HttpServerRequest, String> handler) {
        boolean hasParam = pattern.endsWith("}");
        String path = hasParam ? pattern.substring(0, pattern.lastIndexOf('{')) : pattern;
        routes.add(new Route(method, pattern, path, hasParam, handler));
        return this;
    }

    /**
     * Times every request this table dispatches in {@code registry} ({@code catena_http_server_requests_seconds}
     * by route pattern, method and status) and serves {@code GET /metrics}: {@code beforeScrape} runs first (on
     * the server's event loop, so it may read state owned there), then the registry is written in the Prometheus
     * text format.
     */
    public Routes metrics(PrometheusMeterRegistry registry, Runnable beforeScrape) {
        this.registry = registry;
        return get("/metrics", (request, unused) -> {
            beforeScrape.run();
            request.response().setStatusCode(200).putHeader("Content-Type", PROMETHEUS_CONTENT_TYPE)
                    .end(registry.scrape());
        });
    }

    /**
     * Serves this table on {@code bind}: HTTP/1.1 only (no h2c upgrade, no HTTP/2 prior knowledge), no
     * compression, no Nagle; requests the HTTP decoder rejects (malformed Content-Length, oversized lines) get a
     * JSON error too.
     */
    public io.vertx.core.Future<io.vertx.core.http.HttpServer> listen(io.vertx.core.Vertx vertx,
                                                                       io.catena.config.HostPort bind) {
        io.vertx.core.http.HttpServerOptions options = new io.vertx.core.http.HttpServerOptions()
                .setHost(bind.host())
                .setPort(bind.port())
                .setTcpNoDelay(true)
                .setDecompressionSupported(false)
                .setHttp2ClearTextEnabled(false);
        return vertx.createHttpServer(options)
                .requestHandler(this::dispatch)
                .invalidRequestHandler(Responses::invalidRequest)
                .listen();
    }

    public void dispatch(HttpServerRequest request) {
        long startNanos = System.nanoTime();
        if (refuseFraming(request)) {
            time(request, UNROUTED, startNanos);
            return;
        }
        String path = request.path();
        Set<String> allowed = new LinkedHashSet<>();
        String matchedPattern = UNROUTED;
        for (Route route : routes) {
            if (!route.matches(path)) {
                continue;
            }
            if (route.method.equals(request.method())) {
                time(request, route.pattern, startNanos);
                route.handler.accept(request, route.hasParam ? path.substring(route.path.length()) : "");
                return;
            }
            allowed.add(route.method.name());
            matchedPattern = matchedPattern.equals(UNROUTED) ? route.pattern : matchedPattern;
        }
        time(request, matchedPattern, startNanos);
        if (allowed.isEmpty()) {
            Responses.error(request.response(), 404, "no_route", "no resource at " + path);
        } else {
            request.response().putHeader("Allow", String.join(", ", allowed));
            Responses.error(request.response(), 405, "method_not_allowed",
                    request.method().name() + " is not allowed on " + path + "; allowed: " + allowed);
        }
    }

    /**
     * Records the request once its response's status line and headers are about to be written: the latency a
     * client sees to the first byte (for these handlers, which end each response in one call, to the whole
     * answer). A request whose response never starts (the client went away first) is not recorded. Labels are
     * bounded: the route's pattern (never the raw path), a standard method name or {@code other}, the status.
     */
    private void time(HttpServerRequest request, String route, long startNanos) {
        PrometheusMeterRegistry timed = registry;
        if (timed == null) {
            return;
        }
        String method = METHOD_LABELS.contains(request.method().name()) ? request.method().name() : "other";
        request.response().headersEndHandler(v -> timers
                .computeIfAbsent(new TimerLabels(route, method, request.response().getStatusCode()),
                        labels -> requestTimer(timed, labels))
                .record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS));
    }

    private static Timer requestTimer(PrometheusMeterRegistry registry, TimerLabels labels) {
        return Timer.builder("catena.http.server.requests")
                .description("HTTP requests by route pattern, method and status, from dispatch to the response")
                .tags("route", labels.route(), "method", labels.method(), "status", Integer.toString(labels.status()))
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry);
    }

    /**
     * What the HTTP decoder lets through but RFC 9112 does not: an HTTP/1.1 request without exactly one Host
     * (section 3.2: answer 400). A request with Transfer-Encoding may also have carried a Content-Length, which the
     * decoder drops without a trace (section 6.3: the chunks frame the body); section 6.1 then requires closing the
     * connection after the response, so that a proxy that framed it by the length cannot smuggle a request in:
     * a request already pipelined behind it is dropped with the connection. A request pipelined behind any
     * response that closes its connection is dropped likewise. Returns true when the request was answered or
     * dropped.
     */
    private boolean refuseFraming(HttpServerRequest request) {
        if (Responses.isClosing(request.connection())) {
            request.connection().close();
            return true;
        }
        if (request.version() == io.vertx.core.http.HttpVersion.HTTP_1_1
                && request.headers().getAll("Host").size() != 1) {
            Responses.errorAndClose(request, 400, "bad_request",
                    "an HTTP/1.1 request carries exactly one Host header");
            return true;
        }
        if (request.headers().contains("Transfer-Encoding")) {
            Responses.closeAfterResponse(request);
        }
        return false;
    }
}
