package io.catena.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * docs/master.md, "Several masters": three masters (m1 on 127.0.0.10, m2 on .20, m3 on .30) and a chain of
 * three, each a JVM of its own. The active master (whichever the membership made oldest) is killed, or cut off
 * from the other two by nft rules between the masters' addresses; another takes over, the chain keeps its acknowledged writes, and no two masters ever
 * install two configurations under one epoch (read from every master's log).
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class SeveralMastersTest {

    /** Hazelcast's heartbeat timeout (a cut-off master is noticed only by it; a killed one in about 0.4 s). */
    static final long FAILURE_DETECTION_MS = 3_000;
    static final long TAKEOVER_MS_MAX = FAILURE_DETECTION_MS + CatenaCluster.LEASE_MS + CatenaCluster.LEASE_MARGIN_MS;
    static final Duration WAIT_MAX = Duration.ofSeconds(40);
    private static final Pattern INSTALLED = Pattern.compile("installed epoch (\\d+): chain (\\[[^\\]]*\\])");

    @RegisterExtension
    final CatenaCluster cluster = CatenaCluster.withNodes(3).withMasters(3);

    @Test
    @DisplayName("after kill -9 of the active master another takes over within failure detection plus one lease;"
            + " a tail killed after that is removed, and every acknowledged write is at the new tail")
    void killedActiveMasterIsReplacedAndANodeFailureAfterThatIsHandled() {
        cluster.start();
        String first = awaitOneActiveMaster();
        WriteLoad load = WriteLoad.start(cluster, "masters-kill", KillUnderLoad.WRITERS)
                .awaitRunning(KillUnderLoad.LOAD_BEFORE_KILL, KillUnderLoad.ACKNOWLEDGED_BEFORE_KILL_MIN);

        long killedNs = cluster.kill(first);
        await("another master is active").atMost(WAIT_MAX).pollInterval(Duration.ofMillis(50))
                .until(() -> !cluster.activeMasters().isEmpty());
        long takeoverMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedNs);
        String leader = cluster.activeMasters().get(0);
        await("a write started after the takeover is acknowledged").atMost(WAIT_MAX)
                .pollInterval(Duration.ofMillis(20))
                .until(() -> load.firstAcknowledgedStartedAfter(killedNs).isPresent());
        long writesBackMs = TimeUnit.NANOSECONDS.toMillis(load.firstAcknowledgedStartedAfter(killedNs)
                .orElseThrow().endNs() - killedNs);
        System.out.printf("active master %s killed: %s active after %d ms, writes acknowledged again after %d ms%n",
                first, leader, takeoverMs, writesBackMs);
        assertThat(takeoverMs).as("ms from kill -9 of %s to another active master", first).isLessThanOrEqualTo(
                TAKEOVER_MS_MAX);

        List<String> chain = cluster.chainIds();
        String tail = chain.get(chain.size() - 1);
        long tailKilledNs = cluster.kill(tail);
        List<String> survivors = chain.subList(0, chain.size() - 1);
        await("the new master removes the killed tail " + tail).atMost(WAIT_MAX)
                .pollInterval(Duration.ofMillis(100)).until(() -> cluster.chainIds().equals(survivors));
        await("writes are acknowledged after the tail failure").atMost(WAIT_MAX)
                .pollInterval(Duration.ofMillis(20))
                .until(() -> load.firstAcknowledgedStartedAfter(tailKilledNs).isPresent());
        System.out.printf("tail %s killed under master %s: chain %s in %d ms%n", tail, leader, survivors,
                TimeUnit.NANOSECONDS.toMillis(load.firstAcknowledgedStartedAfter(tailKilledNs).orElseThrow()
                        .endNs() - tailKilledNs));
        load.stop();
        System.out.println(load.summary());

        assertThat(cluster.status(leader).getBoolean("active")).isTrue();
        assertOneConfigurationPerEpoch();
        new TailReads(cluster).assertHoldsEvery(load.acknowledged());
    }

    @Test
    @DisplayName("with the active master cut off from the other two, it issues no configuration while one of them takes"
            + " over and handles a tail failure; after healing exactly one master is active and every epoch has"
            + " one configuration")
    void aCutOffActiveMasterIssuesNothingAndAfterHealingOneMasterLeads() {
        cluster.start();
        String first = awaitOneActiveMaster();
        List<String> others = cluster.masterIds().stream().filter(id -> !id.equals(first)).toList();
        WriteLoad load = WriteLoad.start(cluster, "masters-cut", KillUnderLoad.WRITERS)
                .awaitRunning(KillUnderLoad.LOAD_BEFORE_KILL, KillUnderLoad.ACKNOWLEDGED_BEFORE_KILL_MIN);
        String leader;
        try (MasterPartition cut = MasterPartition.cut(List.of(cluster.hostOf(first)),
                others.stream().map(cluster::hostOf).toList())) {
            long cutNs = System.nanoTime();
            long firstLogBytesAtCut = logBytes(first);
            await("one of " + others + " is active and " + first + " is not").atMost(WAIT_MAX)
                    .pollInterval(Duration.ofMillis(100)).until(() -> {
                        List<String> active = cluster.activeMasters();
                        return active.size() == 1 && !active.contains(first);
                    });
            leader = cluster.activeMasters().get(0);
            System.out.printf("%s cut off from %s: %s active after %d ms%n", first, others, leader,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cutNs));

            List<String> chain = cluster.chainIds();
            String tail = chain.get(chain.size() - 1);
            long tailKilledNs = cluster.kill(tail);
            List<String> survivors = chain.subList(0, chain.size() - 1);
            await("the majority's master " + leader + " removes the killed tail " + tail).atMost(WAIT_MAX)
                    .pollInterval(Duration.ofMillis(100)).until(() -> cluster.chainIds().equals(survivors));
            await("writes are acknowledged during the partition").atMost(WAIT_MAX)
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> load.firstAcknowledgedStartedAfter(tailKilledNs).isPresent());
            JsonObject cutOff = cluster.status(first);
            assertThat(cutOff.getBoolean("active")).as("%s during the partition: %s", first, cutOff).isFalse();
            assertThat(installedSince(first, firstLogBytesAtCut)).as("configurations %s installed while cut off",
                    first).isEmpty();
        }
        long healedNs = System.nanoTime();
        await("after healing exactly one master is active and every master names it").atMost(WAIT_MAX)
                .pollInterval(Duration.ofMillis(200)).until(this::oneActiveMasterNamedByAll);
        System.out.printf("healed: %s active, named by every master, %d ms after healing%n",
                cluster.activeMasters(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - healedNs));
        long oneLeaderNs = System.nanoTime();
        await("writes are acknowledged after healing").atMost(WAIT_MAX).pollInterval(Duration.ofMillis(20))
                .until(() -> load.firstAcknowledgedStartedAfter(oneLeaderNs).isPresent());
        load.stop();
        System.out.println(load.summary());

        assertOneConfigurationPerEpoch();
        new TailReads(cluster).assertHoldsEvery(load.acknowledged());
    }

    /** The masters elect one of them at start (the oldest in the membership: whichever formed it). */
    private String awaitOneActiveMaster() {
        await("one master is active").atMost(WAIT_MAX).pollInterval(Duration.ofMillis(100))
                .until(() -> cluster.activeMasters().size() == 1);
        return cluster.activeMasters().get(0);
    }

    private boolean oneActiveMasterNamedByAll() {
        List<String> active = cluster.activeMasters();
        if (active.size() != 1) {
            return false;
        }
        String http = cluster.httpOf(active.get(0));
        return cluster.masterIds().stream().allMatch(id -> {
            JsonObject named = cluster.status(id).getJsonObject("activeMaster");
            return named != null && http.equals(named.getString("http"));
        });
    }

    /** Across every master's log: never two different chains installed under one epoch. */
    private void assertOneConfigurationPerEpoch() {
        Map<Long, String> chainByEpoch = new HashMap<>();
        List<String> conflicts = new ArrayList<>();
        for (String master : cluster.masterIds()) {
            for (String[] installed : installedSince(master, 0)) {
                String earlier = chainByEpoch.putIfAbsent(Long.parseLong(installed[0]), installed[1]);
                if (earlier != null && !earlier.equals(installed[1])) {
                    conflicts.add("epoch " + installed[0] + ": " + earlier + " and, at " + master + ", "
                            + installed[1]);
                }
            }
        }
        System.out.println("configurations installed: " + new java.util.TreeMap<>(chainByEpoch));
        assertThat(chainByEpoch).as("configurations installed").isNotEmpty();
        assertThat(conflicts).as("epochs installed with two configurations").isEmpty();
    }

    /** {epoch, chain} of every "installed epoch" line the master logged after byte {@code from} of its log. */
    private List<String[]> installedSince(String master, long from) {
        byte[] bytes = readLog(master);
        String text = new String(bytes, (int) Math.min(from, bytes.length), (int) Math.max(0, bytes.length - from),
                StandardCharsets.UTF_8);
        List<String[]> installed = new ArrayList<>();
        Matcher matcher = INSTALLED.matcher(text);
        while (matcher.find()) {
            installed.add(new String[] {matcher.group(1), matcher.group(2)});
        }
        return installed;
    }

    private long logBytes(String master) {
        return readLog(master).length;
    }

    private byte[] readLog(String master) {
        try {
            return Files.readAllBytes(cluster.logFile(master));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
