package io.catena.sim;

import io.catena.config.ChainConfiguration;
import io.catena.config.NodeDescriptor;
import io.catena.config.NodeReport;
import io.catena.config.ReportReply;
import io.catena.master.core.Acceptor;
import io.catena.master.core.AcceptorState;
import io.catena.master.core.BallotMessage;
import io.catena.master.core.Coordinator;
import io.catena.master.core.CoordinatorSettings;
import io.catena.master.core.Install;
import io.catena.master.core.Leadership;
import io.catena.master.core.LeadershipSettings;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One master process in the simulation, driven as {@code MasterRuntime} drives it: the real {@link Acceptor}
 * (its state durable before it answers), the real {@link Leadership} (ballots over simulated datagrams; a message
 * to itself answered at once), and the real {@link Coordinator} while it leads, whose installs are proposed and
 * pushed only once chosen. Its membership view of the other masters comes from {@link SimCluster}, late and
 * sometimes wrong; the oldest master it sees is its active-master hint. Crash and restart keep only the acceptor
 * state.
 */
final class SimMaster extends SimProcess {

    static final CoordinatorSettings SETTINGS = new CoordinatorSettings(3, 2_000, 250, 1_000);
    static final long TICK_MS = 100;

    /** What a report gets: a reply from the leader, a redirect to the master this one believes active, or neither. */
    record Answer(ReportReply reply, SimMaster redirect) {
    }

    private final SimCluster cluster;
    private final Sim sim;
    private final String id;
    private final double clockRate;
    /** Durable: what the acceptor has promised and accepted. */
    AcceptorState stored = AcceptorState.INITIAL;
    private Acceptor acceptor;
    private Leadership leadership;
    /** Present only while leading. */
    private Coordinator coordinator;
    /** This incarnation's membership view: the masters it sees (itself included) and the nodes. */
    final Set<String> seenMasters = new HashSet<>();
    private final Map<String, NodeDescriptor> nodeMembers = new LinkedHashMap<>();
    private boolean membershipReady;
    /** When this incarnation joined the membership (the oldest master is the active-master hint). */
    long joinedAtMs = Long.MAX_VALUE;
    /** Paused (SIGSTOP): its timers and membership events do nothing; it resumes with the state it had. */
    boolean paused;

    SimMaster(SimCluster cluster, String id) {
        this.cluster = cluster;
        this.sim = cluster.sim;
        this.id = id;
        this.clockRate = 1 + (sim.random.nextDouble() - 0.5) * 2 * SimCluster.CLOCK_RATE_SKEW;
    }

    /** The master's monotonic clock, running at its own rate. */
    private long localNow() {
        return (long) (sim.now() * clockRate);
    }

    @Override
    public String name() {
        return id;
    }

    void start() {
        beginIncarnation();
        paused = false;
        AcceptorState recovered = stored;
        if (cluster.variant == Variant.MASTER_REUSES_EPOCH && stored.accepted().epoch() > 1) {
            ChainConfiguration older = stored.accepted();
            recovered = new AcceptorState(stored.promised(), stored.acceptedBallot(), new ChainConfiguration(
                    older.epoch() - 1, older.chain(), older.learners()));
        }
        acceptor = new Acceptor(id, recovered);
        leadership = new Leadership(id, leadershipSettings(), acceptor);
        coordinator = null;
        seenMasters.clear();
        seenMasters.add(id);
        nodeMembers.clear();
        membershipReady = false;
        joinedAtMs = Long.MAX_VALUE;
        if (cluster.masters.size() == 1) {
            handle(leadership.onActiveHint(localNow(), true)); // a lone master leads from the start
        }
        long mine = incarnation();
        tick(mine);
        sim.after(sim.between(500, 2_500), () -> {
            if (isUp() && incarnation() == mine) {
                joinedAtMs = sim.now();
                membershipReady = true;
                cluster.membershipEstablished(this);
                if (coordinator != null) {
                    propose(coordinator.onMembershipReady(localNow()));
                }
                updateHint();
            }
        });
    }

    /** The broken variant believes every master is its own majority. */
    private LeadershipSettings leadershipSettings() {
        if (cluster.variant == Variant.MASTERS_WITHOUT_MAJORITY) {
            return LeadershipSettings.single(id);
        }
        return cluster.leadership;
    }

    void crash() {
        markDown();
        acceptor = null;
        leadership = null;
        coordinator = null;
        joinedAtMs = Long.MAX_VALUE;
        cluster.network.crashed(this);
    }

    private void tick(long mine) {
        sim.after(TICK_MS, () -> {
            if (isUp() && incarnation() == mine) {
                if (!paused) {
                    handle(leadership.onTick(localNow()));
                    if (coordinator != null) {
                        propose(coordinator.onTick(localNow()));
                    }
                }
                tick(mine);
            }
        });
    }

    // ------------------------------------------------------------ membership view

    /** Whether this master believes it is the oldest master (its view only; a lone master always is). */
    boolean believesActive() {
        return cluster.masters.size() == 1 || (membershipReady && oldestSeen() == this);
    }

    SimMaster oldestSeen() {
        return cluster.masters.stream().filter(m -> seenMasters.contains(m.name()) && m.isUp())
                .min(java.util.Comparator.comparingLong((SimMaster m) -> m.joinedAtMs)).orElse(this);
    }

