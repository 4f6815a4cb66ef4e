package io.catena.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * docs/master.md, "Failures": a middle killed under load is removed once its lease has surely expired and
 * its neighbours are linked; writes succeed again within lease + margin + one report interval, and no acknowledged write is lost.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class MiddleFailoverTest {

    static final long RECOVERY_MS_MAX = 3_000;

    @RegisterExtension
    final CatenaCluster cluster = CatenaCluster.withNodes(3);

    @Test
    @DisplayName("after kill -9 of the middle under load, writes succeed again within 3 s, the two survivors form the"
            + " chain in their old order, and every acknowledged write is at the new tail")
    void killedMiddleIsRemovedAndNoAcknowledgedWriteIsLost() {
        cluster.start();

        KillUnderLoad.Outcome outcome = KillUnderLoad.killDuringLoad(cluster, ChainPosition.MIDDLE);

        assertThat(outcome.recoveryMs()).as("ms from kill -9 of the middle %s to the next acknowledged write",
                outcome.killed()).isLessThanOrEqualTo(RECOVERY_MS_MAX);
        assertThat(outcome.epochAfter()).as("epoch after the kill").isGreaterThan(outcome.epochBefore());
        assertThat(outcome.chainIdsAfter()).as("chain after the kill of %s", outcome.killed())
                .isEqualTo(outcome.survivors());
        new TailReads(cluster).assertHoldsEvery(outcome.acknowledged());
    }
}
