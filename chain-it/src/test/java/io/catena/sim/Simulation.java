package io.catena.sim;

import io.catena.config.ChainConfiguration;
import io.catena.node.core.LogEntry;
import io.catena.node.core.Op;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One seeded run of the whole cluster (docs/simulation.md): a master and three nodes with their real pure cores,
 * four clients, and a fault phase of crashes, restarts, partitions, clogged links, lossy and duplicating
 * datagrams and false suspicions; then everything heals and the cluster must converge. Invariants are checked
 * after every step; at the end, no acknowledged write may be missing and the history must be linearizable.
 * The same seed always gives the same run.
 */
final class Simulation {

    /** Chains of 3, 4 and 5 nodes, by seed. */
    static int nodesFor(long seed) {
        return 3 + (int) Math.floorMod(seed, 3L);
    }
    /** Three masters, but a lone master every fourth seed (the single-master mode must keep working). */
    static int mastersFor(long seed) {
        return seed % 4 == 0 ? 1 : 3;
    }
    static final int CLIENTS = 4;
    static final long FORM_MS = 4_000;
    static final long FAULT_PHASE_MS = 20_000;
    static final long SETTLE_MS = 8_000;
    static final long CONVERGE_MS = 25_000;

    /** The outcome of one seed. */
    record Result(long seed, String failure, int operations, int acknowledgedWrites, Map<String, Integer> faults,
                  long steps, int configurations) {
        boolean ok() {
            return failure == null;
        }
    }

    private final long seed;
    private final Sim sim;
    private final SimCluster cluster;
    private final List<SimClient.Recorded> history = Collections.synchronizedList(new ArrayList<>());
    private final List<SimClient> clients = new ArrayList<>();
    private final Map<String, Integer> faults = new TreeMap<>();
    private final Runnable afterEachStep;
    private final int nodes;

    Simulation(long seed) {
        this(seed, Variant.NONE);
    }

    Simulation(long seed, Variant variant) {
        this.seed = seed;
        this.sim = new Sim(seed);
        this.nodes = nodesFor(seed);
        this.cluster = new SimCluster(sim, nodes, mastersFor(seed), variant);
        this.afterEachStep = () -> { };
    }

