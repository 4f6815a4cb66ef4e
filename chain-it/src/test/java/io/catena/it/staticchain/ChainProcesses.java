package io.catena.it.staticchain;

import static org.awaitility.Awaitility.await;

import io.catena.config.SyncPolicy;
import io.catena.it.KeyPath;
import io.catena.it.JvmProcess;
import io.catena.node.core.LogEntry;
import io.catena.node.runtime.NodeMain;
import io.catena.node.storage.LmdbStorage;
import io.catena.node.storage.StoredState;
import io.catena.node.storage.StoredValue;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A chain of real node processes on loopback, for cluster tests. Register it as a JUnit extension field
 * ({@code @RegisterExtension final ChainProcesses chain = ChainProcesses.ofNodes(3)...}) and call
 * {@link #start()} in the test: it makes a temp dir with its own settings file and one data dir per node, picks
 * free ports, and starts one JVM per node ({@link NodeMain}, on the node's classpath without the master's) with its
 * output in {@code <id>.log}.
 *
 * <p>Nodes are {@code n1..nN}, head first. Each can be killed ({@code kill -9}), stopped (SIGTERM), paused
 * ({@code kill -STOP}), resumed and started again on the same data dir. Processes are only ever signalled by
 * their own pid (see {@link JvmProcess}). After each test every process still running is killed and every proxy
 * closed; when the test failed, the tail of every node's output is printed and the temp dir is kept.
 */
final class ChainProcesses implements AfterEachCallback, AutoCloseable {

    static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(30);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final int LOG_TAIL_LINES = 80;
    private static final List<String> JVM_FLAGS = List.of("-Xmx256m", "-XX:+UseSerialGC", "-ea",
            "--add-opens", "java.base/java.nio=ALL-UNNAMED",
            "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED");
    private static final String LOOPBACK = "127.0.0.1";

    private final List<String> ids = new ArrayList<>();
    private final Map<String, String> settings = new LinkedHashMap<>();
    private final Set<String> proxied = new HashSet<>();
    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    private Path dir;
    private Path settingsFile;

    private ChainProcesses(int count) {
        if (count != 1 && count != 3) {
            throw new IllegalArgumentException("a test chain has 1 or 3 nodes, not " + count);
        }
        for (int i = 1; i <= count; i++) {
            ids.add("n" + i);
        }
        settings.put("epoch", "1");
        settings.put("syncPolicy", "sync");
        settings.put("writeTimeoutMs", "60000");
        settings.put("reconnectDelayMs", "100");
    }

    /** A chain of {@code count} (1 or 3) nodes n1..nN, head first. */
    static ChainProcesses ofNodes(int count) {
        return new ChainProcesses(count);
    }

    /** Sets a node setting for every node (written to the shared settings file). */
    ChainProcesses with(String key, String value) {
        settings.put(key, value);
        return this;
    }

    /**
     * Routes the link into {@code id} through a {@link TcpProxy}: the chain names the proxy's port as the node's
     * replication address, and the node binds its replication listener to its real port.
     */
    ChainProcesses withProxyInFrontOf(String id) {
        requireKnown(id);
        proxied.add(id);
        return this;
    }

    /** Creates the temp dir, ports, proxies and settings file, starts every node and waits until all are up. */
    ChainProcesses start() {
        try {
            dir = Files.createTempDirectory("catena-chain-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Set<Integer> taken = new HashSet<>();
        for (String id : ids) {
            int httpPort = freePort(taken);
            int replicationPort = freePort(taken);
            TcpProxy proxy = proxied.contains(id) ? TcpProxy.start(replicationPort) : null;
            nodes.put(id, new Node(id, httpPort, replicationPort, proxy, dir.resolve(id)));
        }
        writeSettingsFile();
        for (String id : ids) {
            launch(id);
        }
        for (String id : ids) {
            awaitHealthy(id);
        }
        return this;
    }

    // ------------------------------------------------------------ topology

    List<String> ids() {
        return List.copyOf(ids);
    }

    String head() {
        return ids.get(0);
    }

    String tail() {
        return ids.get(ids.size() - 1);
    }

    Path dir() {
        return dir;
    }

    Path dataDir(String id) {
        return node(id).dataDir;
    }

    TcpProxy proxy(String id) {
        TcpProxy proxy = node(id).proxy;
        if (proxy == null) {
            throw new IllegalStateException("no proxy in front of " + id + "; use withProxyInFrontOf");
        }
        return proxy;
    }

    // ------------------------------------------------------------ process control

    /** Starts a stopped or killed node on its data dir and waits until it answers /health. */
    void start(String id) {
        launch(id);
        awaitHealthy(id);
    }

    /** Starts every node that is not running, then waits until all answer /health. */
    void startAll() {
        for (String id : ids) {
            if (!isRunning(id)) {
                launch(id);
            }
        }
        for (String id : ids) {
            awaitHealthy(id);
        }
    }

    /** {@code kill -9}: the process dies at once, without a shutdown hook. Returns when it is gone. */
    void kill(String id) {
        killAll(List.of(id));
    }

    /** Kills the given nodes as close together as possible: every signal first, then every wait. */
    void killAll(List<String> which) {
        for (String id : which) {
            running(id).kill();
        }
        for (String id : which) {
            node(id).process.awaitExit();
        }
    }

    /** SIGTERM: the node runs its shutdown hook (closing storage) and exits. Returns when it is gone. */
    void stop(String id) {
        JvmProcess process = running(id);
        process.terminate(); // sends CONT too when paused: a stopped process only handles SIGTERM once it runs
        process.awaitExit();
    }

    /** Stops every running node (SIGTERM), one after the other. */
    void stopAll() {
        for (String id : ids) {
            if (isRunning(id)) {
                stop(id);
            }
        }
    }

    /** Stops the node if it runs (SIGTERM), then starts it again on the same data dir. */
    void restart(String id) {
        if (isRunning(id)) {
            stop(id);
        }
        start(id);
    }

    /** {@code kill -STOP}: the process is frozen; its sockets stay open and the kernel keeps buffering. */
    void pause(String id) {
        running(id).pause();
    }

    /** {@code kill -CONT}. */
    void resume(String id) {
        running(id).resume();
    }

    boolean isRunning(String id) {
        JvmProcess process = node(id).process;
        return process != null && process.isAlive();
    }

    long pid(String id) {
        return running(id).pid();
    }

    // ------------------------------------------------------------ HTTP

    JsonObject status(String id) {
        HttpResponse<String> response = send(id, HttpRequest.newBuilder(uri(id, "/status")).GET(), REQUEST_TIMEOUT);
        if (response.statusCode() != 200) {
            throw new IllegalStateException(id + " answered /status with " + response.statusCode() + ": "
                    + response.body());
        }
        return new JsonObject(response.body());
    }

    HttpResponse<String> put(String id, String key, String value) {
        return send(id, putRequest(id, key, value), REQUEST_TIMEOUT);
    }

    /** A PUT that may wait long (for a commit that cannot happen yet); complete or fail the future later. */
    CompletableFuture<HttpResponse<String>> putAsync(String id, String key, String value, Duration timeout) {
        HttpRequest request = putRequest(id, key, value).timeout(timeout).build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    HttpResponse<String> delete(String id, String key) {
        return send(id, HttpRequest.newBuilder(uri(id, "/kv/" + KeyPath.encode(key))).DELETE(), REQUEST_TIMEOUT);
    }

    /** A GET; retried once if a pooled connection to a node that was restarted turns out to be dead. */
    HttpResponse<String> get(String id, String key) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(id, "/kv/" + KeyPath.encode(key))).GET();
        try {
            return sendOrThrow(request, REQUEST_TIMEOUT);
        } catch (IOException first) {
            return send(id, request, REQUEST_TIMEOUT);
        }
    }

    /**
     * Any request: {@code pathAndQuery} as sent (keys already encoded), {@code headers} as name, value pairs. A
     * body of null sends none.
     */
    HttpResponse<String> request(String id, String method, String pathAndQuery, String body, String... headers) {
        return send(id, builder(id, method, pathAndQuery, body, headers), REQUEST_TIMEOUT);
    }

    /** As {@link #request}, without waiting: for requests that may wait long; complete or fail the future later. */
    CompletableFuture<HttpResponse<String>> requestAsync(String id, String method, String pathAndQuery, String body,
                                                         Duration timeout, String... headers) {
        return http.sendAsync(builder(id, method, pathAndQuery, body, headers).timeout(timeout).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private HttpRequest.Builder builder(String id, String method, String pathAndQuery, String body,
                                        String... headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri(id, pathAndQuery)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return builder;
    }

    private HttpRequest.Builder putRequest(String id, String key, String value) {
        return HttpRequest.newBuilder(uri(id, "/kv/" + KeyPath.encode(key)))
                .PUT(HttpRequest.BodyPublishers.ofString(value, StandardCharsets.UTF_8))
                .header("Content-Type", "application/octet-stream");
    }

    private HttpResponse<String> send(String id, HttpRequest.Builder request, Duration timeout) {
        try {
            return sendOrThrow(request, timeout);
        } catch (IOException e) {
            throw new UncheckedIOException("request to " + id + " failed: " + e, e);
        }
    }

    private HttpResponse<String> sendOrThrow(HttpRequest.Builder request, Duration timeout) throws IOException {
        try {
            return http.send(request.timeout(timeout).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private URI uri(String id, String path) {
        return URI.create("http://" + LOOPBACK + ":" + node(id).httpPort + path);
    }

    // ------------------------------------------------------------ storage, read after the node is down

    /** What a stopped node's LMDB holds: its recovered positions and its whole log. */
    record StoredNode(String id, StoredState recovered, List<LogEntry> log, Map<String, Optional<StoredValue>> values) {
    }

    /** Opens the node's LMDB in this JVM (the node must not be running) and reads its log and the given keys. */
    StoredNode readStorage(String id, List<String> keys) {
        if (isRunning(id)) {
            throw new IllegalStateException(id + " is running; stop or kill it before reading its storage");
        }
        LmdbStorage storage = LmdbStorage.open(dataDir(id), id, SyncPolicy.SYNC, 1L << 30, 1024, 16L << 20);
        try {
            StoredState recovered = storage.recovered();
            List<LogEntry> log = storage.readLog(1, recovered.appliedSeq());
            Map<String, Optional<StoredValue>> values = new LinkedHashMap<>();
            for (String key : keys) {
                values.put(key, storage.get(key.getBytes(StandardCharsets.UTF_8)));
            }
            return new StoredNode(id, recovered, log, values);
        } finally {
            storage.close();
        }
    }

    StoredNode readStorage(String id) {
        return readStorage(id, List.of());
    }

    // ------------------------------------------------------------ diagnostics

    /** The last {@code lines} lines of everything the node printed, across restarts. */
    String outputTail(String id, int lines) {
        return JvmProcess.logTail(node(id).logFile, lines);
    }

    // ------------------------------------------------------------ lifecycle

    @Override
    public void afterEach(ExtensionContext context) {
        boolean failed = context.getExecutionException().isPresent();
        if (failed) {
            for (String id : nodes.keySet()) {
                System.out.printf("%n===== %s: last %d lines of %s =====%n%s%n", id, LOG_TAIL_LINES,
                        node(id).logFile, outputTail(id, LOG_TAIL_LINES));
            }
            System.out.println("===== chain dir kept: " + dir + " =====");
        }
        close();
        if (!failed && dir != null) {
            JvmProcess.deleteRecursively(dir);
        }
    }

    /** Kills every node still running and closes every proxy. */
    @Override
    public void close() {
        JvmProcess.killAll(nodes.values().stream().map(node -> node.process).toList());
        for (Node node : nodes.values()) {
            if (node.proxy != null) {
                node.proxy.close();
            }
        }
    }

    // ------------------------------------------------------------ internals

    private void launch(String id) {
        Node node = node(id);
        if (isRunning(id)) {
            throw new IllegalStateException(id + " is already running (pid " + node.process.pid() + ")");
        }
        List<String> args = new ArrayList<>(List.of(
                "--config", settingsFile.toString(),
                "--id", id,
                "--dataDir", node.dataDir.toString()));
        if (node.proxy != null) {
            args.addAll(List.of("--replicationBind", LOOPBACK + ":" + node.replicationPort));
        }
        node.starts++;
        node.process = JvmProcess.java(id)
                .jvmFlags(JVM_FLAGS)
                .classpath(JvmProcess.classpathWithout("chain-master"))
                .mainClass(NodeMain.class)
                .args(args)
                .logFile(node.logFile)
                .banner("===== start #" + node.starts + " of " + id + " =====")
                .start();
    }

    private void awaitHealthy(String id) {
        node(id).process.awaitHealthy(http, uri(id, "/health"), HEALTH_TIMEOUT, Duration.ofMillis(50),
                LOG_TAIL_LINES);
    }

    private JvmProcess running(String id) {
        return JvmProcess.requireRunning(node(id).process, id);
    }

    private Node node(String id) {
        Node node = nodes.get(id);
        if (node == null) {
            requireKnown(id);
            throw new IllegalStateException("the chain is not started; call start() first");
        }
        return node;
    }

    private void requireKnown(String id) {
        if (!ids.contains(id)) {
            throw new IllegalArgumentException("no node " + id + " in chain " + ids);
        }
    }

    private void writeSettingsFile() {
        StringBuilder file = new StringBuilder("# written by ChainProcesses for one cluster test\n");
        file.append("chain=").append(String.join(",", ids)).append('\n');
        for (Node node : nodes.values()) {
            int advertised = node.proxy == null ? node.replicationPort : node.proxy.port();
            file.append("node.").append(node.id).append(".http=").append(LOOPBACK).append(':')
                    .append(node.httpPort).append('\n');
            file.append("node.").append(node.id).append(".replication=").append(LOOPBACK).append(':')
                    .append(advertised).append('\n');
        }
        settings.forEach((key, value) -> file.append(key).append('=').append(value).append('\n'));
        settingsFile = dir.resolve("chain.properties");
        try {
            Files.writeString(settingsFile, file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A port that was free a moment ago on 127.0.0.1, never one of the demo's (7000-7103), never reused here. */
    private static int freePort(Set<Integer> taken) {
        return JvmProcess.freePort(LOOPBACK, port -> (port < 7000 || port > 7103) && taken.add(port));
    }

    private static final class Node {
        final String id;
        final int httpPort;
        final int replicationPort;
        final TcpProxy proxy;
        final Path dataDir;
        final Path logFile;
        JvmProcess process;
        int starts;

        Node(String id, int httpPort, int replicationPort, TcpProxy proxy, Path root) {
            this.id = id;
            this.httpPort = httpPort;
            this.replicationPort = replicationPort;
            this.proxy = proxy;
            this.dataDir = root.resolve("data");
            this.logFile = root.getParent().resolve(id + ".log");
        }
    }
}
