package io.catena.it.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.catena.client.cli.CatenaCli;
import io.catena.it.CatenaCluster;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every catena CLI command, run in-process ({@link CatenaCli#run}) against one real cluster of a master and three
 * nodes, started once for the class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class CliAgainstClusterTest {

    private CatenaCluster cluster;

    @BeforeAll
    void startCluster() {
        cluster = CatenaCluster.withNodes(3);
        try {
            cluster.start();
        } catch (RuntimeException e) {
            cluster.printLogs();
            cluster.close();
            throw e;
        }
    }

    @AfterAll
    void stopCluster() {
        cluster.close();
        cluster.deleteDir();
    }

    /** What one command line printed and returned. */
    private record Run(int exit, byte[] outBytes, String err) {
        String out() {
            return new String(outBytes, StandardCharsets.UTF_8);
        }
    }

    private Run catena(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = CatenaCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }

    /** The command with {@code --master} pointing at the cluster's master. */
    private Run atMaster(String... args) {
        String[] withMaster = new String[args.length + 2];
        System.arraycopy(args, 0, withMaster, 0, args.length);
        withMaster[args.length] = "--master";
        withMaster[args.length + 1] = cluster.masterHttp();
        return catena(withMaster);
    }

    private static void assertSucceeded(Run run) {
        assertThat(run.exit()).as("exit code; stderr: %s", run.err()).isZero();
        assertThat(run.err()).isEmpty();
    }

    @Test
    void putPrintsTheSeqAndGetReadsTheValueBackFromTheTail() {
        Run put = atMaster("put", "cli/greeting", "hello chain");
        Run get = atMaster("get", "cli/greeting", "--seq");

        assertSucceeded(put);
        assertThat(put.out()).matches("seq=\\d+ ack=all\n");
        assertSucceeded(get);
        assertThat(get.out()).isEqualTo("hello chain\n" + put.out().replace(" ack=all", ""));
    }

    @Test
    void putTakesTheValueFromAFileAndGetRawGivesBackItsExactBytes(@TempDir Path dir) throws IOException {
        byte[] bytes = {0, 1, 2, (byte) 0xff, '\n'};
        Path file = Files.write(dir.resolve("value.bin"), bytes);

        assertSucceeded(atMaster("put", "cli/file", "--file", file.toString()));
        Run get = atMaster("get", "cli/file", "--raw");

        assertSucceeded(get);
        assertThat(get.outBytes()).isEqualTo(bytes);
    }

    @Test
    void delRemovesTheKeySoThatGetFailsWithOneLine() {
        assertSucceeded(atMaster("put", "cli/doomed", "x"));

        Run del = atMaster("del", "cli/doomed");
        Run get = atMaster("get", "cli/doomed");

        assertSucceeded(del);
        assertThat(del.out()).matches("seq=\\d+ ack=all\n");
        assertThat(get.exit()).isEqualTo(1);
        assertThat(get.out()).isEmpty();
        assertThat(get.err()).isEqualTo("catena: no value for key 'cli/doomed'\n");
    }

    @Test
    void scanListsThePairsUnderAPrefixInKeyOrderAcrossPages() {
        for (String key : List.of("scan/c", "scan/a", "scan/b")) {
            assertSucceeded(atMaster("put", key, "v-" + key));
        }
        assertSucceeded(atMaster("put", "scanner", "not under the prefix"));

        Run all = atMaster("scan", "--prefix", "scan/");
        Run firstTwo = atMaster("scan", "--prefix", "scan/", "--limit", "2", "--keys-only");

        assertSucceeded(all);
        assertThat(all.out()).isEqualTo("scan/a\tv-scan/a\nscan/b\tv-scan/b\nscan/c\tv-scan/c\n");
        assertThat(firstTwo.out()).isEqualTo("scan/a\nscan/b\n");
    }

    @Test
    void statusShowsTheMastersChainHeadFirst() {
        Run status = atMaster("status");

        assertSucceeded(status);
        List<String> lines = status.out().lines().toList();
        assertThat(lines.get(0)).startsWith("epoch " + cluster.epoch() + "  master m1 at " + cluster.masterHttp());
        assertThat(lines.subList(2, 5)).extracting(line -> line.split(" +")[0] + " " + line.split(" +")[1])
                .containsExactly("n1 head", "n2 middle", "n3 tail");
    }

    @Test
    void statusWithANodeShowsThatNodesOwnView() {
        Run status = catena("status", "--node", cluster.httpOf("n2"));

        assertSucceeded(status);
        assertThat(status.out()).startsWith("node n2  role middle  epoch " + cluster.epoch())
                .contains("predecessor n1  successor n3");
    }

    @Test
    void watchPrintsTheCurrentChainOnItsFirstLine() {
        Run watch = atMaster("watch", "--count", "1");

        assertSucceeded(watch);
        assertThat(watch.out()).endsWith("  epoch " + cluster.epoch() + "  n1 (head) -> n2 -> n3 (tail)\n");
    }

    @Test
    void aPutSentToTheTailFollowsItsRedirectToTheHead() {
        Run put = catena("put", "cli/redirected", "via the tail", "--node", cluster.tailHttp());

        assertSucceeded(put);
        assertThat(cluster.getAtTail("cli/redirected").body()).isEqualTo("via the tail");
    }

    @Test
    void aGetSentToTheHeadFollowsItsRedirectToTheTail() {
        assertSucceeded(atMaster("put", "cli/read-redirect", "found"));

        Run get = catena("get", "cli/read-redirect", "--node", cluster.headHttp());

        assertSucceeded(get);
        assertThat(get.out()).isEqualTo("found\n");
    }

    @Test
    void anUnreachableMasterIsOneLineOnStderrAndExitCode1() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            port = socket.getLocalPort();
        }

        Run run = catena("status", "--master", "127.0.0.1:" + port);

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("catena: cannot reach the master at 127.0.0.1:" + port
                + ": connection refused\n");
    }

    @Test
    void benchLoadsTheChainAndWritesItsResultsAsJson(@TempDir Path dir) throws IOException {
        Path json = dir.resolve("bench.json");

        Run bench = atMaster("bench", "--duration", "1s", "--warmup", "200ms", "--connections", "4", "--keys", "50",
                "--json", json.toString());

        assertThat(bench.exit()).as("stderr: %s", bench.err()).isZero();
        assertThat(bench.out()).contains("closed loop, 4 connections", "ops/s", "p99.9", "errors: 0");
        JsonObject results = new JsonObject(Files.readString(json));
        assertThat(results.getLong("ops")).isPositive();
        assertThat(results.getLong("errors")).isZero();
        assertThat(results.getJsonObject("latencyMs").getJsonObject("all").getDouble("p50")).isPositive();
    }
}
