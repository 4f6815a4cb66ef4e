package io.catena.it;

import static org.awaitility.Awaitility.await;

import io.catena.master.runtime.MasterMain;
import io.catena.node.runtime.NodeMain;
import io.vertx.core.json.JsonArray;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One configuration master (or three, {@link #withMasters}) and N storage nodes, each a JVM of its own on its own
 * loopback address: master {@code m<j>} on 127.0.0.(10j), node {@code n<i>} on 127.0.0.(10+i) (with {@link
 * #withAddressBase} B: masters on B, B+10, B+20, nodes on B+i). Register it as a JUnit extension field
 * ({@code @RegisterExtension final CatenaCluster cluster = CatenaCluster.withNodes(3);}) and call {@link #start()}
 * in the test, or use it in try-with-resources.
 *
 * <p>{@link #start()} makes a temp dir with one data dir and one log file per process, picks free ports on each
 * process's address, starts the master, then every node, and returns once the master shows epoch 1 or later with
 * all N nodes in its chain and the chain serves a write and a read. Processes are signalled by pid only: kill
 * ({@code kill -9}), pause ({@code kill -STOP}), resume ({@code kill -CONT}), restart on the same data dir and
 * ports. After each test every process still running is killed; when the test failed the last lines of every
 * log are printed and the temp dir is kept. A JVM shutdown hook kills whatever a crashed test run left behind
 * (see {@link JvmProcess}, which starts and signals every process).
 *
 * <p>Each process runs on exactly the classpath of its own module: the node without the master's classes and
 * the master without the node's (both modules ship a {@code logback.xml}; only one would win on a shared one).
 */
public final class CatenaCluster implements AfterEachCallback, AfterAllCallback, AutoCloseable {

    /** The timings under test: lease 2 s, margin 250 ms, a node silent for 1 s is suspected, reports every 200 ms. */
    static final long LEASE_MS = 2_000;
    static final long LEASE_MARGIN_MS = 250;
    static final long REPORT_TIMEOUT_MS = 1_000;
    static final long REPORT_INTERVAL_MS = 200;
    static final long WRITE_TIMEOUT_MS = 5_000;

    public static final String MASTER_ID = "m1";
    static final int DEFAULT_ADDRESS_BASE = 10;
    static final Duration START_TIMEOUT = Duration.ofSeconds(45);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    static final Duration STATUS_PROBE_TIMEOUT = Duration.ofSeconds(1);
    private static final int LOG_TAIL_LINES = 80;
    private static final List<String> COMMON_JVM_FLAGS = List.of("-Xmx256m", "-XX:+UseSerialGC", "-ea");
    /** What the node's launcher and jar manifest give it: lmdbjava reads direct buffer addresses. */
    private static final List<String> NODE_JVM_FLAGS = List.of(
            "--add-opens", "java.base/java.nio=ALL-UNNAMED",
            "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED");
    /** What the master's jar manifest gives it: what Hazelcast asks for on Java 17. */
    private static final List<String> MASTER_JVM_FLAGS = List.of(
            "--add-opens", "java.base/java.lang=ALL-UNNAMED",
            "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens", "java.management/sun.management=ALL-UNNAMED",
            "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
            "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED");
    /** {@code -Dcatena.keepDirs=true} keeps every cluster's temp dir (logs, data), not only failed ones. */
    static final boolean KEEP_DIRS = Boolean.getBoolean("catena.keepDirs");

    private final int nodeCount;
    private int masterCount = 1;
    private final Map<String, Proc> processes = new LinkedHashMap<>();
    private final List<String> extraNodeArgs = new ArrayList<>();
    private final Map<String, List<String>> extraArgsById = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> envById = new LinkedHashMap<>();
    private final Map<String, Integer> replicationProxyPortById = new LinkedHashMap<>();
    private int spareNodes;
    private int addressBase = DEFAULT_ADDRESS_BASE;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    private Path dir;
    /** Set by {@link #sharedByClass()}: the processes outlive each test and are ended after the last one. */
    private boolean sharedByClass;
    private boolean anyTestFailed;

    private CatenaCluster(int nodeCount) {
        if (nodeCount < 1 || nodeCount > 9) {
            throw new IllegalArgumentException("a test cluster has 1..9 nodes, not " + nodeCount);
        }
        this.nodeCount = nodeCount;
    }

    /** A master and nodes n1..n{count}; epoch 1 is formed from all of them, in id order (n1 the head). */
    public static CatenaCluster withNodes(int count) {
        return new CatenaCluster(count);
    }

    /** Runs {@code count} masters (1 or 3), m1..m{count}, as one group (call before {@link #start()}). */
    CatenaCluster withMasters(int count) {
        if (count != 1 && count != 3) {
            throw new IllegalArgumentException("a test cluster has 1 or 3 masters, not " + count);
        }
        masterCount = count;
        return this;
    }

    /** Gives every node {@code --key value} on top of the harness's settings (call before {@link #start()}). */
    CatenaCluster withNodeSetting(String key, String value) {
        extraNodeArgs.add("--" + key);
        extraNodeArgs.add(value);
        return this;
    }

    /**
     * Puts the master on 127.0.0.{@code base} and node {@code n<i>} on 127.0.0.({@code base}+i) instead of
     * 127.0.0.10 and up: a suite that cuts addresses with nft uses addresses no other test cluster on the machine
     * uses. Call before {@link #start()}.
     */
    public CatenaCluster withAddressBase(int base) {
        if (base < 2 || base + nodeCount > 254) {
            throw new IllegalArgumentException("address base must leave 127.0.0." + base + ".." + (base + nodeCount)
                    + " inside 127.0.0.2..254");
        }
        addressBase = base;
        return this;
    }

    /**
     * Gives process {@code id} (a node or {@link #MASTER_ID}) {@code --key value} after every other setting, so
     * that it overrides the harness's own (call before {@link #start()}).
     */
    public CatenaCluster withProcessSetting(String id, String key, String value) {
        extraArgsById.computeIfAbsent(id, k -> new ArrayList<>()).addAll(List.of("--" + key, value));
        return this;
    }

    /**
     * Node {@code id} advertises its replication address as {@code proxyPort} on its own host, where a proxy the
     * test runs forwards to {@link #replicationPortOf} (the node binds there): its predecessor's link then goes
     * through the proxy. Call before {@link #start()}.
     */
    public CatenaCluster withReplicationProxy(String id, int proxyPort) {
        replicationProxyPortById.put(id, proxyPort);
        return this;
    }

    /** Sets environment variables in every start of process {@code id} (call before {@link #start()}). */
    public CatenaCluster withProcessEnv(String id, Map<String, String> variables) {
        envById.computeIfAbsent(id, k -> new LinkedHashMap<>()).putAll(variables);
        return this;
    }

    /**
     * The last {@code count} nodes are not started by {@link #start()} (and the first chain is formed without
     * them): start them later with {@link #startNode}, as nodes joining a running cluster.
     */
    CatenaCluster withSpareNodes(int count) {
        if (count < 0 || count >= nodeCount) {
            throw new IllegalArgumentException("spare nodes must leave at least one node to start: " + count);
        }
        spareNodes = count;
        return this;
    }

    /** Starts a node that is not running (a spare, or one that was killed) and waits until it answers /health. */
    public void startNode(String id) {
        launch(id);
        awaitHealthy(id);
    }

    /** The ids started by {@link #start()}: every node but the spares. */
    List<String> initialNodeIds() {
        return nodeIds().subList(0, nodeCount - spareNodes);
    }

    /** One cluster for a whole test class: register it as a static field (see the class comment). */
    public CatenaCluster sharedByClass() {
        sharedByClass = true;
        return this;
    }

    // ------------------------------------------------------------ start

    /** Starts the master and every node and waits until the chain of all nodes serves (see class comment). */
    public CatenaCluster start() {
        try {
            dir = Files.createTempDirectory("catena-it-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (int j = 1; j <= masterCount; j++) {
            Proc master = new Proc("m" + j, "127.0.0." + (addressBase + 10 * (j - 1)), false, dir);
            processes.put(master.id, master);
        }
        for (int i = 1; i <= nodeCount; i++) {
            Proc node = new Proc("n" + i, "127.0.0." + (addressBase + i), true, dir);
            processes.put(node.id, node);
        }
        masterIds().forEach(this::launch);
        masterIds().forEach(this::awaitHealthy);
        initialNodeIds().forEach(this::launch);
        initialNodeIds().forEach(this::awaitHealthy);
        await("the master's chain has epoch >= 1 and all of " + initialNodeIds()).atMost(START_TIMEOUT)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> epoch() >= 1 && chainIds().equals(initialNodeIds()));
        awaitServing();
        return this;
    }

    /**
     * The chain serves: the head acknowledges a write and the tail serves it. Epoch 1 exists before every node has
     * applied it and been granted a lease; this waits for that.
     */
    public void awaitServing() {
        String key = "cluster-probe-" + System.nanoTime();
        await("the chain acknowledges a write and serves it at the tail").atMost(START_TIMEOUT)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> putAtHead(key, "probe").statusCode() == 200
                        && getAtTail(key).statusCode() == 200);
    }

    // ------------------------------------------------------------ topology

    public List<String> nodeIds() {
        return processes.values().stream().filter(proc -> proc.node).map(proc -> proc.id).toList();
    }

    public List<String> masterIds() {
        return processes.values().stream().filter(proc -> !proc.node).map(proc -> proc.id).toList();
    }

    /** The address a process's sockets originate from (for network faults between processes). */
    String hostOf(String id) {
        return proc(id).host;
    }

    /**
     * The running masters whose {@code GET /status} says {@code "active": true}; one that does not answer within
     * {@link #STATUS_PROBE_TIMEOUT} (paused, say) is not.
     */
    List<String> activeMasters() {
        return masterIds().stream().filter(this::isRunning).filter(id -> {
            try {
                HttpResponse<String> answer = send(HttpRequest.newBuilder(uri(httpOf(id), "/status")).GET(),
                        STATUS_PROBE_TIMEOUT);
                return answer.statusCode() == 200 && new JsonObject(answer.body()).getBoolean("active", false);
            } catch (RuntimeException e) {
                return false;
            }
        }).toList();
    }

    /** The node's client address, {@code host:port}. */
    public String httpOf(String id) {
        Proc proc = proc(id);
        return proc.host + ":" + proc.httpPort;
    }

    public String replicationHostOf(String id) {
        return proc(id).host;
    }

    public int replicationPortOf(String id) {
        return proc(id).replicationPort;
    }

    /** The master to ask: the only one, or the active one of several (the first running one while none is). */
    public String masterHttp() {
        if (masterCount == 1) {
            return httpOf(MASTER_ID);
        }
        List<String> active = activeMasters();
        String id = !active.isEmpty() ? active.get(0)
                : masterIds().stream().filter(this::isRunning).findFirst().orElse(MASTER_ID);
        return httpOf(id);
    }

    public Path dir() {
        return dir;
    }

    // ------------------------------------------------------------ the master's view

    /** {@code GET /chain} at the master. */
    public JsonObject chain() {
        return getJson(masterHttp(), "/chain");
    }

    public long epoch() {
        return chain().getLong("epoch");
    }

    /** The ids of the master's current chain, head first. */
    public List<String> chainIds() {
        return ids(chain());
    }

    static List<String> ids(JsonObject chain) {
        JsonArray nodes = chain.getJsonArray("chain");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            ids.add(nodes.getJsonObject(i).getString("id"));
        }
        return ids;
    }

    /** The head's client address according to the master. */
    public String headHttp() {
        return endOfChain(chain(), true);
    }

    /** The tail's client address according to the master. */
    public String tailHttp() {
        return endOfChain(chain(), false);
    }

    static String endOfChain(JsonObject chain, boolean head) {
        JsonArray nodes = chain.getJsonArray("chain");
        if (nodes.isEmpty()) {
            throw new IllegalStateException("the master has no chain yet: " + chain.encode());
        }
        return nodes.getJsonObject(head ? 0 : nodes.size() - 1).getString("http");
    }

    /** The id of the node at {@code position} in the current chain. */
    String idAt(ChainPosition position) {
        List<String> ids = chainIds();
        return switch (position) {
            case HEAD -> ids.get(0);
            case MIDDLE -> {
                if (ids.size() != 3) {
                    throw new IllegalStateException("the middle of a chain of " + ids.size() + " is ambiguous: " + ids);
                }
                yield ids.get(1);
            }
            case TAIL -> ids.get(ids.size() - 1);
        };
    }

    // ------------------------------------------------------------ HTTP

    /** {@code GET /status} at a node or at the master. */
    public JsonObject status(String id) {
        return getJson(httpOf(id), "/status");
    }

    public HttpResponse<String> putAtHead(String key, String value) {
        return put(headHttp(), key, value);
    }

    public HttpResponse<String> getAtTail(String key) {
        return get(tailHttp(), key);
    }

    public HttpResponse<String> put(String hostPort, String key, String value) {
        return send(HttpRequest.newBuilder(uri(hostPort, "/kv/" + KeyPath.encode(key)))
                .PUT(HttpRequest.BodyPublishers.ofString(value, StandardCharsets.UTF_8))
                .header("Content-Type", "application/octet-stream"));
    }

    public HttpResponse<String> get(String hostPort, String key) {
        return send(HttpRequest.newBuilder(uri(hostPort, "/kv/" + KeyPath.encode(key))).GET());
    }

    /** Any request: {@code pathAndQuery} as sent (keys already encoded); a body of null sends none. */
    HttpResponse<String> request(String hostPort, String method, String pathAndQuery, String body) {
        return send(HttpRequest.newBuilder(uri(hostPort, pathAndQuery)).method(method, body == null
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)));
    }

    HttpResponse<String> post(String hostPort, String path, JsonObject body) {
        return send(HttpRequest.newBuilder(uri(hostPort, path))
                .POST(HttpRequest.BodyPublishers.ofString(body.encode(), StandardCharsets.UTF_8))
                .header("Content-Type", "application/json"));
    }

    public JsonObject getJson(String hostPort, String path) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri(hostPort, path)).GET());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + " at " + hostPort + " answered " + response.statusCode()
                    + ": " + response.body());
        }
        return new JsonObject(response.body());
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        return send(request, REQUEST_TIMEOUT);
    }

    private HttpResponse<String> send(HttpRequest.Builder request, Duration timeout) {
        try {
            return http.send(request.timeout(timeout).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("request " + request.build().uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static URI uri(String hostPort, String path) {
        return URI.create("http://" + hostPort + path);
    }

    // ------------------------------------------------------------ process control

    /**
     * {@code kill -9} (by pid). Returns the {@link System#nanoTime()} just before the signal was sent, after
     * waiting until the process is gone.
     */
    public long kill(String id) {
        JvmProcess process = running(id);
        long signalledNs = System.nanoTime();
        process.kill();
        process.awaitExit();
        return signalledNs;
    }

    /** {@code kill -STOP}: the process is frozen; its sockets stay open and the kernel keeps accepting. */
    public void pause(String id) {
        running(id).pause();
    }

    /** {@code kill -CONT}. */
    public void resume(String id) {
        running(id).resume();
    }

    /** Starts the process again on the same data dir, address and ports (killing it first if it runs). */
    public void restart(String id) {
        if (isRunning(id)) {
            kill(id);
        }
        launch(id);
        awaitHealthy(id);
    }

    public boolean isRunning(String id) {
        JvmProcess process = proc(id).process;
        return process != null && process.isAlive();
    }

    public long pid(String id) {
        return running(id).pid();
    }

    // ------------------------------------------------------------ diagnostics

    /** The last {@code lines} lines of everything the process printed, across restarts. */
    public String logTail(String id, int lines) {
        return JvmProcess.logTail(proc(id).logFile, lines);
    }

    public Path logFile(String id) {
        return proc(id).logFile;
    }

    /** Prints the last lines of every process's log. */
    public void printLogs() {
        for (String id : processes.keySet()) {
            System.out.printf("%n===== %s: last %d lines of %s =====%n%s%n", id, LOG_TAIL_LINES,
                    proc(id).logFile, logTail(id, LOG_TAIL_LINES));
        }
        System.out.println("===== cluster dir kept: " + dir + " =====");
    }

    // ------------------------------------------------------------ lifecycle

    @Override
    public void afterEach(ExtensionContext context) {
        boolean failed = context.getExecutionException().isPresent();
        if (sharedByClass) {
            anyTestFailed |= failed;
            return;
        }
        finish(failed);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (sharedByClass) {
            finish(anyTestFailed || context.getExecutionException().isPresent());
        }
    }

    private void finish(boolean failed) {
        if (failed && dir != null) {
            printLogs();
        }
        close();
        if (!failed && !KEEP_DIRS) {
            deleteDir();
        }
    }

    /** Kills every process still running (paused ones included: SIGKILL needs no SIGCONT). */
    @Override
    public void close() {
        JvmProcess.killAll(processes.values().stream().map(proc -> proc.process).toList());
    }

    /** Removes the temp dir; call after {@link #close()} when the logs are no longer wanted. */
    public void deleteDir() {
        if (dir != null) {
            JvmProcess.deleteRecursively(dir);
        }
    }

    // ------------------------------------------------------------ internals

    private void launch(String id) {
        Proc proc = proc(id);
        if (isRunning(id)) {
            throw new IllegalStateException(id + " is already running (pid " + proc.process.pid() + ")");
        }
        JvmProcess.Launch launch = JvmProcess.java(id)
                .jvmFlags(COMMON_JVM_FLAGS)
                .jvmFlags(proc.node ? NODE_JVM_FLAGS : MASTER_JVM_FLAGS)
                .classpath(JvmProcess.classpathWithout(proc.node ? "chain-master" : "chain-node"))
                .mainClass(proc.node ? NodeMain.class : MasterMain.class)
                .args(proc.node ? nodeArgs(proc) : masterArgs(proc))
                .args(extraArgsById.getOrDefault(id, List.of()))
                .logFile(proc.logFile)
                .withoutEnv("CATENA_")
                .env(envById.getOrDefault(id, Map.of()));
        proc.starts++;
        proc.process = launch
                .banner("===== start #" + proc.starts + " of " + id + ": " + String.join(" ", launch.mainAndArgs())
                        + " =====")
                .start();
    }

    private List<String> masterArgs(Proc master) {
        return List.of("--id", master.id,
                "--http", master.host + ":" + master.httpPort,
                "--hazelcastBind", master.host + ":" + master.hazelcastPort,
                "--hazelcastSeeds", mastersJoined(proc -> proc.hazelcastPort),
                "--masters", mastersJoined(proc -> proc.httpPort),
                "--dataDir", master.dataDir.toString(),
                "--chainLengthMin", Integer.toString(nodeCount - spareNodes),
                "--leaseMs", Long.toString(LEASE_MS),
                "--leaseMarginMs", Long.toString(LEASE_MARGIN_MS),
                "--reportTimeoutMs", Long.toString(REPORT_TIMEOUT_MS));
    }

    /** {@code host:port,...} of every master, the port chosen by {@code port}. */
    private String mastersJoined(java.util.function.ToIntFunction<Proc> port) {
        return String.join(",", masterIds().stream().map(this::proc)
                .map(proc -> proc.host + ":" + port.applyAsInt(proc)).toList());
    }

    private List<String> nodeArgs(Proc node) {
        Proc master = proc(MASTER_ID);
        Integer proxyPort = replicationProxyPortById.get(node.id);
        List<String> args = new ArrayList<>(List.of("--id", node.id,
                "--http", node.host + ":" + node.httpPort,
                "--replication", node.host + ":" + (proxyPort == null ? node.replicationPort : proxyPort),
                "--replicationBind", node.host + ":" + node.replicationPort,
                "--masterHttp", master.host + ":" + master.httpPort,
                "--hazelcastBind", node.host + ":" + node.hazelcastPort,
                "--hazelcastSeeds", mastersJoined(proc -> proc.hazelcastPort),
                "--dataDir", node.dataDir.toString(),
                "--reportIntervalMs", Long.toString(REPORT_INTERVAL_MS),
                "--writeTimeoutMs", Long.toString(WRITE_TIMEOUT_MS),
                "--syncPolicy", "sync"));
        args.addAll(extraNodeArgs);
        return args;
    }

    private void awaitHealthy(String id) {
        proc(id).process.awaitHealthy(http, uri(httpOf(id), "/health"), START_TIMEOUT, Duration.ofMillis(25),
                LOG_TAIL_LINES);
    }

    private JvmProcess running(String id) {
        return JvmProcess.requireRunning(proc(id).process, id);
    }

    private Proc proc(String id) {
        Proc proc = processes.get(id);
        if (proc == null) {
            throw new IllegalArgumentException(processes.isEmpty() ? "the cluster is not started; call start()"
                    : "no process " + id + " in " + processes.keySet());
        }
        return proc;
    }

    /** One process: its address and ports are fixed for the cluster's life, so a restart reuses them. */
    private static final class Proc {
        final String id;
        final String host;
        final boolean node;
        final int httpPort;
        final int replicationPort;
        final int hazelcastPort;
        final Path dataDir;
        final Path logFile;
        JvmProcess process;
        int starts;

        Proc(String id, String host, boolean node, Path root) {
            this.id = id;
            this.host = host;
            this.node = node;
            // each process has its own host, so ports never clash between processes
            int http = JvmProcess.freePort(host);
            int replication = node ? JvmProcess.freePort(host, port -> port != http) : -1;
            this.httpPort = http;
            this.replicationPort = replication;
            this.hazelcastPort = JvmProcess.freePort(host, port -> port != http && port != replication);
            this.dataDir = root.resolve(id).resolve("data");
            this.logFile = root.resolve(id + ".log");
        }
    }
}
