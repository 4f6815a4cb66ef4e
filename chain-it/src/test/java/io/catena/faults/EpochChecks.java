package io.catena.faults;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks on acknowledged writes against the configurations the {@link ChainWatcher} saw.
 *
 * <p>Superseded epoch: a write acknowledged by a node that, before the write was even sent, the master had
 * already replaced as head, and that was not made head again in any later configuration seen, was acknowledged in
 * a superseded epoch (the master installs a new head only once the old head's lease has run out, so the old head
 * must refuse by then).
 *
 * <p>Disk full: while a node's disk is full it can make nothing durable, so no write sent and answered while
 * every configuration seen made that node part of the chain may be acknowledged.
 */
final class EpochChecks {

    private EpochChecks() {
    }

    static List<String> supersededAcks(List<Recorder.Ack> acks, ChainWatcher watcher, NodeNames names) {
        List<String> problems = new ArrayList<>();
        List<ChainWatcher.Seen> history = watcher.history();
        for (Recorder.Ack ack : acks) {
            String node = names.idOf(ack.node());
            ChainWatcher.Seen before = watcher.before(ack.invokedNs()).orElse(null);
            if (node == null || before == null || before.head().equals(node)) {
                continue;
            }
            boolean wasHead = history.stream().anyMatch(s -> s.epoch() < before.epoch() && s.head().equals(node));
            boolean headAgain = history.stream().anyMatch(s -> s.epoch() > before.epoch() && s.head().equals(node));
            if (wasHead && !headAgain) {
                problems.add("write " + ack.key() + " acknowledged by " + node + ", head only before epoch "
                        + before.epoch() + " (head " + before.head() + "), which was seen before the write was sent");
            }
        }
        return problems;
    }

    static List<String> acksWhileDiskFull(List<Recorder.Ack> acks, ChainWatcher watcher, String fullNode,
                                          long fullFromNs, long fullToNs) {
        List<String> problems = new ArrayList<>();
        for (Recorder.Ack ack : acks) {
            if (ack.invokedNs() < fullFromNs || ack.completedNs() > fullToNs) {
                continue;
            }
            boolean alwaysInChain = watcher.history().stream()
                    .filter(s -> s.seenNs() <= ack.completedNs())
                    .filter(s -> s.seenNs() >= ack.invokedNs() || s == watcher.before(ack.invokedNs()).orElse(null))
                    .allMatch(s -> s.chain().contains(fullNode));
            if (alwaysInChain) {
                problems.add("write " + ack.key() + " acknowledged by " + ack.node() + " while " + fullNode
                        + "'s disk was full and it was in the chain");
            }
        }
        return problems;
    }
}