    /**
     * A membership event about another master. The hint is re-read even when the view keeps the same names: a
     * master that restarted rejoins under a new join time (Hazelcast: a new member), and may no longer be oldest.
     */
    void seeMaster(String other, boolean seen) {
        if (!isUp() || paused || other.equals(id)) {
            return;
        }
        if (seen ? seenMasters.add(other) : seenMasters.remove(other)) {
            cluster.checker.note(id + (seen ? " sees " : " no longer sees ") + other);
        }
        updateHint();
    }

    /** Re-reads the active-master hint from this master's view (after a pause, say). */
    void updateHint() {
        if (isUp() && cluster.masters.size() > 1) {
            handle(leadership.onActiveHint(localNow(), believesActive()));
        }
    }

    void memberUp(NodeDescriptor node) {
        if (isUp() && !paused) {
            nodeMembers.put(node.id(), node);
            if (coordinator != null) {
                propose(coordinator.onMemberUp(localNow(), node));
            }
        }
    }

    void memberDown(String nodeId) {
        if (isUp() && !paused) {
            nodeMembers.remove(nodeId);
            if (coordinator != null) {
                propose(coordinator.onMemberDown(localNow(), nodeId));
            }
        }
    }

    // ------------------------------------------------------------ control plane

    Answer onReport(NodeReport report) {
        if (coordinator == null) { // as MasterRuntime.activeMaster: the oldest it sees, else the next of the group
            SimMaster active = oldestSeen();
            List<SimMaster> group = cluster.masters;
            SimMaster next = group.get((group.indexOf(this) + 1) % group.size());
            return new Answer(null, active != this ? active : next != this ? next : null);
        }
        long nowMs = localNow();
        ReportReply reply = coordinator.onReport(nowMs, report);
        if (!leadership.mayPublish(nowMs)) {
            return new Answer(new ReportReply(ChainConfiguration.NONE, 0, id), null);
        }
        long leaseMs = leadership.mayGrantLeases(nowMs) ? reply.leaseMs() : 0;
        return new Answer(new ReportReply(leadership.chosen(), leaseMs, id), null);
    }

    /** For failure messages: up or down, ballot state, view. */
    String describe() {
        return id + (isUp() ? " " + leadership.role() + " under " + leadership.ballot() + ", sees " + seenMasters
                + ", joined at " + joinedAtMs + ", promised " + acceptor.state().promised() : " down");
    }

    boolean leading() {
        return coordinator != null;
    }

    ChainConfiguration chosen() {
        return leadership.chosen();
    }

    // ------------------------------------------------------------ ballots

    /** The acceptor's answer, after its new state is durable. */
    BallotMessage onBallot(BallotMessage message) {
        Acceptor.Outcome outcome = message instanceof BallotMessage.Prepare prepare ? acceptor.onPrepare(prepare)
                : acceptor.onAccept((BallotMessage.Accept) message);
        if (outcome.persist() != null) {
            stored = outcome.persist();
        }
        return outcome.answer();
    }

    private void propose(List<Install> installs) {
        for (Install install : installs) {
            if (coordinator != null) {
                handle(leadership.propose(install));
            }
        }
    }

    /** As MasterRuntime: start the coordinator, publish what was chosen, send, drop the coordinator if deposed. */
    private void handle(Leadership.Step step) {
        if (step.elected() != null) {
            lead(step.elected());
        }
        step.chosen().forEach(this::publish);
        for (Leadership.Outgoing outgoing : step.messages()) {
            send(outgoing);
        }
        if (step.deposed()) {
            cluster.checker.note(id + " stops leading");
            coordinator = null;
        }
    }

    private void send(Leadership.Outgoing outgoing) {
        if (outgoing.to().equals(id)) {
            handle(leadership.onMessage(localNow(), onBallot(outgoing.message())));
            return;
        }
        SimMaster to = cluster.master(outgoing.to());
        long mine = incarnation();
        cluster.network.datagram(this, to, true, () -> {
            BallotMessage answer = to.onBallot(outgoing.message());
            cluster.network.datagram(to, this, true, () -> {
                if (incarnation() == mine) {
                    handle(leadership.onMessage(localNow(), answer));
                }
            });
        });
    }

    private void lead(ChainConfiguration chosen) {
        long nowMs = localNow();
        cluster.checker.note(id + " leads from epoch " + chosen.epoch() + " under " + leadership.ballot());
        if (!chosen.isNone()) {
            cluster.checker.onChosen(chosen);
            cluster.onChosen(chosen);
        }
        coordinator = new Coordinator(id, SETTINGS, chosen, nowMs + leadership.takeoverExtraMs());
        List<Install> installs = new ArrayList<>();
        for (NodeDescriptor node : nodeMembers.values()) {
            installs.addAll(coordinator.onMemberUp(nowMs, node));
        }
        if (membershipReady) {
            installs.addAll(coordinator.onMembershipReady(nowMs));
        }
        propose(installs);
    }

    /** Chosen by a majority: push it. */
    private void publish(Install install) {
        ChainConfiguration next = install.configuration();
        cluster.checker.onInstall(id, next);
        cluster.checker.note(id + " installs epoch " + next.epoch() + " " + next.chainIds() + ": "
                + install.reason());
        cluster.onChosen(next);
        for (NodeDescriptor recipient : install.recipients()) {
            SimNode node = cluster.node(recipient.id());
            cluster.network.datagram(this, node, true, () -> node.onPush(next));
        }
    }
}
