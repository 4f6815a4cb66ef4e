package io.catena.faults;

import static org.awaitility.Awaitility.await;

import io.catena.check.Linearizability;
import io.catena.check.Op;
import io.catena.check.Report;
import io.catena.it.CatenaCluster;
import io.catena.it.JvmProcess;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The fault suite on real processes: a master and three nodes (each a JVM on its own 127.0.0.x, the master
 * and n2 under libfaketime, every node's replication port behind a {@link DelayProxy}, n3's data dir on a
 * {@link SmallDisk}), register and set clients on addresses of their own, and the faults of a {@link Profile}
 * one after another: inject, hold, heal, wait until the chain is whole again and acknowledges writes. Then the
 * checks (see {@link FaultReport}).
 */
final class FaultSuite implements AutoCloseable {

    static final int NODES = 3;
    static final String SMALL_DISK_NODE = "n3";
    /** The node whose clock is skewed; it and the master run under libfaketime (which slows every clock read). */
    static final String SKEWED_NODE = "n2";
    /**
     * The master on 127.0.0.200, node n{@code i} on 127.0.0.(200+i): not the 127.0.0.10 and up of the other
     * cluster tests, which may run on the same machine meanwhile and which the nft rules must not touch.
     */
    static final int ADDRESS_BASE = 200;
    static final String WATCHER_HOST = "127.0.0.240";
    static final List<String> REGISTER_HOSTS = List.of("127.0.0.241", "127.0.0.242", "127.0.0.243", "127.0.0.244");
    static final List<String> SET_HOSTS = List.of("127.0.0.245", "127.0.0.246");
    static final String CHECKER_HOST = "127.0.0.247";
    static final String ZOMBIE_CLIENT_HOST = "127.0.0.248";
    static final Duration CHECK_REQUEST_TIMEOUT = Duration.ofSeconds(15);
    static final Duration RECOVERY_MAX = Duration.ofSeconds(60);
    static final Duration DIGESTS_EQUAL_MAX = Duration.ofSeconds(60);
    static final long STEADY_MS = 2_000;

    private final Profile profile;
    private final long seed;
    private final Random random;
    private final Path dir;
    private final Vertx vertx = Vertx.vertx();
    private final List<BoundHttp> https = new ArrayList<>();
    private final Map<String, DelayProxy> proxies = new LinkedHashMap<>();
    private final Map<String, ClockSkew> skews = new LinkedHashMap<>();
    private final Recorder recorder = new Recorder();
    private final ClientThreads threads = new ClientThreads();
    private final FaultReport report;
    private Nft nft;
    private SmallDisk disk;
    private CatenaCluster cluster;
    private ChainWatcher watcher;
    private BoundHttp zombieHttp;
    private FaultInjector injector;
    private RegisterWorkload registers;
    private SetWorkload set;

    FaultSuite(Profile profile, long seed) throws Exception {
        this.profile = profile;
        this.seed = seed;
        this.random = new Random(seed);
        this.dir = Files.createTempDirectory("catena-faults-");
        this.report = new FaultReport(profile, seed);
    }