    Result run() {
        try {
            cluster.start();
            sim.runUntil(FORM_MS, afterEachStep);
            int[] opCounter = {0};
            for (int i = 1; i <= CLIENTS; i++) {
                SimClient client = new SimClient("c" + i, cluster, history, opCounter);
                clients.add(client);
                client.start();
            }
            scheduleFaults(FORM_MS, FORM_MS + FAULT_PHASE_MS);
            long healAt = FORM_MS + FAULT_PHASE_MS;
            sim.runUntil(healAt, afterEachStep);
            cluster.healEverything();
            sim.runUntil(healAt + SETTLE_MS, afterEachStep);
            clients.forEach(SimClient::stop);
            sim.runUntil(healAt + SETTLE_MS + CONVERGE_MS, afterEachStep);
            checkConverged();
            cluster.checker.checkPermanence();
            checkAcknowledgedWritesPresent();
            checkFinalData();
            String linearizability = HistoryCheck.check(history);
            if (linearizability != null) {
                return result(cluster.checker.violation(linearizability).getMessage());
            }
            return result(null);
        } catch (InvariantChecker.InvariantViolation | AssertionError | IllegalStateException e) {
            return result(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private Result result(String failure) {
        int acknowledged = (int) history.stream().filter(op -> op.kind() != SimClient.Kind.READ
                && op.outcome() == SimClient.Outcome.OK).count();
        return new Result(seed, failure, history.size(), acknowledged, faults, sim.steps(),
                cluster.checker.configurationsInstalled());
    }

    // ------------------------------------------------------------ faults

    private void scheduleFaults(long fromMs, long untilMs) {
        long at = fromMs + sim.between(300, 1_500);
        while (at < untilMs - 1_000) {
            long when = at;
            sim.at(when, () -> injectFault(untilMs));
            at += sim.between(600, 2_500);
        }
    }

    private void count(String kind) {
        faults.merge(kind, 1, Integer::sum);
    }

    private void injectFault(long faultPhaseEndMs) {
        List<SimNode> nodes = new ArrayList<>(cluster.nodes.values());
        SimNode victim = nodes.get(sim.random.nextInt(nodes.size()));
        long healAfter = Math.min(sim.between(1_000, 5_000), Math.max(0, faultPhaseEndMs - sim.now()));
        SimMaster master = cluster.masters.get(sim.random.nextInt(cluster.masters.size()));
        switch (sim.random.nextInt(11)) {
            case 0 -> crashAndRestart(victim, healAfter);
            case 1 -> crashAndRestartMaster(master);
            case 2 -> partitionFor(victim.name(), master.name(), healAfter, "partition-from-master");
            case 3 -> {
                SimNode other = nodes.get(sim.random.nextInt(nodes.size()));
                if (other != victim) {
                    partitionFor(victim.name(), other.name(), healAfter, "partition-between-nodes");
                }
            }
            case 4 -> isolate(victim, healAfter);
            case 5 -> swizzleClog();
            case 6 -> {
                count("false-suspicion");
                cluster.falseSuspicion(victim);
            }
            case 7 -> isolateMaster(preferLeader(master), healAfter);
            case 8 -> splitView(healAfter);
            case 9 -> pauseMaster(preferLeader(master), healAfter);
            default -> lossyNetwork(healAfter);
        }
    }

    /** Half the time the master that leads now: the faults that matter most hit the leader. */
    private SimMaster preferLeader(SimMaster master) {
        List<SimMaster> leaders = cluster.leaders();
        return !leaders.isEmpty() && sim.chance(0.5) ? leaders.get(0) : master;
    }

    private void crashAndRestartMaster(SimMaster master) {
        SimMaster victim = preferLeader(master);
        if (!victim.isUp()) {
            return;
        }
        count("master-crash");
        cluster.crashMaster(victim);
        sim.after(sim.between(300, 3_000), () -> {
            if (!victim.isUp()) {
                cluster.startMaster(victim);
            }
        });
    }

    /** {m} | {the other masters}: the nodes still reach every master. */
    private void isolateMaster(SimMaster master, long durationMs) {
        if (cluster.masters.size() == 1) {
            return;
        }
        count("master-partition");
        for (SimMaster other : cluster.masters) {
            if (other != master) {
                cluster.partition(master.name(), other.name());
                sim.after(durationMs, () -> cluster.heal(master.name(), other.name()));
            }
        }
    }

    private void pauseMaster(SimMaster master, long durationMs) {
        if (!master.isUp() || master.paused) {
            return;
        }
        count("master-pause");
        cluster.pauseMaster(master, Math.max(durationMs, SimCluster.HEARTBEAT_TIMEOUT_MS + sim.between(0, 2_000)));
    }

    /** Two masters stop seeing each other in their membership views while the network is fine. */
    private void splitView(long durationMs) {
        if (cluster.masters.size() == 1) {
            return;
        }
        count("split-view");
        List<SimMaster> masters = new ArrayList<>(cluster.masters);
        Collections.shuffle(masters, sim.random);
        cluster.splitView(masters.get(0), masters.get(1), Math.max(500, durationMs));
    }

    private void crashAndRestart(SimNode victim, long downMs) {
        if (!victim.isUp() || cluster.liveNodes().size() < 2) {
            return;
        }
        count("node-crash");
        cluster.crashNode(victim);
        sim.after(Math.max(300, downMs), () -> {
            if (!victim.isUp()) {
                cluster.startNode(victim);
            }
        });
    }

    private void partitionFor(String a, String b, long durationMs, String kind) {
        count(kind);
        cluster.partition(a, b);
        sim.after(durationMs, () -> cluster.heal(a, b));
    }

    /** Cut a node off from the master and every other node; clients still reach it (a zombie). */
    private void isolate(SimNode victim, long durationMs) {
        count("isolate-node");
        for (String other : cluster.processNames()) {
            if (!other.equals(victim.name())) {
                cluster.partition(victim.name(), other);
                sim.after(durationMs, () -> cluster.heal(victim.name(), other));
            }
        }
    }

    /** Swizzle-clogging: clog a random subset of links one by one, then release them in random order. */
    private void swizzleClog() {
        count("swizzle-clog");
        List<String[]> pairs = new ArrayList<>();
        for (String a : cluster.processNames()) {
            for (String b : cluster.processNames()) {
                if (!a.equals(b) && sim.chance(0.4)) {
                    pairs.add(new String[] {a, b});
                }
            }
        }
        long at = 0;
        for (String[] pair : pairs) {
            at += sim.between(10, 200);
            sim.after(at, () -> cluster.network.clog(pair[0], pair[1]));
        }
        List<String[]> release = new ArrayList<>(pairs);
        Collections.shuffle(release, sim.random);
        at += sim.between(200, 1_500);
        for (String[] pair : release) {
            at += sim.between(10, 300);
            sim.after(at, () -> cluster.network.unclog(pair[0], pair[1]));
        }
    }

    private void lossyNetwork(long durationMs) {
        count("lossy-network");
        cluster.network.dropProbability = 0.1;
        cluster.network.duplicateProbability = 0.1;
        cluster.network.delayMaxMs = 30;
        sim.after(durationMs, () -> {
            cluster.network.dropProbability = 0;
            cluster.network.duplicateProbability = 0;
            cluster.network.delayMaxMs = 2;
        });
    }

    // ------------------------------------------------------------ final checks

    /** After healing: every node is in the chain, and their logs are identical and fully committed. */
    private void checkConverged() {
        List<SimMaster> leaders = cluster.leaders();
        if (leaders.size() != 1) {
            throw cluster.checker.violation("not converged: " + leaders.size() + " masters lead after healing: "
                    + cluster.masters.stream().map(SimMaster::describe).toList());
        }
        ChainConfiguration configuration = leaders.get(0).chosen();
        if (!configuration.equals(cluster.latestChosen)) {
            throw cluster.checker.violation("the leader " + leaders.get(0).name() + " is at epoch "
                    + configuration.epoch() + ", behind the latest chosen epoch " + cluster.latestChosen.epoch());
        }
        if (configuration.chain().size() != nodes) {
            throw cluster.checker.violation("not converged: chain " + configuration.chainIds() + " in epoch "
                    + configuration.epoch() + " after healing");
        }
        SimNode head = cluster.node(configuration.head().id());
        for (SimNode node : cluster.nodes.values()) {
            if (node.replica.configuration().epoch() != configuration.epoch()) {
                throw cluster.checker.violation(node.name() + " is at epoch " + node.replica.configuration().epoch()
                        + ", the master at " + configuration.epoch());
            }
            long from = Math.max(node.storage.compactedSeq, head.storage.compactedSeq);
            if (node.storage.appliedSeq() != head.storage.appliedSeq()
                    || !node.storage.log.tailMap(from, false).equals(head.storage.log.tailMap(from, false))) {
                throw cluster.checker.violation("logs differ after healing: " + node.name() + " ends at "
                        + node.storage.appliedSeq() + ", " + head.name() + " at " + head.storage.appliedSeq());
            }
            if (!node.storage.data.equals(head.storage.data)) {
                throw cluster.checker.violation("data differs after healing between " + node.name() + " and "
                        + head.name() + " at seq " + node.storage.committedSeq);
            }
            if (node.storage.committedSeq != node.storage.appliedSeq()) {
                throw cluster.checker.violation(node.name() + " committed " + node.storage.committedSeq + " of "
                        + node.storage.appliedSeq());
            }
        }
    }

    /**
     * The final data is what the committed entries say, replayed in seq order: every committed write (and so every
     * acknowledged one) took effect, whichever nodes compacted or shipped it in a snapshot on the way.
     */
    private void checkFinalData() {
        SimNode any = cluster.nodes.values().iterator().next();
        Map<java.nio.ByteBuffer, byte[]> expected = new java.util.HashMap<>();
        for (long seq = 1; seq <= any.storage.committedSeq; seq++) {
            LogEntry entry = cluster.checker.committedEntry(seq);
            if (entry == null) {
                throw cluster.checker.violation("no node was seen committing seq " + seq);
            }
            if (entry.op() == Op.PUT) {
                expected.put(java.nio.ByteBuffer.wrap(entry.key()), entry.value());
            } else {
                expected.remove(java.nio.ByteBuffer.wrap(entry.key()));
            }
        }
        if (expected.size() != any.storage.data.size() || !expected.entrySet().stream().allMatch(e ->
                java.util.Arrays.equals(e.getValue(), any.storage.data.get(e.getKey())))) {
            throw cluster.checker.violation("final data at " + any.name() + " differs from the committed entries "
                    + "replayed: " + any.storage.data.size() + " keys, expected " + expected.size());
        }
    }

    /** Every write a client saw acknowledged is in the final log at its seq, with its value. */
    private void checkAcknowledgedWritesPresent() {
        SimNode any = cluster.nodes.values().iterator().next();
        for (SimClient.Recorded op : history) {
            if (op.kind() == SimClient.Kind.READ || op.outcome() != SimClient.Outcome.OK) {
                continue;
            }
            LogEntry entry = cluster.checker.committedEntry(op.seq());
            String key = entry == null ? null : new String(entry.key(), StandardCharsets.UTF_8);
            boolean matches = entry != null && key.equals(op.key()) && (op.kind() == SimClient.Kind.DELETE
                    ? entry.op() == Op.DELETE
                    : new String(entry.value(), StandardCharsets.UTF_8).equals(op.value()));
            if (!matches) {
                throw new AssertionError("acknowledged write lost: " + op + " but the log holds " + entry);
            }
        }
    }
}
