package io.catena.sim;

import io.catena.config.ChainConfiguration;
import io.catena.node.core.LogEntry;
import java.util.HashMap;
import java.util.Map;

/**
 * Safety invariants checked after every simulated step (DESIGN §9), each failing with an
 * {@link InvariantViolation} that names what broke:
 * <ol>
 *   <li>the epoch a node acts in never decreases, across its restarts too;</li>
 *   <li>epochs increase with every installed configuration, and no two configurations share an epoch;</li>
 *   <li>committed entries are unique and permanent: at any seq, every node that has committed it holds the same
 *       entry, forever (this is "each log up to its committedSeq is a prefix of its predecessor's", for every
 *       pair of nodes);</li>
 *   <li>a node serves a read only as the tail of its configuration, under a valid lease.</li>
 * </ol>
 */
final class InvariantChecker {

    /** A broken invariant: the message says which, where and when. */
    static final class InvariantViolation extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InvariantViolation(String message) {
            super(message);
        }
    }

    private final SimCluster cluster;
    private final Map<String, Long> epochs = new HashMap<>();
    private final Map<Long, ChainConfiguration> installed = new HashMap<>();
    private final Map<Long, LogEntry> committed = new HashMap<>();
    private final Map<String, Long> checkedThrough = new HashMap<>();
    long servedReads;

    InvariantChecker(SimCluster cluster) {
        this.cluster = cluster;
    }

    private final java.util.ArrayDeque<String> trace = new java.util.ArrayDeque<>();
    private final Map<String, String> lastState = new HashMap<>();

    private void fail(String message) {
        throw violation(message);
    }

    /** A violation naming the time, with the recent trace under -Dsim.trace=true. */
    InvariantViolation violation(String message) {
        String recent = Boolean.getBoolean("sim.trace") ? "\n  " + String.join("\n  ", trace) : "";
        return new InvariantViolation("t=" + cluster.sim.now() + "ms: " + message + recent);
    }

    /** Keeps the last state changes of every node, printed with a violation under -Dsim.trace=true. */
    private void traceState(SimNode node) {
        if (!Boolean.getBoolean("sim.trace")) {
            return;
        }
        var status = node.replica.status();
        String state = "epoch=" + status.epoch() + " " + status.role() + " chain="
                + node.replica.configuration().chainIds() + " accepted=" + status.acceptedSeq() + " applied="
                + status.appliedSeq() + " committed=" + status.committedSeq() + " durableLog="
                + node.storage.appliedSeq() + " lastEpoch=" + node.storage.lastEntryEpoch() + " caughtUp="
                + status.caughtUp() + " down=" + (status.downstream() == null ? "-" : status.downstream().state()
                + "@" + status.downstream().sentSeq()) + " upLinked=" + status.upstreamLinked();
        if (!state.equals(lastState.put(node.name(), state))) {
            trace.addLast("t=" + cluster.sim.now() + " " + node.name() + "#" + node.incarnation() + " " + state);
            if (trace.size() > Integer.getInteger("sim.traceMax", 400)) {
                trace.removeFirst();
            }
        }
    }

    void note(String event) {
        if (Boolean.getBoolean("sim.trace")) {
            trace.addLast("t=" + cluster.sim.now() + " " + event);
        }
    }

    void afterEffects(SimNode node) {
        traceState(node);
        long durable = node.storage.appliedSeq();
        if (node.replica.status().appliedSeq() > durable || node.replica.committedSeq() > Math.max(durable,
                node.storage.committedSeq)) {
            fail(node.name() + " counts seq " + node.replica.status().appliedSeq() + " durable (committed "
                    + node.replica.committedSeq() + ") but its storage holds only " + durable);
        }
        long epoch = node.replica.configuration().epoch();
        long before = epochs.getOrDefault(node.name(), 0L);
        if (epoch < before) {
            fail(node.name() + " went back from epoch " + before + " to " + epoch);
        }
        epochs.put(node.name(), epoch);
        checkCommitted(node);
    }

    /** Every entry the node counts as committed must be the one entry committed at that seq anywhere. */
    private void checkCommitted(SimNode node) {
        long through = Math.min(node.replica.committedSeq(), node.storage.appliedSeq());
        // seqs at or before the compaction point came in a snapshot (or were checked before they were compacted)
        long from = Math.max(checkedThrough.getOrDefault(node.name(), 0L), node.storage.compactedSeq) + 1;
        for (long seq = from; seq <= through; seq++) {
            LogEntry entry = node.storage.log.get(seq);
            if (entry == null) {
                fail(node.name() + " counts seq " + seq + " committed but its log lacks it");
            }
            LogEntry known = committed.putIfAbsent(seq, entry);
            if (known != null && !known.equals(entry)) {
                fail("two different entries committed at seq " + seq + ": " + known + " and, at " + node.name()
                        + ", " + entry);
            }
        }
        checkedThrough.put(node.name(), Math.max(through, from - 1));
    }

    /** The last epoch each master installed: each master's epochs increase. */
    private final Map<String, Long> highestInstalledEpoch = new HashMap<>();

    /**
     * A master publishes a chosen configuration. Two masters may publish in either order (a deposed leader learns
     * late that its last proposal was chosen), but never two configurations of one epoch.
     */
    void onInstall(String masterId, ChainConfiguration next) {
        long highest = highestInstalledEpoch.getOrDefault(masterId, 0L);
        if (next.epoch() <= highest) {
            fail("master " + masterId + " installed epoch " + next.epoch() + " after epoch " + highest);
        }
        highestInstalledEpoch.put(masterId, next.epoch());
        onChosen(next);
    }

    /** A configuration is chosen (installed, or recovered by a new leader): one per epoch. */
    void onChosen(ChainConfiguration next) {
        ChainConfiguration earlier = installed.putIfAbsent(next.epoch(), next);
        if (earlier != null && !earlier.equals(next)) {
            fail("two configurations share epoch " + next.epoch() + ": " + earlier.chainIds() + " and "
                    + next.chainIds());
        }
    }

    void onServedRead(SimNode node) {
        servedReads++;
        if (cluster.variant != Variant.NONE) {
            return; // broken variants must be caught by the end-to-end checks, not by this one
        }
        if (!node.replica.role().isTail()) {
            fail(node.name() + " served a read as " + node.replica.role());
        }
        if (node.localNow() >= node.replica.status().leaseUntilMs()) {
            fail(node.name() + " served a read without a valid lease (it ran out at "
                    + node.replica.status().leaseUntilMs() + ")");
        }
    }

    /** A strong read served from a node's local data: the node is in its chain and holds a lease. */
    void onServedStrongRead(SimNode node) {
        servedReads++;
        if (cluster.variant != Variant.NONE) {
            return;
        }
        if (!node.replica.role().isInChain()) {
            fail(node.name() + " served a strong read outside the chain");
        }
        if (node.localNow() >= node.replica.status().leaseUntilMs()) {
            fail(node.name() + " served a strong read without a valid lease (it ran out at "
                    + node.replica.status().leaseUntilMs() + ")");
        }
    }

    /** The entry committed at {@code seq}, as the first node to count it committed held it; null if none did. */
    LogEntry committedEntry(long seq) {
        return committed.get(seq);
    }

    /** At the end: committed entries are still in every log that has them (nothing committed was lost). */
    void checkPermanence() {
        for (SimNode node : cluster.nodes.values()) {
            long through = Math.min(node.storage.committedSeq, node.storage.appliedSeq());
            for (long seq = node.storage.compactedSeq + 1; seq <= through; seq++) {
                LogEntry known = committed.get(seq);
                if (known != null && !known.equals(node.storage.log.get(seq))) {
                    fail("committed seq " + seq + " changed at " + node.name());
                }
            }
        }
    }

    int configurationsInstalled() {
        return installed.size();
    }
}
