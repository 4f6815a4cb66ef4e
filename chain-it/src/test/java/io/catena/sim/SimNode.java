package io.catena.sim;

import io.catena.config.NodeDescriptor;
import io.catena.config.NodeReport;
import io.catena.config.ReportReply;
import io.catena.node.core.ChainReplica;
import io.catena.node.core.Effect;
import io.catena.node.core.Effects;
import io.catena.node.core.Frame;
import io.catena.node.core.Op;
import io.catena.node.core.ReadDecision;
import io.catena.node.core.ReplicaLimits;
import io.catena.node.core.ReplicaStatus;
import io.catena.node.core.WriteOutcome;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A storage node process in the simulation: the real {@link ChainReplica} with {@link SimStorage}, driven the way
 * {@code NodeRuntime} drives it (effects in order: persist, network, replies), reporting to the master and
 * answering clients.
 */
final class SimNode extends SimProcess implements SimNetwork.StreamListener {

    /**
     * A short log retention (40 entries) and small snapshot chunks, so that compaction and snapshot transfers
     * happen in most runs, under the same faults as everything else.
     */
    static final ReplicaLimits LIMITS = new ReplicaLimits(10_000, 64, 64 * 1024, 3_000, 100, 40, 256);
    static final long TICK_MS = 50;
    static final long REPORT_INTERVAL_MS = 200;

    final NodeDescriptor descriptor;
    final SimStorage storage = new SimStorage();
    private final SimCluster cluster;
    private final Sim sim;
    private final Map<Long, SimNetwork.StreamEnd> links = new HashMap<>();
    private final Map<Long, Consumer<WriteOutcome>> pendingWrites = new HashMap<>();
    ChainReplica replica;
    private long nextInboundLinkId = -1;
    private long nextRequestId = 1;
    private boolean flushScheduled;
    /** This process's clock: its own rate and offset, so leases are tested against clock-rate differences. */
    private final double clockRate;
    private final long clockOffsetMs;
    private long submittedPersists;

    SimNode(NodeDescriptor descriptor, SimCluster cluster) {
        this.descriptor = descriptor;
        this.cluster = cluster;
        this.sim = cluster.sim;
        this.clockRate = 1 + (sim.random.nextDouble() - 0.5) * 2 * SimCluster.CLOCK_RATE_SKEW;
        this.clockOffsetMs = sim.between(0, 100_000);
    }

    /** The node's monotonic clock: what it passes its replica as nowMs. */
    long localNow() {
        return clockOffsetMs + (long) (sim.now() * clockRate);
    }

    @Override
    public String name() {
        return descriptor.id();
    }


    // ------------------------------------------------------------ lifecycle

    void start() {
        beginIncarnation();
        flushScheduled = false;
        submittedPersists = 0;
        replica = new ChainReplica(name(), storage.configuration, LIMITS, storage, storage.appliedSeq(),
                storage.lastEntryEpoch(), storage.committedSeq, storage.compactedSeq);
        apply(replica.start(localNow()));
        long mine = incarnation();
        every(TICK_MS, mine, () -> apply(replica.onTick(localNow())));
        every(REPORT_INTERVAL_MS, mine, this::report);
    }

    /** kill -9: volatile state and unflushed persists are gone; the durable storage stays. */
    void crash() {
        markDown();
        storage.crash();
        links.clear();
        pendingWrites.clear();
        cluster.network.crashed(this);
    }

    private void every(long periodMs, long mine, Runnable action) {
        sim.after(periodMs, () -> {
            if (isUp() && incarnation() == mine) {
                action.run();
                every(periodMs, mine, action);
            }
        });
    }

    // ------------------------------------------------------------ effects, in NodeRuntime's order

    void apply(Effects effects) {
        for (Effect.Persist persist : effects.persists()) {
            storage.submit(persist);
            submittedPersists++;
        }
        if (cluster.variant == Variant.ACK_BEFORE_DURABLE && !effects.persists().isEmpty()) {
            long lastSeq = effects.persists().stream().mapToLong(Effect.Persist::lastSeq).max().orElse(0);
            long claimed = Math.max(replica.status().appliedSeq(), lastSeq);
            long committed = Math.max(replica.committedSeq(), effects.persists().stream()
                    .mapToLong(Effect.Persist::commitUpTo).max().orElse(0));
            long count = submittedPersists;
            sim.after(0, () -> apply(replica.onDurable(count, Math.min(claimed, replica.status().acceptedSeq()),
                    Math.min(committed, claimed))));
        }
        if (storage.hasPending() && !flushScheduled) {
            flushScheduled = true;
            long mine = incarnation();
            sim.after(sim.between(0, 3), () -> {
                if (isUp() && incarnation() == mine) {
                    flushScheduled = false;
                    long count = storage.flush();
                    if (cluster.variant != Variant.ACK_BEFORE_DURABLE) {
                        apply(replica.onDurable(count, storage.appliedSeq(), storage.committedSeq));
                    }
                }
            });
        }
        for (Effect effect : effects.network()) {
            network(effect);
        }
        for (Effect.Reply reply : effects.replies()) {
            Consumer<WriteOutcome> client = pendingWrites.remove(reply.requestId());
            if (client != null) {
                client.accept(reply.outcome());
            }
        }
        cluster.checker.afterEffects(this);
    }

