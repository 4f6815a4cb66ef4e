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
    @DisplayName("with the active master cut off from the other two, it issues no configuration while one of them"
            + " takes over and handles a tail failure; after healing exactly one master is active and every epoch"
            + " has one configuration")
    void aCutOffActiveMasterIssuesNothingAndAfterHealingOneMasterLeads() {
        cluster.start();
        String first = awaitOneActiveMaster();
        List<String> others = cluster.masterIds().stream().filter(id -> !id.equals(first)).toList();
        loseAndRegainActiveMaster(first, "cut off from " + others, () -> MasterPartition.cut(
                List.of(cluster.hostOf(first)), others.stream().map(cluster::hostOf).toList()));
    }

    @Test
    @DisplayName("with the active master paused (SIGSTOP) past the membership timeout, another takes over and"
            + " handles a tail failure; resumed, the old master installs nothing, one master is active and every"
            + " epoch has one configuration")
    void aPausedActiveMasterIsReplacedAndInstallsNothingWhenItResumes() {
        cluster.start();
        String first = awaitOneActiveMaster();
        loseAndRegainActiveMaster(first, "paused", () -> {
            cluster.pause(first);
            return () -> cluster.resume(first);
        });
    }

    /** How the active master is lost for a while: the returned handle brings it back. */
    interface Loss {
        AutoCloseable begin();
    }

    /**
     * Under write load: the active master {@code first} is lost; another becomes the only active master and removes
     * a killed tail; {@code first} installs nothing meanwhile (its log); once {@code first} is back, exactly one
     * master is active and named by all, writes go on, every epoch was installed with one configuration, and every
     * acknowledged write is at the tail.
     */
    private void loseAndRegainActiveMaster(String first, String how, Loss loss) {
        WriteLoad load = WriteLoad.start(cluster, "masters-" + how.split(" ")[0], KillUnderLoad.WRITERS)
                .awaitRunning(KillUnderLoad.LOAD_BEFORE_KILL, KillUnderLoad.ACKNOWLEDGED_BEFORE_KILL_MIN);
        long firstLogBytesAtLoss = logBytes(first);
        long lostNs = System.nanoTime();
        try (AutoCloseable lost = loss.begin()) {
            await("another master is the only active one").atMost(WAIT_MAX).pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        List<String> active = cluster.activeMasters();
                        return active.size() == 1 && !active.contains(first);
                    });
            String leader = cluster.activeMasters().get(0);
            System.out.printf("active master %s %s: %s active after %d ms%n", first, how, leader,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lostNs));

            List<String> chain = cluster.chainIds();
            String tail = chain.get(chain.size() - 1);
            long tailKilledNs = cluster.kill(tail);
            List<String> survivors = chain.subList(0, chain.size() - 1);
            await(leader + " removes the killed tail " + tail).atMost(WAIT_MAX)
                    .pollInterval(Duration.ofMillis(100)).until(() -> cluster.chainIds().equals(survivors));
            await("writes are acknowledged after the tail failure").atMost(WAIT_MAX)
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> load.firstAcknowledgedStartedAfter(tailKilledNs).isPresent());
        } catch (Exception e) {
            throw new IllegalStateException("bringing " + first + " back failed", e);
        }
        long backNs = System.nanoTime();
        await("exactly one master is active and every master names it").atMost(WAIT_MAX)
                .pollInterval(Duration.ofMillis(200)).until(this::oneActiveMasterNamedByAll);
        System.out.printf("%s back: %s active, named by every master, %d ms later%n", first,
                cluster.activeMasters(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - backNs));
        long oneLeaderNs = System.nanoTime();
        await("writes are acknowledged with one active master").atMost(WAIT_MAX).pollInterval(Duration.ofMillis(20))
                .until(() -> load.firstAcknowledgedStartedAfter(oneLeaderNs).isPresent());
        load.stop();
        System.out.println(load.summary());

        assertThat(installedBeforeItLeadsAgain(first, firstLogBytesAtLoss))
                .as("configurations %s installed after it was %s, before it was elected again", first, how)
                .isEmpty();
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
        return installedIn(logSince(master, from));
    }

    private static List<String[]> installedIn(String log) {
        List<String[]> installed = new ArrayList<>();
        Matcher matcher = INSTALLED.matcher(log);
        while (matcher.find()) {
            installed.add(new String[] {matcher.group(1), matcher.group(2)});
        }
        return installed;
    }

    private String logSince(String master, long from) {
        byte[] bytes = readLog(master);
        int start = (int) Math.min(from, bytes.length);
        return new String(bytes, start, bytes.length - start, StandardCharsets.UTF_8);
    }

    /** The "installed epoch" lines after byte {@code from} of the master's log and before its next election. */
    private List<String[]> installedBeforeItLeadsAgain(String master, long from) {
        String text = logSince(master, from);
        int elected = text.indexOf(" leads under ballot ");
        return installedIn(elected < 0 ? text : text.substring(0, elected));
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
