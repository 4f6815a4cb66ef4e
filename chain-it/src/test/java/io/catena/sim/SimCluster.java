package io.catena.sim;

import io.catena.config.HostPort;
import io.catena.config.NodeDescriptor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole simulated cluster: nodes, one master, the network between them, and the failure detector that
 * turns crashes and partitions into (possibly late, possibly false) membership events for the master.
 */
final class SimCluster {

    /** Each process's clock runs up to this much fast or slow (the lease margin covers 12.5 %). */
    static final double CLOCK_RATE_SKEW = 0.05;

    final Sim sim;
    final SimNetwork network;
    final Map<String, SimNode> nodes = new LinkedHashMap<>();
    final SimMaster master;
    final InvariantChecker checker;
    final Variant variant;

    SimCluster(Sim sim, int nodeCount, Variant variant) {
        this.sim = sim;
        this.variant = variant;
        this.network = new SimNetwork(sim);
        this.checker = new InvariantChecker(this);
        for (int i = 1; i <= nodeCount; i++) {
            NodeDescriptor descriptor = new NodeDescriptor("n" + i, new HostPort("127.0.0." + (10 + i), 7000 + i),
                    new HostPort("127.0.0." + (10 + i), 7100 + i));
            nodes.put(descriptor.id(), new SimNode(descriptor, this));
        }
        this.master = new SimMaster(this);
    }

    SimNode node(String id) {
        return nodes.get(id);
    }

    List<SimNode> liveNodes() {
        return nodes.values().stream().filter(SimNode::isUp).toList();
    }

    void start() {
        master.start();
        for (SimNode node : nodes.values()) {
            startNode(node);
        }
    }

    // ------------------------------------------------------------ processes and the failure detector

    void startNode(SimNode node) {
        checker.note("start " + node.name());
        node.start();
        long incarnation = node.incarnation();
        sim.after(sim.between(800, 2_000), () -> {
            if (node.isUp() && node.incarnation() == incarnation && !network.isCut(node.name(), master.name())) {
                master.memberUp(node.descriptor);
            }
        });
    }

    void crashNode(SimNode node) {
        checker.note("crash " + node.name());
        node.crash();
        sim.after(sim.between(300, 500), () -> master.memberDown(node.name()));
    }

    void crashMaster() {
        master.crash();
    }

    void restartMaster() {
        master.start();
    }

    /** Called when a (re)started master's membership view is established: every reachable node is up. */
    void membershipEstablished() {
        for (SimNode node : nodes.values()) {
            if (node.isUp() && !network.isCut(node.name(), master.name())) {
                master.memberUp(node.descriptor);
            }
        }
    }

    /** Cuts a from b; if one side is the master, membership notices after the heartbeat timeout. */
    void partition(String a, String b) {
        checker.note("partition " + a + " | " + b);
        network.partition(a, b);
        String nodeId = a.equals(master.name()) ? b : b.equals(master.name()) ? a : null;
        if (nodeId != null) {
            sim.after(3_000, () -> {
                if (network.isCut(nodeId, master.name())) {
                    master.memberDown(nodeId);
                }
            });
        }
    }

    void heal(String a, String b) {
        checker.note("heal " + a + " | " + b);
        network.heal(a, b);
        String nodeId = a.equals(master.name()) ? b : b.equals(master.name()) ? a : null;
        if (nodeId != null) {
            rejoinLater(node(nodeId));
        }
    }

    /** The membership view forgets a node that is fine, and finds it again a little later. */
    void falseSuspicion(SimNode node) {
        master.memberDown(node.name());
        rejoinLater(node);
    }

    private void rejoinLater(SimNode node) {
        sim.after(sim.between(500, 3_000), () -> {
            if (node.isUp() && !network.isCut(node.name(), master.name())) {
                master.memberUp(node.descriptor);
            }
        });
    }

    /** Ends every fault: heals the network, restarts what is down. */
    void healEverything() {
        network.healAll();
        network.dropProbability = 0;
        network.duplicateProbability = 0;
        if (!master.isUp()) {
            restartMaster();
        }
        for (SimNode node : nodes.values()) {
            if (!node.isUp()) {
                startNode(node);
            } else {
                rejoinLater(node);
            }
        }
    }

    List<String> processNames() {
        List<String> names = new ArrayList<>(nodes.keySet());
        names.add(master.name());
        return names;
    }
}