    private void network(Effect effect) {
        if (effect instanceof Effect.Connect connect) {
            SimNode successor = cluster.node(connect.successor().id());
            cluster.network.connect(this, connect.linkId(), successor, successor.nextInboundLinkId--, this,
                    successor, () -> apply(replica.onLinkDown(localNow(), connect.linkId())));
        } else if (effect instanceof Effect.Send send) {
            SimNetwork.StreamEnd end = links.get(send.linkId());
            if (end != null) {
                cluster.network.send(end, send.frame());
            }
        } else if (effect instanceof Effect.Close close) {
            SimNetwork.StreamEnd end = links.get(close.linkId());
            if (end != null) {
                cluster.network.close(end);
            }
        }
    }

    @Override
    public void onData(SimNetwork.StreamEnd end, Object payload) {
        if (payload == SimNetwork.OPENED) {
            links.put(end.linkId, end);
            if (end.linkId > 0) {
                apply(replica.onLinkUp(end.linkId));
            }
        } else {
            apply(replica.onFrame(end.linkId, brokenVariant((Frame) payload)));
        }
    }

    /** SKIP_RESEND_AFTER_RECONFIGURATION: the predecessor takes its successor to be level with itself. */
    private Frame brokenVariant(Frame frame) {
        if (cluster.variant == Variant.SKIP_RESEND_AFTER_RECONFIGURATION && frame instanceof Frame.Position position
                && replica.configuration().epoch() > 1) {
            long ours = replica.status().appliedSeq();
            long epochThere = storage.entry(ours).map(io.catena.node.core.LogEntry::entryEpoch).orElse(0L);
            return new Frame.Position(position.epoch(), ours, epochThere, position.committedSeq());
        }
        return frame;
    }

    @Override
    public void onClosed(SimNetwork.StreamEnd end) {
        links.remove(end.linkId);
        apply(replica.onLinkDown(localNow(), end.linkId));
    }

    // ------------------------------------------------------------ control plane

    /** Which master reports go to, counted from the oldest: moves on when a report gets no reply (as NodeRuntime). */
    private int masterRotation;
    private boolean lastReportAnswered = true;

    private void report() {
        ReplicaStatus status = replica.status();
        NodeReport report = new NodeReport(descriptor, status.epoch(), status.role(), status.appliedSeq(),
                status.committedSeq(), status.caughtUp());
        if (!lastReportAnswered) {
            masterRotation++;
        }
        SimMaster master = cluster.reportTarget(this, masterRotation);
        if (master == null) {
            return;
        }
        lastReportAnswered = false;
        sendReport(master, report, localNow(), true);
    }

    /** One report; a redirect is followed once, at once. The lease counts from the first send. */
    private void sendReport(SimMaster master, NodeReport report, long sentAtMs, boolean mayFollow) {
        long mine = incarnation();
        cluster.network.datagram(this, master, true, () -> {
            SimMaster.Answer answer = master.onReport(report);
            cluster.network.datagram(master, this, true, () -> {
                if (incarnation() != mine) {
                    return;
                }
                if (answer.reply() != null) {
                    lastReportAnswered = true;
                    onReply(sentAtMs, answer.reply());
                } else if (answer.redirect() != null && mayFollow) {
                    sendReport(answer.redirect(), report, sentAtMs, false);
                }
            });
        });
    }

    private void onReply(long sentAtMs, ReportReply reply) {
        apply(replica.onConfiguration(localNow(), reply.configuration()));
        if (reply.leaseMs() > 0) {
            apply(replica.onLease(localNow(), reply.configuration().epoch(), sentAtMs + reply.leaseMs()));
        }
    }

    void onPush(io.catena.config.ChainConfiguration configuration) {
        apply(replica.onConfiguration(localNow(), configuration));
    }

    // ------------------------------------------------------------ clients

    void write(Op op, byte[] key, byte[] value, Consumer<WriteOutcome> reply) {
        long requestId = nextRequestId++;
        pendingWrites.put(requestId, reply);
        apply(replica.onClientWrite(localNow(), requestId, op, key, value));
    }

    /**
     * A strong read at any chain node (CRAQ): the local value when the key is clean here, else the decision to ask
     * the tail (or why it cannot be served).
     */
    ReadDecision strongRead(byte[] key, Consumer<byte[]> value) {
        ReadDecision decision = replica.strongReadDecision(localNow(), key);
        if (cluster.variant == Variant.STRONG_READS_IGNORE_DIRTY && decision instanceof ReadDecision.AskTail) {
            decision = ReadDecision.SERVE;
        }
        if (decision instanceof ReadDecision.Serve) {
            cluster.checker.onServedStrongRead(this);
            value.accept(storage.data.get(ByteBuffer.wrap(key)));
        }
        return decision;
    }

    /** A read of committed data: the value (null when absent), or the decision that prevented it. */
    ReadDecision read(byte[] key, Consumer<byte[]> value) {
        ReadDecision decision = replica.readDecision(localNow());
        if (cluster.variant == Variant.TAIL_READS_WITHOUT_LEASE && replica.role().isTail()) {
            decision = ReadDecision.SERVE;
        }
        if (decision instanceof ReadDecision.Serve) {
            cluster.checker.onServedRead(this);
            value.accept(storage.data.get(ByteBuffer.wrap(key)));
        }
        return decision;
    }
}
