package io.catena.sim;

import io.catena.config.ChainConfiguration;
import io.catena.config.HostPort;
import io.catena.config.NodeDescriptor;
import io.catena.master.core.LeadershipSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole simulated cluster: nodes, one or three masters, the network between them, and the failure detector
 * that turns crashes and partitions into (possibly late, possibly false) membership events: nodes seen by the
 * masters, and masters seen by each other (each master's view decides whether it believes it is the oldest).
 */
final class SimCluster {

    /** Each process's clock runs up to this much fast or slow (the lease margin covers 12.5 %). */
    static final double CLOCK_RATE_SKEW = 0.05;
    /** Hazelcast removes a member silent this long. */
    static final long HEARTBEAT_TIMEOUT_MS = 3_000;

    final Sim sim;
    final SimNetwork network;
    final Map<String, SimNode> nodes = new LinkedHashMap<>();
    final List<SimMaster> masters = new ArrayList<>();
    final LeadershipSettings leadership;
    final InvariantChecker checker;
    final Variant variant;
    /** The chosen configuration with the highest epoch so far (what clients refresh their routing from). */
    ChainConfiguration latestChosen = ChainConfiguration.NONE;

    SimCluster(Sim sim, int nodeCount, int masterCount, Variant variant) {
        this.sim = sim;
        this.variant = variant;
        this.network = new SimNetwork(sim);
        this.checker = new InvariantChecker(this);
        for (int i = 1; i <= nodeCount; i++) {
            NodeDescriptor descriptor = new NodeDescriptor("n" + i, new HostPort("127.0.0." + (10 + i), 7000 + i),
                    new HostPort("127.0.0." + (10 + i), 7100 + i));
            nodes.put(descriptor.id(), new SimNode(descriptor, this));
        }
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= masterCount; i++) {
            ids.add("m" + i);
        }
        this.leadership = new LeadershipSettings(ids, 100, 500, 1_000,
                SimMaster.SETTINGS.leaseMs() + SimMaster.SETTINGS.leaseMarginMs());
        for (String id : ids) {
            masters.add(new SimMaster(this, id));
        }
    }

    SimNode node(String id) {
        return nodes.get(id);
    }

    SimMaster master(String id) {
        return masters.stream().filter(m -> m.name().equals(id)).findFirst().orElse(null);
    }

    boolean isMaster(String name) {
        return master(name) != null;
    }

    List<SimNode> liveNodes() {
        return nodes.values().stream().filter(SimNode::isUp).toList();
    }

    List<SimMaster> leaders() {
        return masters.stream().filter(m -> m.isUp() && m.leading()).toList();
    }

    void start() {
        masters.forEach(this::startMaster);
        for (SimNode node : nodes.values()) {
            startNode(node);
        }
    }

    void onChosen(ChainConfiguration configuration) {
        if (configuration.epoch() > latestChosen.epoch()) {
            latestChosen = configuration;
        }
    }

    /**
     * Where a node reports: the oldest master it can see (the membership hint), shifted by {@code rotation}
     * when reports failed; null when no master is up.
     */
    SimMaster reportTarget(SimNode node, int rotation) {
        List<SimMaster> up = masters.stream().filter(SimMaster::isUp)
                .sorted(java.util.Comparator.comparingLong((SimMaster m) -> m.joinedAtMs)).toList();
        return up.isEmpty() ? null : up.get(Math.floorMod(rotation, up.size()));
    }

    // ------------------------------------------------------------ processes and the failure detector

    void startNode(SimNode node) {
        checker.note("start " + node.name());
        node.start();
        long incarnation = node.incarnation();
        sim.after(sim.between(800, 2_000), () -> {
            if (node.isUp() && node.incarnation() == incarnation) {
                mastersReaching(node.name()).forEach(master -> master.memberUp(node.descriptor));
            }
        });
    }

    void crashNode(SimNode node) {
        checker.note("crash " + node.name());
        node.crash();
        sim.after(sim.between(300, 500), () -> masters.forEach(master -> master.memberDown(node.name())));
    }

    void startMaster(SimMaster master) {
        checker.note("start " + master.name());
        master.start();
    }

    void crashMaster(SimMaster master) {
        checker.note("crash " + master.name());
        master.crash();
        sim.after(sim.between(300, 500), () -> masters.forEach(other -> other.seeMaster(master.name(), false)));
    }

    /** A (re)started master's membership view is established: it sees every reachable node and master. */
    void membershipEstablished(SimMaster master) {
        for (SimNode node : nodes.values()) {
            if (node.isUp() && !network.isCut(node.name(), master.name())) {
                master.memberUp(node.descriptor);
            }
        }
        for (SimMaster other : masters) {
            if (other != master && other.isUp() && !network.isCut(other.name(), master.name())) {
                other.seeMaster(master.name(), true);
                master.seeMaster(other.name(), true);
            }
        }
    }

    private List<SimMaster> mastersReaching(String process) {
        return masters.stream().filter(m -> m.isUp() && !network.isCut(process, m.name())).toList();
    }

    /** Cuts a from b; membership notices after the heartbeat timeout when a master is on either side. */
    void partition(String a, String b) {
        checker.note("partition " + a + " | " + b);
        network.partition(a, b);
        sim.after(HEARTBEAT_TIMEOUT_MS, () -> {
            if (network.isCut(a, b)) {
                forget(a, b);
                forget(b, a);
            }
        });
    }

    /** {@code viewer}, if a master, drops {@code seen} from its membership view. */
    private void forget(String viewer, String seen) {
        SimMaster master = master(viewer);
        if (master == null) {
            return;
        }
        if (isMaster(seen)) {
            master.seeMaster(seen, false);
        } else {
            master.memberDown(seen);
        }
    }

    void heal(String a, String b) {
        checker.note("heal " + a + " | " + b);
        network.heal(a, b);
        rejoinLater(a, b);
    }

    /** After a delay, if a and b are up and reach each other, each master among them sees the other again. */
    private void rejoinLater(String a, String b) {
        sim.after(sim.between(500, 3_000), () -> {
            if (!network.isCut(a, b)) {
                remember(a, b);
                remember(b, a);
            }
        });
    }

    private void remember(String viewer, String seen) {
        SimMaster master = master(viewer);
        if (master == null || !isUp(seen)) {
            return;
        }
        if (isMaster(seen)) {
            master.seeMaster(seen, true);
        } else {
            master.memberUp(node(seen).descriptor);
        }
    }

    private boolean isUp(String process) {
        return isMaster(process) ? master(process).isUp() : node(process).isUp();
    }

    /** The membership view forgets a node that is fine, and finds it again a little later. */
    void falseSuspicion(SimNode node) {
        masters.forEach(master -> master.memberDown(node.name()));
        masters.forEach(master -> rejoinLater(master.name(), node.name()));
    }

    /**
     * Split membership views: masters a and b stop seeing each other although the network is fine (Hazelcast
     * split after a long pause), so both may believe they are the oldest; they see each other again later.
     */
    void splitView(SimMaster a, SimMaster b, long durationMs) {
        checker.note("split view " + a.name() + " | " + b.name());
        a.seeMaster(b.name(), false);
        b.seeMaster(a.name(), false);
        sim.after(durationMs, () -> rejoinLater(a.name(), b.name()));
    }

    /**
     * A master paused (SIGSTOP) for {@code durationMs}: nothing reaches it or leaves it and its timers do nothing;
     * the others' views drop it after the heartbeat timeout; then it resumes with its old state and view.
     */
    void pauseMaster(SimMaster master, long durationMs) {
        checker.note("pause " + master.name());
        master.paused = true;
        List<String> others = processNames().stream().filter(name -> !name.equals(master.name())).toList();
        others.forEach(other -> partition(master.name(), other));
        sim.after(durationMs, () -> {
            checker.note("resume " + master.name());
            master.paused = false;
            master.updateHint();
            others.forEach(other -> heal(master.name(), other));
        });
    }

    /** Ends every fault: heals the network, restarts what is down. */
    void healEverything() {
        network.healAll();
        masters.forEach(master -> master.paused = false);
        network.dropProbability = 0;
        network.duplicateProbability = 0;
        for (SimMaster master : masters) {
            if (!master.isUp()) {
                startMaster(master);
            }
        }
        for (SimNode node : nodes.values()) {
            if (!node.isUp()) {
                startNode(node);
            }
        }
        for (String a : processNames()) {
            for (String b : processNames()) {
                if (isMaster(a) && !a.equals(b)) {
                    rejoinLater(a, b);
                }
            }
        }
    }

    List<String> processNames() {
        List<String> names = new ArrayList<>(nodes.keySet());
        masters.forEach(master -> names.add(master.name()));
        return names;
    }
}
