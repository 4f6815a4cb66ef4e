package io.catena.client;

import io.catena.config.HostPort;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A Catena client: writes go to the head, reads to the tail (or to a chosen node), following 307s and
 * re-discovering the chain when it changes. Retries follow {@link RetryRules} (docs/client.md): a write is resent
 * only when it surely was not applied; otherwise it ends in {@link OutcomeUnknownException}.
 *
 * <p>The chain is discovered from the master's {@code GET /chain} or, given only a node, from that node's
 * {@code GET /status} and the {@code Location} of the 307s it answers. Every operation has an async form
 * (HTTP through {@link HttpClient#sendAsync}, no thread per request) and a blocking one. Thread-safe.
 */
public final class CatenaClient {

    static final Duration CONNECT_TIMEOUT_DEFAULT = Duration.ofSeconds(2);
    /** Longer than the node's default writeTimeoutMs (30 s), so a slow write ends in its 504 with a seq. */
    static final Duration REQUEST_TIMEOUT_DEFAULT = Duration.ofSeconds(35);
    static final Duration RETRY_TIMEOUT_DEFAULT = Duration.ofSeconds(15);

    private final List<HostPort> masters;
    private final HostPort seedNode;
    private final Duration requestTimeout;
    private final Duration retryTimeout;
    private final HttpClient http;
    private final Discovery discovery;

    private CatenaClient(Builder builder) {
        this.masters = List.copyOf(builder.masters);
        this.seedNode = builder.node;
        if (masters.isEmpty() && seedNode == null) {
            throw new IllegalArgumentException("a client needs a master or a node to start from");
        }
        this.requestTimeout = builder.requestTimeout;
        this.retryTimeout = builder.retryTimeout;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER) // followed here, to learn the new head or tail
                .connectTimeout(builder.connectTimeout)
                .build();
        this.discovery = new Discovery();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Where the client starts from and how long it waits. */
    public static final class Builder {
        private final List<HostPort> masters = new ArrayList<>();
        private HostPort node;
        private Duration connectTimeout = CONNECT_TIMEOUT_DEFAULT;
        private Duration requestTimeout = REQUEST_TIMEOUT_DEFAULT;
        private Duration retryTimeout = RETRY_TIMEOUT_DEFAULT;

        /** A master to discover the chain from; several are tried in order. */
        public Builder master(HostPort master) {
            masters.add(Objects.requireNonNull(master, "master"));
            return this;
        }

        /** Start from this node instead of a master: requests go to it and follow its 307s. */
        public Builder node(HostPort seed) {
            this.node = Objects.requireNonNull(seed, "node");
            return this;
        }

        public Builder connectTimeout(Duration value) {
            this.connectTimeout = positive(value, "connect timeout");
            return this;
        }

        /** How long one request may take before its answer is given up on (a write's outcome is then unknown). */
        public Builder requestTimeout(Duration value) {
            this.requestTimeout = positive(value, "request timeout");
            return this;
        }

        /** How long an operation keeps retrying failures that did nothing (503, refused connections). */
        public Builder retryTimeout(Duration value) {
            this.retryTimeout = Objects.requireNonNull(value, "retry timeout");
            if (value.isNegative()) {
                throw new IllegalArgumentException("the retry timeout must not be negative: " + value);
            }
            return this;
        }

        public CatenaClient build() {
            return new CatenaClient(this);
        }

        private static Duration positive(Duration value, String what) {
            Objects.requireNonNull(value, what);
            if (value.isZero() || value.isNegative()) {
                throw new IllegalArgumentException("the " + what + " must be positive: " + value);
            }
            return value;
        }
    }

    // ------------------------------------------------------------ operations

    public CompletableFuture<WriteResult> putAsync(String key, byte[] value, WriteOptions options) {
        Objects.requireNonNull(value, "value");
        return execute(writeCall("PUT", key, value, options)).thenApply(CatenaClient::writeResult);
    }

    public CompletableFuture<WriteResult> deleteAsync(String key, WriteOptions options) {
        return execute(writeCall("DELETE", key, null, options)).thenApply(CatenaClient::writeResult);
    }

    /** The value and its seq, or empty when the key has none. */
    public CompletableFuture<Optional<Value>> getAsync(String key, ReadOptions options) {
        Consistency consistency = options.consistency();
        String path = Paths.key(key) + new Paths.Query().add("consistency", consistency.wire())
                .add("min_seq", options.minSeq());
        Target target = options.node() != null ? Target.at(options.node())
                : consistency == Consistency.TAIL ? Target.TAIL : Target.ANY_MEMBER;
        return execute(new Call(false, "GET", path, null, List.of(), target)).thenApply(CatenaClient::value);
    }

    /**
     * One page of committed pairs at the tail, in key order. {@code prefix} and {@code after} may be null;
     * {@code limit} null leaves the node's default (100); the node caps it at its {@code scanLimitMax}.
     */
    public CompletableFuture<ScanPage> scanAsync(String prefix, String after, Integer limit, boolean values) {
        String path = "/kv" + new Paths.Query().add("prefix", prefix).add("after", after).add("limit", limit)
                .add("values", values ? null : "false");
        return execute(new Call(false, "GET", path, null, List.of(), Target.TAIL)).thenApply(CatenaClient::page);
    }

    public WriteResult put(String key, byte[] value) {
        return await(putAsync(key, value, WriteOptions.DEFAULT));
    }

    public WriteResult put(String key, byte[] value, WriteOptions options) {
        return await(putAsync(key, value, options));
    }

    public WriteResult delete(String key) {
        return await(deleteAsync(key, WriteOptions.DEFAULT));
    }

    public WriteResult delete(String key, WriteOptions options) {
        return await(deleteAsync(key, options));
    }

    public Optional<Value> get(String key) {
        return await(getAsync(key, ReadOptions.DEFAULT));
    }

    public Optional<Value> get(String key, ReadOptions options) {
        return await(getAsync(key, options));
    }

    public ScanPage scan(String prefix, String after, Integer limit, boolean values) {
        return await(scanAsync(prefix, after, limit, values));
    }

    /** The master's view now ({@code GET /chain}), asked once: an unreachable master is an UnavailableException. */
    public ChainView chain() {
        if (masters.isEmpty()) {
            throw new IllegalStateException("this client was given no master");
        }
        return await(discovery.chainOnce());
    }

    /** A node's own {@code GET /status}, asked once. */
    public NodeStatus status(HostPort node) {
        return await(getJson(node, "/status").thenApply(NodeStatus::fromJson));
    }

    /** The epoch of the chain the client last routed by; -1 before the first discovery or in node mode. */
    public long epoch() {
        Route route = discovery.current.get();
        return route == null ? -1 : route.epoch();
    }

    // ------------------------------------------------------------ one operation: attempts, redirects, retries

    /** Which node a request goes to first. */
    private record Target(String kind, HostPort node) {
        static final Target HEAD = new Target("head", null);
        static final Target TAIL = new Target("tail", null);
        static final Target ANY_MEMBER = new Target("any", null);

        static Target at(HostPort node) {
            return new Target("node", node);
        }
    }

    private record Call(boolean write, String method, String path, byte[] body, List<String> headers, Target target) {
    }

    private Call writeCall(String method, String key, byte[] body, WriteOptions options) {
        List<String> headers = new ArrayList<>();
        if (options.ifMatch() != null) {
            headers.add("If-Match");
            headers.add("\"" + options.ifMatch() + "\"");
        }
        if (options.ifAbsent()) {
            headers.add("If-None-Match");
            headers.add("*");
        }
        String path = Paths.key(key) + new Paths.Query().add("ack", options.ack());
        return new Call(true, method, path, body, headers, Target.HEAD);
    }

    private CompletableFuture<HttpResponse<byte[]>> execute(Call call) {
        Execution execution = new Execution(call, System.nanoTime() + retryTimeout.toNanos());
        execution.attempt(null);
        return execution.result;
    }

    /** The state of one operation across its attempts. */
    private final class Execution {
        final Call call;
        final long deadlineNs;
        final CompletableFuture<HttpResponse<byte[]>> result = new CompletableFuture<>();
        int redirects;
        int retries;
        Route routeUsed;

        Execution(Call call, long deadlineNs) {
            this.call = call;
            this.deadlineNs = deadlineNs;
        }

        /** Sends to {@code location} (a 307's), or to the target on the current route when null. */
        void attempt(String location) {
            CompletableFuture<HttpResponse<byte[]>> sent;
            if (location != null) {
                sent = send(URI.create(location));
            } else {
                sent = discovery.route().thenCompose(route -> {
                    routeUsed = route;
                    return send(uri(pick(route, call.target()), call.path()));
                });
            }
            sent.whenComplete(this::onAttempt);
        }

        private CompletableFuture<HttpResponse<byte[]>> send(URI uri) {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(requestTimeout)
                    .method(call.method(), call.body() == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(call.body()));
            if (call.body() != null) {
                request.header("Content-Type", "application/octet-stream");
            }
            for (int i = 0; i < call.headers().size(); i += 2) {
                request.header(call.headers().get(i), call.headers().get(i + 1));
            }
            return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        }

        private void onAttempt(HttpResponse<byte[]> response, Throwable failure) {
            Attempt attempt;
            try {
                attempt = response != null ? answered(response) : failed(failure);
            } catch (RuntimeException unexpected) {
                result.completeExceptionally(unexpected);
                return;
            }
            long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime());
            Decision decision = RetryRules.decide(attempt, call.write(), redirects, retries, remainingMs);
            if (decision instanceof Decision.Done) {
                result.complete(response);
            } else if (decision instanceof Decision.Follow follow) {
                redirects++;
                discovery.learn(call.target(), follow.location());
                attempt(follow.location());
            } else if (decision instanceof Decision.Retry retry) {
                retries++;
                redirects = 0;
                discovery.forget(routeUsed);
                CompletableFuture.delayedExecutor(retry.delayMs(), TimeUnit.MILLISECONDS).execute(() -> attempt(null));
            } else if (decision instanceof Decision.Surface surface) {
                result.completeExceptionally(surface.failure());
            } else {
                throw new AssertionError("unknown decision " + decision);
            }
        }
    }

    private static HostPort pick(Route route, Target target) {
        return switch (target.kind()) {
            case "head" -> route.head();
            case "tail" -> route.tail();
            case "any" -> route.members().get(ThreadLocalRandom.current().nextInt(route.members().size()));
            case "node" -> target.node();
            default -> throw new AssertionError("unknown target " + target);
        };
    }

    /** Turns a failure to get an answer into an attempt; failures that are not I/O are rethrown. */
    private static Attempt failed(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof CatenaException surfaced) {
            throw surfaced;
        }
        if (cause instanceof Discovery.NoRoute noRoute) {
            return new Attempt.NotSent(noRoute.getMessage());
        }
        if (cause instanceof ConnectException || cause instanceof HttpConnectTimeoutException) {
            return new Attempt.NotSent("could not connect: " + describe(cause));
        }
        if (cause instanceof IOException) {
            return new Attempt.Lost(describe(cause));
        }
        throw cause instanceof RuntimeException runtime ? runtime : new CompletionException(cause);
    }

    private static Attempt answered(HttpResponse<byte[]> response) {
        int status = response.statusCode();
        String location = response.headers().firstValue("Location").orElse(null);
        long retryAfterMs = response.headers().firstValue("Retry-After").map(CatenaClient::retryAfterMs).orElse(0L);
        if (status < 300) {
            return new Attempt.Answered(status, null, null, null, location, retryAfterMs);
        }
        JsonObject error = errorBody(response.body());
        return new Attempt.Answered(status, error.getString("error"), error.getString("message"),
                error.getValue("seq") instanceof Number seq ? seq.longValue() : null, location, retryAfterMs);
    }

    private static long retryAfterMs(String seconds) {
        try {
            return Math.max(0, Long.parseLong(seconds.trim())) * 1_000;
        } catch (NumberFormatException e) {
            return 0; // an HTTP date: not sent by Catena; fall back to the backoff
        }
    }

    private static JsonObject errorBody(byte[] body) {
        try {
            return new JsonObject(new String(body, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            return new JsonObject(); // not JSON: not a Catena node (a proxy?); the status alone decides
        }
    }

    // ------------------------------------------------------------ answers into results

    private static WriteResult writeResult(HttpResponse<byte[]> response) {
        JsonObject body = json(response.body());
        Long seq = body.getLong("seq");
        if (seq == null) {
            throw new IllegalStateException("a write's answer without seq: " + body.encode());
        }
        return new WriteResult(seq, body.getString("ack"));
    }

    private static Optional<Value> value(HttpResponse<byte[]> response) {
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        String etag = response.headers().firstValue("ETag").orElse("\"-1\"").replace("\"", "");
        return Optional.of(new Value(response.body(), Long.parseLong(etag)));
    }

    private static ScanPage page(HttpResponse<byte[]> response) {
        JsonObject body = json(response.body());
        JsonArray array = body.getJsonArray("items");
        List<ScanPage.Item> items = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            JsonObject item = array.getJsonObject(i);
            String value = item.getString("value");
            items.add(new ScanPage.Item(item.getString("key"), item.getLong("seq"),
                    value == null ? null : Base64.getDecoder().decode(value)));
        }
        return new ScanPage(items, body.getString("next"), body.getInteger("limit"));
    }

    private static JsonObject json(byte[] body) {
        return new JsonObject(new String(body, StandardCharsets.UTF_8));
    }

    // ------------------------------------------------------------ discovery

    /** The route requests take: the head, the tail and every member, as of one epoch (-1: not known). */
    record Route(HostPort head, HostPort tail, List<HostPort> members, long epoch) {
    }

    /**
     * Finds the route, once at a time however many requests need it, and keeps it until a request fails on it.
     * A master (or seed node) that has never answered fails at once: a wrong address is likelier than a restart.
     * Once one has answered, failing to reach it again is retried like any failure that did nothing.
     */
    private final class Discovery {
        final AtomicReference<Route> current = new AtomicReference<>();
        private CompletableFuture<Route> inFlight;
        private volatile boolean reachedOnce;

        /** The route's discovery failed but may succeed later. */
        static final class NoRoute extends RuntimeException {
            NoRoute(String message) {
                super(message, null, false, false);
            }
        }

        CompletableFuture<Route> route() {
            Route route = current.get();
            if (route != null) {
                return CompletableFuture.completedFuture(route);
            }
            synchronized (this) {
                if (inFlight == null || inFlight.isDone()) {
                    inFlight = (masters.isEmpty() ? fromNode() : fromMaster(0))
                            .thenApply(found -> {
                                current.set(found);
                                return found;
                            });
                }
                return inFlight;
            }
        }

        /** Drops {@code route} (if it is still the current one) so that the next request discovers again. */
        void forget(Route route) {
            if (route != null) {
                current.compareAndSet(route, null);
            }
        }

        /** A 307 names the head (for a write) or the tail (for a read): route by it until it fails. */
        void learn(Target target, String location) {
            Route route = current.get();
            if (route == null || !(target == Target.HEAD || target == Target.TAIL)) {
                return;
            }
            URI uri = URI.create(location);
            HostPort node = new HostPort(uri.getHost(), uri.getPort());
            Route learned = target == Target.HEAD ? new Route(node, route.tail(), route.members(), route.epoch())
                    : new Route(route.head(), node, route.members(), route.epoch());
            current.compareAndSet(route, learned);
        }

        CompletableFuture<ChainView> chainOnce() {
            HostPort master = masters.get(0);
            return getJson(master, "/chain").thenApply(ChainView::fromJson).exceptionallyCompose(failure ->
                    CompletableFuture.failedFuture(unreachable("the master", master, failure)));
        }

        private CompletableFuture<Route> fromMaster(int index) {
            HostPort master = masters.get(index);
            return getJson(master, "/chain").thenApply(ChainView::fromJson).handle((view, failure) -> {
                if (failure == null) {
                    reachedOnce = true;
                    if (!view.hasChain()) {
                        throw new NoRoute("the master at " + master + " has no chain yet (epoch " + view.epoch() + ")");
                    }
                    List<HostPort> members = view.chain().stream().map(ChainView.Member::http).toList();
                    return CompletableFuture.completedFuture(new Route(view.head(), view.tail(), members, view.epoch()));
                }
                if (index + 1 < masters.size()) {
                    return fromMaster(index + 1);
                }
                if (!reachedOnce) {
                    throw unreachable("the master", master, failure);
                }
                throw new NoRoute("the master at " + master + " did not answer: " + describe(unwrap(failure)));
            }).thenCompose(route -> route);
        }

        private CompletableFuture<Route> fromNode() {
            return getJson(seedNode, "/status").thenApply(NodeStatus::fromJson).handle((status, failure) -> {
                if (failure == null) {
                    reachedOnce = true;
                    // the seed is where requests start; its 307s teach the rest (see learn)
                    return new Route(seedNode, seedNode, List.of(seedNode), -1);
                }
                if (!reachedOnce) {
                    throw unreachable("the node", seedNode, failure);
                }
                throw new NoRoute("the node at " + seedNode + " did not answer: " + describe(unwrap(failure)));
            });
        }
    }

    private CompletableFuture<JsonObject> getJson(HostPort target, String path) {
        HttpRequest request = HttpRequest.newBuilder(uri(target, path)).timeout(requestTimeout).GET().build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)).thenApply(answer -> {
            if (answer.statusCode() != 200) {
                JsonObject error = errorBody(answer.body().getBytes(StandardCharsets.UTF_8));
                throw new IllegalStateException("GET " + path + " answered " + answer.statusCode() + " "
                        + error.getString("error", "") + ": " + error.getString("message", answer.body()));
            }
            return json(answer.body().getBytes(StandardCharsets.UTF_8));
        });
    }

    private static UnavailableException unreachable(String what, HostPort where, Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof UnavailableException already) {
            return already;
        }
        return new UnavailableException("cannot reach " + what + " at " + where + ": " + describe(cause));
    }

    // ------------------------------------------------------------ helpers

    private static URI uri(HostPort node, String path) {
        return URI.create("http://" + node + path);
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** One short phrase for an I/O failure: {@code ConnectException} has no message at all. */
    static String describe(Throwable cause) {
        if (cause instanceof ConnectException && (cause.getMessage() == null || cause.getMessage().isBlank())) {
            return "connection refused";
        }
        if (cause instanceof HttpConnectTimeoutException) {
            return "connect timed out";
        }
        String message = cause.getMessage();
        return message == null || message.isBlank() ? cause.getClass().getSimpleName() : message;
    }

    /** Waits for an operation and rethrows its failure as it was: a CatenaException, or the unexpected one. */
    static <T> T await(CompletableFuture<T> operation) {
        try {
            return operation.join();
        } catch (CompletionException e) {
            Throwable cause = unwrap(e);
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw e;
        }
    }
}
