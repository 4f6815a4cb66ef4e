package io.catena.master.core;

import io.catena.config.ChainConfiguration;
import io.catena.config.NodeDescriptor;
import io.catena.config.NodeReport;
import io.catena.config.ReportReply;
import io.catena.config.Role;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
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
 * The master's pure decision core (docs/master.md): membership events, node reports, operators' removal requests
 * and ticks in; report replies and configurations to install out. It reads no clock ({@code nowMs} is an input),
 * does no I/O and draws no random number.
 *
 * <p>Safety rules, each in one place:
 * <ul>
 *   <li>Epochs strictly increase; each {@link Install} carries the next epoch.</li>
 *   <li>A lease is granted to a node of the current chain that reports (a report is direct evidence that it
 *       is alive and reachable; membership is only a hint) and is not draining, and the master remembers when it
 *       granted it ({@link #onReport}). A node that joins a chain is treated as granted at that moment, so it is
 *       not removed before it had a chance to report. Learners get no lease.</li>
 *   <li>A node leaves the chain only once the lease it may still hold has surely expired
 *       ({@link #leaseExpiredMs}), so a cut-off tail stops serving reads before its successor's replacement
 *       commits anything new. This holds for failed and for drained nodes alike.</li>
 *   <li>A master that starts from a stored configuration changes nothing for one lease ({@code actAfterMs}): it
 *       cannot know which leases its previous incarnation granted.</li>
 *   <li>Every new chain keeps at least one node that holds every committed entry ({@link #synced}): a node
 *       promoted at the tail is not counted until it reports itself caught up in the current epoch, and a
 *       chain is never rebuilt from such nodes alone, which would lose acknowledged writes.</li>
 *   <li>A report never changes the addresses the configuration names for a node ({@link #onReport}): a second
 *       process under the same id is refused, not let in.</li>
 * </ul>
 * New and returning nodes join as learners after the tail and enter the chain only by promotion, one per
 * configuration change ({@link #promotable}). Liveness is a hint: a node is alive if it reported within the report
 * timeout and membership has not reported it gone since ({@link #isAlive}).
 */
public final class Coordinator {

    private static final Logger log = LoggerFactory.getLogger(Coordinator.class);

    private final String masterId;
    private final CoordinatorSettings settings;
    private final long actAfterMs;
    private final Map<String, Tracked> nodes = new TreeMap<>();
    private ChainConfiguration configuration;
    private boolean membershipReady;
    /** When {@link #decide} last ran, to notice that this master itself was stopped (SIGSTOP, a long GC pause). */
    private long lastDecideMs = Long.MIN_VALUE;
    /** After such a stop, no change before this: the nodes' reports sent meanwhile have not been read yet. */
    private long resumedQuietUntilMs = Long.MIN_VALUE;
    /** Nodes of the current chain known to hold every committed entry. */
    private final Set<String> synced = new HashSet<>();

    /** What the master knows of one node, keyed by the node's own id (never by member UUID). */
    private static final class Tracked {
        NodeDescriptor descriptor;
        boolean member;
        long lastReportMs = Long.MIN_VALUE;
        /** When membership last reported this node gone; a report after that outweighs it. */
        long lastDownMs = Long.MIN_VALUE;
        long lastGrantMs = Long.MIN_VALUE;
        NodeReport lastReport;
        /** An operator asked to remove it: no lease, and not taken back as a learner (docs/master.md, "Drain"). */
        boolean draining;
        /** The other addresses last refused for this id, so the refusal is logged once, not at every report. */
        NodeDescriptor refusedDescriptor;

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
        for (NodeDescriptor node : stored.line()) {
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

    /** The addresses of a node the configuration names stay those of the configuration (see {@link #onReport}). */
    public List<Install> onMemberUp(long nowMs, NodeDescriptor node) {
        Tracked tracked = nodes.computeIfAbsent(node.id(), id -> new Tracked(node));
        tracked.descriptor = configuration.node(node.id()).orElse(node);
        tracked.member = true;
        log.info("node {} joined the membership at http {}", node.id(), node.http());
        return decide(nowMs);
    }

    public List<Install> onMemberDown(long nowMs, String nodeId) {
        Tracked tracked = nodes.get(nodeId);
        if (tracked != null && tracked.member) {
            tracked.member = false;
            tracked.lastDownMs = nowMs;
            log.warn("node {} left the membership{}", nodeId,
                    configuration.indexOf(nodeId) >= 0 ? "; it leaves the chain once its lease has expired" : "");
            endDrainOnceGone(tracked);
        }
        return decide(nowMs);
    }

    /**
     * A node's report. The reply carries the current configuration and, for a node of the chain that is not
     * draining, a lease the master now promises to honour: it will not remove the node before {@code nowMs +
     * leaseMs + margin}. A restarted master grants leases at once, before its membership view is back, so the
     * chain keeps serving.
     *
     * <p>A report under the id of a node the configuration names, but from other addresses, is refused: no
     * lease, nothing recorded (it is not evidence that the named node is alive) and the addresses are not
     * overwritten. It is either a second process started with the same id, or the node restarted elsewhere;
     * the latter rejoins at its new address once the master has removed it under the failure rule.
     */
    public ReportReply onReport(long nowMs, NodeReport report) {
        String id = report.node().id();
        Optional<NodeDescriptor> registered = configuration.node(id);
        if (registered.isPresent() && !registered.get().equals(report.node())) {
            refuse(nowMs, report.node(), registered.get());
            return new ReportReply(configuration, 0, masterId);
        }
        Tracked tracked = nodes.computeIfAbsent(id, key -> new Tracked(report.node()));
        tracked.descriptor = report.node();
        tracked.lastReport = report;
        tracked.lastReportMs = nowMs;
        tracked.refusedDescriptor = null;
        boolean inChain = configuration.indexOf(id) >= 0;
        if (inChain && report.caughtUp() && report.epoch() == configuration.epoch()) {
            synced.add(id);
        }
        long leaseMs = 0;
        if (inChain && !tracked.draining) {
            tracked.lastGrantMs = nowMs;
            leaseMs = settings.leaseMs();
        }
        return new ReportReply(configuration, leaseMs, masterId);
    }

    /**
     * An operator's request to remove a node (docs/master.md, "Drain"). A chain node starts draining: it gets
     * no lease from now on and leaves the chain once its last lease has surely expired. A learner, or a known
     * node outside the configuration, is removed at once. Either way the node is not taken back as a learner
     * until it has left the membership (or this master restarts). Refused when the rest of the chain would be
     * empty or hold no live node known to have every committed entry.
     */
    public Removal onRemoveRequest(long nowMs, String nodeId) {
        Tracked tracked = nodes.get(nodeId);
        if (tracked == null) {
            return new Removal(Removal.Outcome.UNKNOWN, nodeId, 0, "no node '" + nodeId + "' is known to this"
                    + " master (not in epoch " + configuration.epoch() + ", never reported)", List.of());
        }
        if (configuration.indexOf(nodeId) >= 0 && !tracked.draining) {
            Optional<String> refusal = drainRefusal(nodeId, nowMs);
            if (refusal.isPresent()) {
                log.warn("refused to remove node {} from epoch {}: {}", nodeId, configuration.epoch(),
                        refusal.get());
                return new Removal(Removal.Outcome.REFUSED, nodeId, 0, refusal.get(), List.of());
            }
        }
        if (!tracked.draining) {
            tracked.draining = true;
            log.info("node {} is draining on request ({}): no more leases; it leaves epoch {} once its lease has"
                    + " expired", nodeId, configuration.roleOf(nodeId).wireName(), configuration.epoch());
        }
        List<Install> installs = decide(nowMs);
        if (!configuration.contains(nodeId)) {
            return new Removal(Removal.Outcome.REMOVED, nodeId, 0, "", installs);
        }
        long removeAtMs = Math.max(actAfterMs, configuration.indexOf(nodeId) >= 0 ? leaseExpiredMs(tracked) : 0);
        return new Removal(Removal.Outcome.DRAINING, nodeId, Math.max(0, removeAtMs - nowMs), "", installs);
    }

    public List<Install> onTick(long nowMs) {
        return decide(nowMs);
    }

    private void refuse(long nowMs, NodeDescriptor claimed, NodeDescriptor registered) {
        Tracked tracked = nodes.get(claimed.id());
        if (claimed.equals(tracked.refusedDescriptor)) {
            return;
        }
        tracked.refusedDescriptor = claimed;
        String place = configuration.indexOf(claimed.id()) >= 0 ? "active in the chain" : "a learner";
        if (isAlive(tracked, nowMs)) {
            log.warn("node {} reported from {} but {} is {} at {}; ignoring this report", claimed.id(),
                    addresses(claimed), claimed.id(), place, addresses(registered));
        } else {
            log.warn("node {} reported from {} but {} is {} at {} (silent there); ignoring this report: it can"
                    + " rejoin at its new address once it has been removed", claimed.id(), addresses(claimed),
                    claimed.id(), place, addresses(registered));
        }
    }

    private static String addresses(NodeDescriptor node) {
        return "http " + node.http() + " / replication " + node.replication();
    }

    /** Draining ends once the node is neither in the configuration nor a member: it may come back as a learner. */
    private void endDrainOnceGone(Tracked tracked) {
        if (tracked.draining && !tracked.member && !configuration.contains(tracked.descriptor.id())) {
            tracked.draining = false;
            log.info("node {} has left the chain and the membership: its drain is over; it may come back as a"
                    + " learner", tracked.descriptor.id());
        }
    }

    /** Why draining this chain node now would break the synced-survivor rule, if it would. */
    private Optional<String> drainRefusal(String nodeId, long nowMs) {
        List<NodeDescriptor> rest = configuration.chain().stream()
                .filter(node -> !node.id().equals(nodeId) && !nodes.get(node.id()).draining).toList();
        if (rest.isEmpty()) {
            return Optional.of("removing " + nodeId + " would leave the chain of epoch " + configuration.epoch()
                    + " empty (its other nodes, if any, are draining)");
        }
        if (rest.stream().noneMatch(node -> isSyncedAndAlive(node, nowMs))) {
            return Optional.of("no other live node of the chain " + configuration.chainIds() + " is known to hold"
                    + " every committed entry; try again once one has caught up");
        }
        return Optional.empty();
    }

    // ---------------------------------------------------------------- decisions

    /** The one place that changes the configuration. */
    private List<Install> decide(long nowMs) {
        noticeOwnStop(nowMs);
        if (!membershipReady || nowMs < actAfterMs || nowMs < resumedQuietUntilMs) {
            return List.of();
        }
        return configuration.isNone() ? formFirstChain(nowMs) : reconfigure(nowMs);
    }

    /**
     * Decisions run at least every tick; a longer gap means this master did not run (it was paused, or starved).
     * Every node then looks silent, though their reports are waiting in its sockets: it decides nothing for one
     * report timeout, so that it does not remove live nodes before reading what they sent (a needless new epoch
     * and catch-up, seen after a SIGSTOP of the master). Waiting only delays a change, which is always safe.
     */
    private void noticeOwnStop(long nowMs) {
        if (lastDecideMs != Long.MIN_VALUE && nowMs - lastDecideMs > settings.reportTimeoutMs()) {
            resumedQuietUntilMs = nowMs + settings.reportTimeoutMs();
            log.warn("this master did not run for {} ms (paused or starved): no change for {} ms, until the nodes'"
                    + " reports are read", nowMs - lastDecideMs, settings.reportTimeoutMs());
        }
        lastDecideMs = Math.max(lastDecideMs, nowMs);
    }

    private List<Install> formFirstChain(long nowMs) {
        List<NodeDescriptor> alive = nodes.values().stream().filter(n -> isAlive(n, nowMs) && !n.draining)
                .map(n -> n.descriptor).sorted(Comparator.comparing(NodeDescriptor::id)).toList();
        if (alive.size() < settings.chainLengthMin()) {
            return List.of();
        }
        return List.of(install(nowMs, ChainConfiguration.of(1, alive),
                "formed the first chain from " + alive.size() + " live nodes"));
    }

    /**
     * One new configuration from every change due now, in this order: failed chain nodes leave (lease expired),
     * drained chain nodes leave (lease expired, a live synced node stays), dead or draining learners are dropped,
     * live nodes the configuration does not name become learners, and at most one caught-up learner is promoted
     * to tail. Nothing is installed when the new chain would hold no synced node.
     */
    private List<Install> reconfigure(long nowMs) {
        List<String> changes = new ArrayList<>();
        List<NodeDescriptor> chain = new ArrayList<>(configuration.chain());
        List<String> failed = removeWhere(chain, node -> !isAlive(tracked(node), nowMs)
                && leaseExpiredMs(tracked(node)) <= nowMs);
        note(changes, "removed", failed, "(failed, lease expired)");
        abandonDrainsThatCannotFinish(chain);
        note(changes, "removed", removeDrained(chain, nowMs), "(drained, lease expired)");
        List<NodeDescriptor> learners = new ArrayList<>(configuration.learners());
        note(changes, "dropped learners", removeWhere(learners,
                node -> !isAlive(tracked(node), nowMs) || tracked(node).draining), "(not alive, or drained)");
        List<NodeDescriptor> joining = nodes.values().stream()
                .filter(n -> isAlive(n, nowMs) && !n.draining && !configuration.contains(n.descriptor.id()))
                .map(n -> n.descriptor).sorted(Comparator.comparing(NodeDescriptor::id)).toList();
        learners.addAll(joining);
        note(changes, "added learners", joining.stream().map(NodeDescriptor::id).toList(), "after the tail");
        Optional<NodeDescriptor> promoted = promotable(learners);
        promoted.ifPresent(node -> {
            learners.remove(node);
            chain.add(node);
            changes.add("promoted learner " + node.id() + " to tail (caught up, within " + settings
                    .promoteLagEntriesMax() + " entries of the tail)");
        });
        if (changes.isEmpty()) {
            return List.of();
        }
        if (chain.stream().noneMatch(node -> synced.contains(node.id()))) {
            return List.of(); // no survivor holds every committed entry: wait for one to come back
        }
        return List.of(install(nowMs, new ChainConfiguration(configuration.epoch() + 1, chain, learners),
                String.join("; ", changes)));
    }

    /** Removes the nodes that match, in order; returns their ids. */
    private static List<String> removeWhere(List<NodeDescriptor> nodes,
                                                java.util.function.Predicate<NodeDescriptor> leaves) {
        List<String> removed = new ArrayList<>();
        nodes.removeIf(node -> leaves.test(node) && removed.add(node.id()));
        return removed;
    }

    private static void note(List<String> changes, String what, List<String> ids, String why) {
        if (!ids.isEmpty()) {
            changes.add(what + " " + ids + " " + why);
        }
    }

    /**
     * A chain left with draining nodes only would lose its last members: those nodes stop draining and get leases
     * again (the operator must add nodes first, then ask again).
     */
    private void abandonDrainsThatCannotFinish(List<NodeDescriptor> chain) {
        if (chain.stream().allMatch(node -> tracked(node).draining)) {
            for (NodeDescriptor node : chain) {
                tracked(node).draining = false;
                log.warn("drain of node {} abandoned: no node that is not draining is left in the chain {}; it"
                        + " keeps serving and gets leases again", node.id(), chain.stream()
                        .map(NodeDescriptor::id).toList());
            }
        }
    }

    /** Drained chain nodes whose last lease has surely expired leave, each only while a live synced node stays. */
    private List<String> removeDrained(List<NodeDescriptor> chain, long nowMs) {
        List<String> removed = new ArrayList<>();
        for (NodeDescriptor node : List.copyOf(chain)) {
            Tracked tracked = tracked(node);
            if (!tracked.draining || leaseExpiredMs(tracked) > nowMs) {
                continue;
            }
            boolean survivor = chain.stream().anyMatch(other -> !other.equals(node) && !tracked(other).draining
                    && isSyncedAndAlive(other, nowMs));
            if (survivor) {
                chain.remove(node);
                removed.add(node.id());
            }
        }
        return removed;
    }

    /**
     * The first learner (in line order) that can enter the chain: it stays a learner this round, reported in the
     * current epoch that it holds every committed entry, and its appliedSeq is at least the tail's last reported
     * committedSeq minus {@code promoteLagEntriesMax}. None while the tail has not reported.
     */
    private Optional<NodeDescriptor> promotable(List<NodeDescriptor> learners) {
        NodeReport tailReport = tracked(configuration.tail()).lastReport;
        if (tailReport == null) {
            return Optional.empty();
        }
        long appliedSeqMin = tailReport.committedSeq() - settings.promoteLagEntriesMax();
        return learners.stream().filter(node -> configuration.learners().contains(node)).filter(node -> {
            NodeReport report = tracked(node).lastReport;
            return report != null && report.epoch() == configuration.epoch() && report.caughtUp()
                    && report.appliedSeq() >= appliedSeqMin;
        }).findFirst();
    }

    private Install install(long nowMs, ChainConfiguration next, String reason) {
        Set<NodeDescriptor> notify = new LinkedHashSet<>(configuration.line());
        notify.addAll(next.line());
        log.info("epoch {} -> {}: {}; chain {}, learners {}", configuration.epoch(), next.epoch(), reason,
                next.chainIds(), next.learners().stream().map(NodeDescriptor::id).toList());
        if (configuration.isNone()) {
            next.chain().forEach(node -> synced.add(node.id()));
        }
        synced.retainAll(next.chainIds());
        ChainConfiguration previous = configuration;
        configuration = next;
        for (NodeDescriptor node : next.chain()) {
            if (previous.indexOf(node.id()) < 0) { // joins the chain: give it a lease's time to report
                Tracked tracked = tracked(node);
                tracked.lastGrantMs = Math.max(tracked.lastGrantMs, nowMs);
            }
        }
        nodes.values().forEach(this::endDrainOnceGone);
        return new Install(next, List.copyOf(notify), reason);
    }

    private Tracked tracked(NodeDescriptor node) {
        return nodes.get(node.id());
    }

    private boolean isSyncedAndAlive(NodeDescriptor node, long nowMs) {
        return synced.contains(node.id()) && isAlive(tracked(node), nowMs);
    }

    /**
     * Alive: it reported within the report timeout, and membership has not reported it gone since that report.
     * A report is direct evidence that the node runs and reaches this master; membership only speeds up noticing
     * a node that is gone. Membership is not required to list the node: after a partition heals, Hazelcast's
     * split-brain merge can take tens of seconds (or stall), and a node that reports meanwhile must still be
     * able to come back as a learner.
     */
    private boolean isAlive(Tracked tracked, long nowMs) {
        return tracked != null && tracked.lastReport != null
                && nowMs - tracked.lastReportMs <= settings.reportTimeoutMs()
                && (tracked.member || tracked.lastReportMs > tracked.lastDownMs);
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
            Tracked tracked = tracked(node);
            if (tracked != null && tracked.lastReport != null) {
                maxApplied = Math.max(maxApplied, tracked.lastReport.appliedSeq());
            }
        }
        List<ChainView.NodeView> chain = new ArrayList<>();
        for (NodeDescriptor node : configuration.chain()) {
            chain.add(nodeView(tracked(node), configuration.roleOf(node.id()), maxApplied, nowMs));
        }
        List<ChainView.LearnerView> learners = new ArrayList<>();
        for (NodeDescriptor node : configuration.learners()) {
            learners.add(learnerView(tracked(node), nowMs));
        }
        List<ChainView.NodeView> others = new ArrayList<>();
        for (Tracked tracked : nodes.values()) {
            if (!configuration.contains(tracked.descriptor.id())) {
                others.add(nodeView(tracked, Role.OUTSIDE, maxApplied, nowMs));
            }
        }
        return new ChainView(configuration.epoch(), chain, learners, others);
    }

    private ChainView.NodeView nodeView(Tracked tracked, Role role, long maxApplied, long nowMs) {
        Optional<NodeReport> report = Optional.ofNullable(tracked.lastReport);
        long applied = report.map(NodeReport::appliedSeq).orElse(0L);
        long leaseLeft = tracked.lastGrantMs == Long.MIN_VALUE ? 0
                : Math.max(0, tracked.lastGrantMs + settings.leaseMs() - nowMs);
        return new ChainView.NodeView(tracked.descriptor, role, isAlive(tracked, nowMs), tracked.member,
                report.map(NodeReport::epoch).orElse(0L), applied,
                report.map(NodeReport::committedSeq).orElse(0L), Math.max(0, maxApplied - applied), leaseLeft,
                tracked.draining);
    }

    private ChainView.LearnerView learnerView(Tracked tracked, long nowMs) {
        Optional<NodeReport> report = Optional.ofNullable(tracked.lastReport);
        long applied = report.map(NodeReport::appliedSeq).orElse(0L);
        long tailCommitted = Optional.ofNullable(tracked(configuration.tail()).lastReport)
                .map(NodeReport::committedSeq).orElse(0L);
        return new ChainView.LearnerView(tracked.descriptor, isAlive(tracked, nowMs), tracked.member,
                report.map(NodeReport::epoch).orElse(0L), applied, report.map(NodeReport::caughtUp).orElse(false),
                Math.max(0, tailCommitted - applied));
    }
}
