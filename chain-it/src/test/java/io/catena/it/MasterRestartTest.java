package io.catena.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.catena.it.WriteLoad.Attempt;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * docs/master.md, "Coordinator rules" 7 and "Failures": nodes keep their configuration while the master is down;
 * a restarted master answers reports at once, renewing leases from the stored configuration, so the chain keeps
 * serving; it changes nothing for one lease, and then handles failures as before.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MasterRestartTest {

    static final Duration MASTER_DOWN = Duration.ofMillis(1_500);
    static final Duration READY_MAX = Duration.ofSeconds(30);
    static final long RECOVERY_MS_MAX = 3_000;

    @RegisterExtension
    final CatenaCluster cluster = CatenaCluster.withNodes(3);

    @Test
    @DisplayName("while the master is killed and restarted no write fails, the restarted master shows the same epoch"
            + " and chain, and a tail killed afterwards is replaced within 3 s without losing a write")
    void chainServesThroughAMasterRestartAndTheRestartedMasterHandlesTheNextFailure() throws InterruptedException {
        cluster.start();
        WriteLoad load = WriteLoad.start(cluster, "master-restart", KillUnderLoad.WRITERS)
                .awaitRunning(Duration.ofMillis(1_500), 20);
        JsonObject before = cluster.chain();

        long killedNs = cluster.kill(CatenaCluster.MASTER_ID);
        // How long the master stays down is the experiment's input, not an event to wait for.
        TimeUnit.MILLISECONDS.sleep(MASTER_DOWN.toMillis());
        long restartNs = System.nanoTime();
        cluster.restart(CatenaCluster.MASTER_ID);
        long healthyNs = System.nanoTime();
        JsonObject restarted = cluster.chain();
        awaitMasterReady();
        long readyNs = System.nanoTime();
        // A lease that lapsed for want of a renewal shows up as failed writes within one lease of the last grant.
        long windowEndNs = readyNs + TimeUnit.MILLISECONDS.toNanos(CatenaCluster.LEASE_MS + CatenaCluster.LEASE_MARGIN_MS);
        await("the load runs one lease past the restarted master's readiness").atMost(READY_MAX)
                .until(() -> load.firstAcknowledgedStartedAfter(windowEndNs).isPresent());
        load.stop();

        System.out.printf("master down %d ms, HTTP up %d ms after restart, ready %d ms after restart; %s%n",
                ms(restartNs - killedNs), ms(healthyNs - restartNs), ms(readyNs - restartNs), load.summary());
        List<Attempt> failed = load.notAcknowledgedBetween(killedNs, windowEndNs);
        assertThat(failed).as("writes not acknowledged from the master's kill to one lease past its readiness"
                + " (ms after the kill: %s)", failed.stream().map(a -> ms(a.startNs() - killedNs) + "-"
                + ms(a.endNs() - killedNs) + " " + a).limit(10).toList()).isEmpty();
        assertThat(restarted.getLong("epoch")).as("restarted master's epoch").isEqualTo(before.getLong("epoch"));
        assertThat(CatenaCluster.ids(restarted)).as("restarted master's chain").isEqualTo(CatenaCluster.ids(before));

        KillUnderLoad.Outcome tailKill = KillUnderLoad.killDuringLoad(cluster, ChainPosition.TAIL);

        assertThat(tailKill.recoveryMs()).as("ms from kill -9 of the tail %s to the next acknowledged write",
                tailKill.killed()).isLessThanOrEqualTo(RECOVERY_MS_MAX);
        assertThat(tailKill.epochAfter()).as("epoch after the tail's kill").isGreaterThan(tailKill.epochBefore());
        assertThat(tailKill.chainIdsAfter()).as("chain after the tail's kill").isEqualTo(tailKill.survivors());
        List<Attempt> acknowledged = new ArrayList<>(load.acknowledged());
        acknowledged.addAll(tailKill.acknowledged());
        new TailReads(cluster).assertHoldsEvery(acknowledged);
    }

    /**
     * The restarted master has established its membership view, sees every chain node alive and holding a lease,
     * and its one-lease hold-off after start is over: from now on it acts on failures at once.
     */
    private void awaitMasterReady() {
        long holdOffEndsNs = System.nanoTime()
                + TimeUnit.MILLISECONDS.toNanos(CatenaCluster.LEASE_MS + CatenaCluster.LEASE_MARGIN_MS);
        await("the restarted master's view is established with every chain node alive and leased")
                .atMost(READY_MAX).pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    JsonObject status = cluster.status(CatenaCluster.MASTER_ID);
                    JsonArray chain = cluster.chain().getJsonArray("chain");
                    boolean allAlive = true;
                    for (int i = 0; i < chain.size(); i++) {
                        JsonObject node = chain.getJsonObject(i);
                        allAlive &= node.getBoolean("alive") && node.getLong("leaseLeftMs") > 0;
                    }
                    return status.getBoolean("membershipReady") && allAlive && System.nanoTime() >= holdOffEndsNs;
                });
    }

    private static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