    /** Runs everything and returns the report (violations included; nothing is thrown for a violation). */
    FaultReport run() {
        long startNs = System.nanoTime();
        startCluster();
        startClients();
        phase("steady", STEADY_MS);
        List<Fault> schedule = profile.schedule(random);
        for (int i = 0; i < schedule.size(); i++) {
            Fault fault = schedule.get(i);
            recorder.phase(i < profile.dedicatedFaults() ? fault.name() : "mixed-" + (i - profile.dedicatedFaults()));
            if (!runFault(fault)) {
                break;
            }
        }
        phase("final", STEADY_MS);
        threads.stop();
        threads.errors().forEach(report::violation);
        check();
        report.finish(recorder, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs));
        return report;
    }

    // ------------------------------------------------------------ set-up

    private void startCluster() {
        nft = new Nft();
        disk = new SmallDisk(dir.resolve("small-disk"));
        cluster = CatenaCluster.withNodes(NODES).withAddressBase(ADDRESS_BASE);
        for (String id : List.of(CatenaCluster.MASTER_ID, SKEWED_NODE)) {
            ClockSkew skew = new ClockSkew(dir.resolve("faketime-" + id));
            skews.put(id, skew);
            cluster.withProcessEnv(id, skew.env());
        }
        for (int i = 1; i <= NODES; i++) {
            String id = "n" + i;
            DelayProxy proxy = DelayProxy.start("127.0.0." + (ADDRESS_BASE + i), () -> cluster.replicationPortOf(id));
            proxies.put(id, proxy);
            cluster.withReplicationProxy(id, proxy.port());
        }
        cluster.withProcessSetting(SMALL_DISK_NODE, "dataDir", disk.dataDir().toString());
        cluster.start();
        watcher = new ChainWatcher(http(WATCHER_HOST), cluster.masterHttp());
        zombieHttp = http(ZOMBIE_CLIENT_HOST);
        injector = new FaultInjector(cluster, watcher, nft, proxies, disk, SMALL_DISK_NODE, SKEWED_NODE, skews, random);
    }

    private void startClients() {
        registers = new RegisterWorkload(recorder, clients(REGISTER_HOSTS), seed);
        set = new SetWorkload(recorder, clients(SET_HOSTS));
        for (int c = 0; c < registers.clientCount(); c++) {
            threads.start("register-client", c, registers::step);
        }
        for (int c = 0; c < set.clientCount(); c++) {
            threads.start("set-client", c, set::step);
        }
    }

    private ChainClient[] clients(List<String> hosts) {
        return hosts.stream().map(host -> ChainClient.following(http(host), watcher)).toArray(ChainClient[]::new);
    }

    private BoundHttp http(String host) {
        BoundHttp http = new BoundHttp(vertx, host);
        https.add(http);
        return http;
    }

    // ------------------------------------------------------------ one fault

    /** Injects, holds, heals and waits for recovery; false if the cluster did not recover (the run stops). */
    private boolean runFault(Fault fault) {
        Map<String, Long> staleBefore = fault.zombie() ? staleFramesRejected() : Map.of();
        long logBefore = NodeLog.size(cluster.logFile(SMALL_DISK_NODE));
        FaultInjector.Injected injected = injector.inject(fault);
        System.out.printf("faults: %s %s: %s on %s%n", LocalTime.now(), recorder.phase(), fault.name(),
                injected.victim());
        ZombieProbe probe = fault.zombie() ? ZombieProbe.start(registers,
                ChainClient.pinned(zombieHttp, cluster.httpOf(injected.victim()), ZombieProbe.REQUEST_TIMEOUT),
                fault.target() == Fault.Target.ZOMBIE_HEAD, random.nextLong()) : null;
        sleepMs(profile.holdMs);
        if (probe != null) {
            probe.close();
        }
        injected.heal().run();
        long healedNs = System.nanoTime();
        boolean recovered = awaitRecovered(healedNs);
        report.fault(fault, injected.victim(), recorder.phase(),
                recorder.longestGapMs(injected.injectedNs(), recovered ? recorder.firstAckAfter(healedNs)
                        : System.nanoTime()));
        if (fault.kind() == Fault.Kind.DISK_FULL) {
            checkDiskFull(injected.injectedNs(), healedNs, logBefore);
        }
        if (probe != null) {
            checkZombie(fault, probe, delta(staleBefore, staleFramesRejected()));
        }
        if (!recovered) {
            report.violation("the cluster did not recover within " + RECOVERY_MAX.toSeconds() + " s after "
                    + recorder.phase() + " (" + fault.name() + " on " + injected.victim() + "); chain "
                    + watcher.latest());
        }
        return recovered;
    }

    /** The chain has all nodes again, no learner, and a write sent after the heal was acknowledged. */
    private boolean awaitRecovered(long healedNs) {
        try {
            await("recovery").atMost(RECOVERY_MAX).pollInterval(Duration.ofMillis(100)).until(() -> {
                ChainWatcher.Seen latest = watcher.latest();
                return latest.chain().size() == NODES && latest.learners().isEmpty()
                        && recorder.firstAckAfter(healedNs) > 0;
            });
            return true;
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            return false;
        }
    }

    private void checkDiskFull(long fullFromNs, long fullToNs, long logFrom) {
        OptionalLong durableSeq = NodeLog.durableSeqAtStorageFailure(cluster.logFile(SMALL_DISK_NODE), logFrom);
        durableSeq.ifPresent(seq -> EpochChecks.acksBeyondDurable(recorder.acks(), cluster.httpOf(SMALL_DISK_NODE),
                seq, fullFromNs).forEach(report::violation));
        long readsOk = recorder.history().ops().stream()
                .filter(op -> op.kind() == Op.Kind.READ && op.outcome() == Op.Outcome.OK)
                .filter(op -> op.invokedAt() >= fullFromNs && op.completedAt() <= fullToNs)
                .count();
        report.diskFull(readsOk, durableSeq.isPresent());
        if (readsOk == 0) {
            report.violation("no read was served while " + SMALL_DISK_NODE + "'s disk was full");
        }
    }

    /**
     * The zombie refused the stale client once its lease was gone, and a zombie head's old-epoch frames were
     * rejected by its old successor while only its link to the master was still cut.
     */
    private void checkZombie(Fault fault, ZombieProbe probe, long staleFrames) {
        report.zombie(recorder.phase(), probe.statuses(), staleFrames);
        if (probe.refusals() == 0) {
            report.violation("the zombie of " + recorder.phase() + " never refused a stale client (503): "
                    + probe.statuses());
        }
        if (fault.target() == Fault.Target.ZOMBIE_HEAD && staleFrames == 0) {
            report.violation("no node rejected a stale-epoch frame from the zombie head of " + recorder.phase()
                    + " (staleFramesRejected in /status did not move)");
        }
    }

    private Map<String, Long> staleFramesRejected() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String id : cluster.nodeIds()) {
            try {
                counts.put(id, cluster.status(id).getLong("staleFramesRejected", 0L));
            } catch (RuntimeException e) {
                counts.put(id, 0L);
            }
        }
        return counts;
    }

    private static long delta(Map<String, Long> before, Map<String, Long> after) {
        return after.entrySet().stream()
                .mapToLong(e -> Math.max(0, e.getValue() - before.getOrDefault(e.getKey(), 0L))).sum();
    }

    // ------------------------------------------------------------ the checks after the run

    private void check() {
        ChainClient checker = ChainClient.following(http(CHECKER_HOST), watcher, CHECK_REQUEST_TIMEOUT);
        try {
            List<String> setProblems = set.check(checker);
            setProblems.forEach(report::violation);
            report.lostWrites(SetWorkload.lostCount(setProblems), set.acknowledgedCount());
        } catch (BoundHttp.NoReply | RuntimeException e) {
            report.violation("the final scan failed: " + e);
        }
        Report linearizability = new Linearizability().checkAll(recorder.history());
        report.linearizability(linearizability);
        EpochChecks.supersededAcks(recorder.acks(), watcher, new NodeNames(cluster)).forEach(report::violation);
        checkDigests();
    }

    private void checkDigests() {
        Map<String, JsonObject> digests = new LinkedHashMap<>();
        try {
            await("every node's digest is the same").atMost(DIGESTS_EQUAL_MAX).pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        digests.clear();
                        cluster.nodeIds().forEach(id -> digests.put(id, cluster.getJson(cluster.httpOf(id),
                                "/admin/digest")));
                        return digests.values().stream().map(JsonObject::encode).distinct().count() == 1;
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            report.violation("digests differ after the heal: " + digests);
        }
        report.digests(digests);
    }

    // ------------------------------------------------------------ helpers

    private void phase(String name, long ms) {
        recorder.phase(name);
        sleepMs(ms);
    }

    /**
     * Thread.sleep, not parkNanos: a future completed earlier on this thread can leave an unpark permit behind,
     * and a parkNanos then returns at once (a 5 s hold took 0.1 s before this).
     */
    static void sleepMs(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    Path dir() {
        return dir;
    }

    void printLogs() {
        if (cluster != null) {
            cluster.printLogs();
        }
    }

    /** Removes the suite's and the cluster's temp dirs (logs, data); call after {@link #close()}, on a pass. */
    void deleteDirs() {
        if (cluster != null) {
            cluster.deleteDir();
        }
        JvmProcess.deleteRecursively(dir);
    }

    @Override
    public void close() {
        threads.stop();
        if (watcher != null) {
            watcher.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        proxies.values().forEach(DelayProxy::close);
        if (nft != null) {
            nft.close();
        }
        if (disk != null) {
            disk.close();
        }
        https.forEach(BoundHttp::close);
        vertx.close();
    }
}
