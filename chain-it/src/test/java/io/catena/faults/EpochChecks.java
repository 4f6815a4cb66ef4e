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
 * <p>Disk full: a node whose disk fills keeps acknowledging while LMDB still finds free pages in its file, then
 * its writer fails (ENOSPC) and logs {@code nothing after appliedSeq=N ... is durable}; it must acknowledge no
 * write with a seq above N (it stops instead: fail-stop).
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

    static List<String> acksBeyondDurable(List<Recorder.Ack> acks, String fullNodeHttp, long durableSeq,
                                          long fullFromNs) {
        return acks.stream()
                .filter(ack -> ack.node().equals(fullNodeHttp) && ack.invokedNs() >= fullFromNs
                        && ack.seq() > durableSeq)
                .map(ack -> "write " + ack.key() + " acknowledged with seq " + ack.seq() + " by " + fullNodeHttp
                        + " after its disk filled and nothing after seq " + durableSeq + " was durable")
                .toList();
    }
}
