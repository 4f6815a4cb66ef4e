package io.catena.sim;

import io.catena.config.ChainConfiguration;
import io.catena.config.NodeDescriptor;
import io.catena.config.NodeReport;
import io.catena.config.ReportReply;
import io.catena.master.core.Coordinator;
import io.catena.master.core.CoordinatorSettings;
import io.catena.master.core.Install;
import java.util.List;

/**
 * The master process in the simulation: the real {@link Coordinator}, a durable stored configuration (made
 * durable before anything is pushed, as {@code ConfigurationStore} does), crash and restart.
 */
final class SimMaster extends SimProcess {

    static final CoordinatorSettings SETTINGS = new CoordinatorSettings(3, 2_000, 250, 1_000);
    static final long TICK_MS = 100;

    private final SimCluster cluster;
    private final Sim sim;
    ChainConfiguration stored = ChainConfiguration.NONE;
    Coordinator coordinator;
    private final double clockRate;

    SimMaster(SimCluster cluster) {
        this.cluster = cluster;
        this.sim = cluster.sim;
        this.clockRate = 1 + (sim.random.nextDouble() - 0.5) * 2 * SimCluster.CLOCK_RATE_SKEW;
    }

    /** The master's monotonic clock, running at its own rate. */
    private long localNow() {
        return (long) (sim.now() * clockRate);
    }

    @Override
    public String name() {
        return "master";
    }


    void start() {
        beginIncarnation();
        ChainConfiguration recovered = stored;
        if (cluster.variant == Variant.MASTER_REUSES_EPOCH && stored.epoch() > 1) {
            recovered = new ChainConfiguration(stored.epoch() - 1, stored.chain(), stored.learners());
        }
        coordinator = new Coordinator("m1", SETTINGS, recovered, localNow());
        long mine = incarnation();
        tick(mine);
        sim.after(sim.between(500, 2_500), () -> {
            if (isUp() && incarnation() == mine) {
                cluster.membershipEstablished();
                install(coordinator.onMembershipReady(localNow()));
            }
        });
    }

    void crash() {
        markDown();
        coordinator = null;
        cluster.network.crashed(this);
    }

    private void tick(long mine) {
        sim.after(TICK_MS, () -> {
            if (isUp() && incarnation() == mine) {
                install(coordinator.onTick(localNow()));
                tick(mine);
            }
        });
    }

    ReportReply onReport(NodeReport report) {
        return coordinator.onReport(localNow(), report);
    }

    void memberUp(NodeDescriptor node) {
        if (isUp()) {
            install(coordinator.onMemberUp(localNow(), node));
        }
    }

    void memberDown(String nodeId) {
        if (isUp()) {
            install(coordinator.onMemberDown(localNow(), nodeId));
        }
    }

    /** Persist, then push: nothing sees a configuration before it is durable. */
    private void install(List<Install> installs) {
        for (Install install : installs) {
            ChainConfiguration next = install.configuration();
            cluster.checker.onInstall(next);
            cluster.checker.note("master installs epoch " + next.epoch() + " " + next.chainIds() + ": "
                    + install.reason());
            stored = next;
            for (NodeDescriptor recipient : install.recipients()) {
                SimNode node = cluster.node(recipient.id());
                cluster.network.datagram(this, node, true, () -> node.onPush(next));
            }
        }
    }
}
