package io.catena.master.core;

import io.catena.config.ChainConfiguration;
import io.catena.config.NodeDescriptor;
import io.catena.config.NodeReport;
import io.catena.config.ReportReply;
import io.catena.config.Role;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master's pure decision core (docs/master.md): membership events, node reports and ticks in; report replies
 * and configurations to install out. It reads no clock ({@code nowMs} is an input), does no I/O and draws no
 * random number.
 *
 * <p>Safety rules, each in one place:
 * <ul>
 *   <li>Epochs strictly increase; each {@link Install} carries the next epoch.</li>
 *   <li>A lease is granted to a node of the current chain that reports (a report is direct evidence that it
 *       is alive and reachable; membership is only a hint), and the master remembers when it granted it
 *       ({@link #onReport}). A node that joins a chain is treated as granted at that moment, so it is not
 *       removed before it had a chance to report.</li>
 *   <li>A node leaves the chain only once the lease it may still hold has surely expired
 *       ({@link #leaseExpiredMs}), so a cut-off tail stops serving reads before its successor's replacement
 *       commits anything new.</li>
 *   <li>A master that starts from a stored configuration changes nothing for one lease ({@code actAfterMs}): it
 *       cannot know which leases its previous incarnation granted.</li>
 *   <li>Every new chain keeps at least one node that holds every committed entry ({@link #synced}): a node
 *       appended at the tail is not counted until it reports itself caught up in the current epoch, and a
 *       chain is never rebuilt from such nodes alone, which would lose acknowledged writes.</li>
 * </ul>
 * Liveness is a hint: a node is alive if it is a member and reported within the report timeout.
 */
public final class Coordinator {

    private static final Logger log = LoggerFactory.getLogger(Coordinator.class);

    private final String masterId;
    private final CoordinatorSettings settings;
    private final long actAfterMs;
    private final Map<String, Tracked> nodes = new TreeMap<>();
    private ChainConfiguration configuration;
    private boolean membershipReady;
    /** Nodes of the current chain known to hold every committed entry. */
    private final java.util.Set<String> synced = new java.util.HashSet<>();

    /** What the master knows of one node, keyed by the node's own id (never by member UUID). */
    private static final class Tracked {
        NodeDescriptor descriptor;
        boolean member;
        long lastReportMs = Long.MIN_VALUE;
        long lastGrantMs = Long.MIN_VALUE;
        NodeReport lastReport;

        Tracked(NodeDescriptor descriptor) {
            this.descriptor = descriptor;
        }
    }

    /**
     * @param stored the configuration the master persisted before a restart, or {@link ChainConfiguration#NONE}
     */
    public Coordinator(String masterId, CoordinatorSettings settings, ChainConfiguration stored, long startMs) {
        this.masterId = Objects.requireNonNull(masterId, "masterId");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.configuration = Objects.requireNonNull(stored, "stored");
        this.actAfterMs = stored.isNone() ? startMs : startMs + settings.leaseMs() + settings.leaseMarginMs();
        for (NodeDescriptor node : stored.chain()) {
            nodes.put(node.id(), new Tracked(node));
        }
    }

    // ---------------------------------------------------------------- inputs

    /**
     * The membership view is established (the runtime has delivered every member present at join). Until then
     * the coordinator decides nothing, and it grants leases to the chain's nodes without asking membership: a
     * restarted master must keep the chain serving while it rejoins the cluster.
     */
    public List<Install> onMembershipReady(long nowMs) {
        membershipReady = true;
        return decide(nowMs);
    }

    public List<Install> onMemberUp(long nowMs, NodeDescriptor node) {
        Tracked tracked = nodes.computeIfAbsent(node.id(), id -> new Tracked(node));
        tracked.descriptor = node;
        tracked.member = true;
        log.info("node {} joined the membership at http {}", node.id(), node.http());
        return decide(nowMs);
    }

    public List<Install> onMemberDown(long nowMs, String nodeId) {
        Tracked tracked = nodes.get(nodeId);
        if (tracked != null && tracked.member) {
            tracked.member = false;
            log.warn("node {} left the membership{}", nodeId,
                    configuration.indexOf(nodeId) >= 0 ? "; it leaves the chain once its lease has expired" : "");
        }
        return decide(nowMs);
    }

    /**
     * A node's report. The reply carries the current configuration and, for a node of the chain, a lease the
     * master now promises to honour: it will not remove the node before {@code nowMs + leaseMs + margin}. A
     * restarted master grants leases at once, before its membership view is back, so the chain keeps serving.
     */
    public ReportReply onReport(long nowMs, NodeReport report) {
        Tracked tracked = nodes.computeIfAbsent(report.node().id(), id -> new Tracked(report.node()));
        tracked.descriptor = report.node();
        tracked.lastReport = report;
        tracked.lastReportMs = nowMs;
        if (report.caughtUp() && report.epoch() == configuration.epoch()
                && configuration.indexOf(report.node().id()) >= 0) {
            synced.add(report.node().id());
        }
        long leaseMs = 0;
        if (configuration.indexOf(report.node().id()) >= 0) {
            tracked.lastGrantMs = nowMs;
            leaseMs = settings.leaseMs();
        }
        return new ReportReply(configuration, leaseMs, masterId);
    }

    public List<Install> onTick(long nowMs) {
        return decide(nowMs);
    }

    // ---------------------------------------------------------------- decisions

    /** The one place that changes the configuration. */
    private List<Install> decide(long nowMs) {
        if (!membershipReady || nowMs < actAfterMs) {
            return List.of();
        }
        return configuration.isNone() ? formFirstChain(nowMs) : reconfigure(nowMs);
    }

    private List<Install> formFirstChain(long nowMs) {
        List<NodeDescriptor> alive = nodes.values().stream().filter(n -> isAlive(n, nowMs))
                .map(n -> n.descriptor).sorted(Comparator.comparing(NodeDescriptor::id)).toList();
        if (alive.size() < settings.chainLengthMin()) {
            return List.of();
        }
        return List.of(install(nowMs, ChainConfiguration.of(1, alive),
                "formed the first chain from " + alive.size() + " live nodes"));
    }

    private List<Install> reconfigure(long nowMs) {
        List<String> removed = new ArrayList<>();
        List<NodeDescriptor> chain = new ArrayList<>();
        for (NodeDescriptor node : configuration.chain()) {
            Tracked tracked = nodes.get(node.id());
            if (!isAlive(tracked, nowMs) && leaseExpiredMs(tracked) <= nowMs) {
                removed.add(node.id());
            } else {
                chain.add(node);
            }
        }
        List<NodeDescriptor> returning = nodes.values().stream()
                .filter(n -> isAlive(n, nowMs) && configuration.indexOf(n.descriptor.id()) < 0)
                .map(n -> n.descriptor).sorted(Comparator.comparing(NodeDescriptor::id)).toList();
        if (removed.isEmpty() && returning.isEmpty()) {
            return List.of();
        }
        if (chain.stream().noneMatch(node -> synced.contains(node.id()))) {
            return List.of(); // no survivor holds every committed entry: wait for one to come back
        }
        chain.addAll(returning);
        String reason = (removed.isEmpty() ? "" : "removed " + removed + " (failed, lease expired)")
                + (removed.isEmpty() || returning.isEmpty() ? "" : "; ")
                + (returning.isEmpty() ? "" : "appended " + returning.stream().map(NodeDescriptor::id).toList()
                + " at the tail");
        return List.of(install(nowMs, ChainConfiguration.of(configuration.epoch() + 1, chain), reason));
    }

    private Install install(long nowMs, ChainConfiguration next, String reason) {
        Set<NodeDescriptor> notify = new LinkedHashSet<>(configuration.chain());
        notify.addAll(next.chain());
        log.info("epoch {} -> {}: {}; chain {}", configuration.epoch(), next.epoch(), reason, next.chainIds());
        if (configuration.isNone()) {
            next.chain().forEach(node -> synced.add(node.id()));
        }
        synced.retainAll(next.chainIds());
        configuration = next;
        for (NodeDescriptor node : next.chain()) {
            Tracked tracked = nodes.get(node.id());
            tracked.lastGrantMs = Math.max(tracked.lastGrantMs, nowMs);
        }
        return new Install(next, List.copyOf(notify), reason);
    }

    private boolean isAlive(Tracked tracked, long nowMs) {
        return tracked != null && tracked.member && tracked.lastReport != null
                && nowMs - tracked.lastReportMs <= settings.reportTimeoutMs();
    }

    /** When every lease this master may have granted the node has surely run out. */
    private long leaseExpiredMs(Tracked tracked) {
        if (tracked == null || tracked.lastGrantMs == Long.MIN_VALUE) {
            return actAfterMs;
        }
        return tracked.lastGrantMs + settings.leaseMs() + settings.leaseMarginMs();
    }

    // ---------------------------------------------------------------- queries

    public ChainConfiguration configuration() {
        return configuration;
    }

    public ChainView view(long nowMs) {
        long maxApplied = 0;
        for (NodeDescriptor node : configuration.chain()) {
            Tracked tracked = nodes.get(node.id());
            if (tracked != null && tracked.lastReport != null) {
                maxApplied = Math.max(maxApplied, tracked.lastReport.appliedSeq());
            }
        }
        List<ChainView.NodeView> chain = new ArrayList<>();
        for (NodeDescriptor node : configuration.chain()) {
            chain.add(nodeView(nodes.get(node.id()), configuration.roleOf(node.id()), maxApplied, nowMs));
        }
        List<ChainView.NodeView> others = new ArrayList<>();
        for (Tracked tracked : nodes.values()) {
            if (configuration.indexOf(tracked.descriptor.id()) < 0) {
                others.add(nodeView(tracked, Role.OUTSIDE, maxApplied, nowMs));
            }
        }
        return new ChainView(configuration.epoch(), chain, others);
    }

    private ChainView.NodeView nodeView(Tracked tracked, Role role, long maxApplied, long nowMs) {
        Optional<NodeReport> report = Optional.ofNullable(tracked.lastReport);
        long applied = report.map(NodeReport::appliedSeq).orElse(0L);
        long leaseLeft = tracked.lastGrantMs == Long.MIN_VALUE ? 0
                : Math.max(0, tracked.lastGrantMs + settings.leaseMs() - nowMs);
        return new ChainView.NodeView(tracked.descriptor, role, isAlive(tracked, nowMs),
                report.map(NodeReport::epoch).orElse(0L), applied,
                report.map(NodeReport::committedSeq).orElse(0L), Math.max(0, maxApplied - applied), leaseLeft);
    }
}
