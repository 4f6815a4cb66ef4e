package io.catena.it;

import static org.awaitility.Awaitility.await;

import io.catena.it.WriteLoad.Attempt;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One failover experiment on a running chain of three: a write load of {@link #WRITERS} clients runs for
 * {@link #LOAD_BEFORE_KILL}, the node at one position is killed ({@code kill -9}), and the load goes on until
 * writes have been acknowledged again for {@link #LOAD_AFTER_RECOVERY}. The recovery time is from the kill signal
 * to the end of the first acknowledged write that was started after the killed process was gone. The tests
 * assert on the {@link Outcome}; {@link RecoveryTimesTest} repeats it.
 */
final class KillUnderLoad {

    static final int WRITERS = 4;
    static final Duration LOAD_BEFORE_KILL = Duration.ofMillis(1_500);
    static final Duration LOAD_AFTER_RECOVERY = Duration.ofSeconds(1);
    static final int ACKNOWLEDGED_BEFORE_KILL_MIN = 20;
    /** Far beyond any expected recovery; the assertion on the recovery time is the tests' business. */
    static final Duration RECOVERY_WAIT_MAX = Duration.ofSeconds(20);

    /**
     * @param chainBefore the master's chain ids before the kill, head first
     * @param chainAfter  the master's {@code GET /chain} after the load stopped
     * @param recoveryMs  kill signal to the first acknowledgement of a write started after the kill
     */
    record Outcome(ChainPosition position, String killed, long epochBefore, List<String> chainBefore,
                   JsonObject chainAfter, long recoveryMs, WriteLoad load) {

        long epochAfter() {
            return chainAfter.getLong("epoch");
        }

        List<String> chainIdsAfter() {
            return CatenaCluster.ids(chainAfter);
        }

        /** The chain before the kill without the killed node, in the old order. */
        List<String> survivors() {
            List<String> survivors = new ArrayList<>(chainBefore);
            survivors.remove(killed);
            return survivors;
        }

        List<Attempt> acknowledged() {
            return load.acknowledged();
        }

        /** The parseable line the recovery-time runs collect. */
        String recoveryLine() {
            return "RECOVERY kind=" + position.kind() + " ms=" + recoveryMs;
        }
    }

    private KillUnderLoad() {
    }

    /** Runs the experiment on a started cluster of three; see the class comment. */
    static Outcome killDuringLoad(CatenaCluster cluster, ChainPosition position) {
        long epochBefore = cluster.epoch();
        List<String> chainBefore = cluster.chainIds();
        String victim = cluster.idAt(position);
        WriteLoad load = WriteLoad.start(cluster, "kill-" + position.kind(), WRITERS)
                .awaitRunning(LOAD_BEFORE_KILL, ACKNOWLEDGED_BEFORE_KILL_MIN);

        long killedNs = cluster.kill(victim);
        long goneNs = System.nanoTime();
        await("a write started after " + victim + " (" + position.kind() + ") was killed is acknowledged")
                .atMost(RECOVERY_WAIT_MAX).pollInterval(Duration.ofMillis(10))
                .until(() -> load.firstAcknowledgedStartedAfter(goneNs).isPresent());
        Attempt first = load.firstAcknowledgedStartedAfter(goneNs).orElseThrow();
        long moreLoadFromNs = first.endNs() + LOAD_AFTER_RECOVERY.toNanos();
        await("writes are acknowledged for another " + LOAD_AFTER_RECOVERY.toMillis() + " ms")
                .atMost(LOAD_AFTER_RECOVERY.plus(RECOVERY_WAIT_MAX)).pollInterval(Duration.ofMillis(50))
                .until(() -> load.firstAcknowledgedStartedAfter(moreLoadFromNs).isPresent());
        load.stop();

        long recoveryMs = TimeUnit.NANOSECONDS.toMillis(first.endNs() - killedNs);
        Outcome outcome = new Outcome(position, victim, epochBefore, chainBefore, cluster.chain(), recoveryMs, load);
        System.out.println(outcome.recoveryLine());
        System.out.println(load.summary() + "; first acknowledged after the kill: " + first);
        return outcome;
    }
}
