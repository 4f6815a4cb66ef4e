package io.catena.client.cli;

import static io.catena.client.FakeServer.json;
import static io.catena.client.FakeServer.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.catena.client.FakeServer;
import io.catena.config.HostPort;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

/** The CLI's argument handling and error paths, in-process, against scripted servers. */
class CatenaCliTest {

    private final List<FakeServer> servers = new ArrayList<>();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @AfterEach
    void closeServers() {
        servers.forEach(FakeServer::close);
    }

    private int run(String... args) {
        return CatenaCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** A master whose chain is one node (head and tail at once) scripted with {@code replies}. */
    private String clusterOfOne(FakeServer.Reply... replies) {
        FakeServer node = new FakeServer().on("/kv", replies);
        servers.add(node);
        FakeServer master = new FakeServer().on("/chain", json(200, "{\"epoch\":4,\"chain\":[{\"id\":\"n1\","
                + "\"role\":\"sole\",\"http\":\"" + node.address() + "\",\"alive\":true,\"appliedSeq\":9,"
                + "\"committedSeq\":9,\"lag\":0,\"leaseLeftMs\":1500}],\"others\":[{\"id\":\"n2\",\"role\":\"outside\","
                + "\"http\":\"127.0.0.1:9\",\"alive\":false}],\"master\":{\"id\":\"m1\",\"http\":\"127.0.0.1:7000\"}}"));
        servers.add(master);
        return master.address().toString();
    }

    private static HostPort closedAddress() {
        try (FakeServer server = new FakeServer()) {
            return server.address();
        }
    }

    private void assertOneLineOnStderrAndNothingElse() {
        assertThat(err().lines()).hasSize(1);
        assertThat(err()).startsWith("catena: ").doesNotContain("Exception", "\tat ");
        assertThat(out()).isEmpty();
    }

    @Test
    void anUnknownOptionIsOneUsageLineAndExitCode2() {
        assertThat(run("put", "k", "v", "--bogus")).isEqualTo(2);
        assertOneLineOnStderrAndNothingElse();
        assertThat(err()).contains("Unknown option: '--bogus'");
    }

    @Test
    void aMissingKeyIsOneUsageLineAndExitCode2() {
        assertThat(run("get")).isEqualTo(2);
        assertOneLineOnStderrAndNothingElse();
        assertThat(err()).contains("KEY");
    }

    @Test
    void noCommandAtAllIsAUsageError() {
        assertThat(run()).isEqualTo(2);
        assertOneLineOnStderrAndNothingElse();
    }

    @Test
    void aMalformedMasterAddressIsAUsageError() {
        assertThat(run("--master", "localhost", "status")).isEqualTo(2);
        assertOneLineOnStderrAndNothingElse();
        assertThat(err()).contains("expected host:port");
    }

    @Test
    void putWithBothAValueAndAFileIsAUsageError() {
        assertThat(run("put", "k", "v", "--file", "/etc/hostname")).isEqualTo(2);
        assertOneLineOnStderrAndNothingElse();
    }

    @Test
    void anEmptyKeyOrAZeroTimeoutIsAUsageError() {
        String master = clusterOfOne(json(200, "{\"seq\":1}"));

        assertThat(run("put", "", "v", "--master", master)).isEqualTo(2);
        assertThat(run("get", "k", "--request-timeout", "0s", "--master", master)).isEqualTo(2);
        assertThat(err().lines()).hasSize(2).allMatch(line -> line.startsWith("catena: ") && line.contains("--help"));
        assertThat(out()).isEmpty();
    }

    @Test
    void benchRefusesAnImpossibleWorkloadAsUsage() {
        assertThat(run("bench", "--connections", "0")).isEqualTo(2);
        assertOneLineOnStderrAndNothingElse();
        assertThat(err()).contains("--connections");
    }

    @Test
    void anUnreachableMasterIsOneLineAndExitCode1() {
        HostPort nowhere = closedAddress();

        assertThat(run("get", "k", "--master", nowhere.toString())).isEqualTo(1);

        assertOneLineOnStderrAndNothingElse();
        assertThat(err()).isEqualTo("catena: cannot reach the master at " + nowhere + ": connection refused\n");
    }

    @Test
    void helpIsPrintedOnStdoutWithExitCode0() {
        assertThat(run("bench", "--help")).isZero();
        assertThat(out()).contains("--rate", "--read-ratio", "--json");
        assertThat(err()).isEmpty();
    }

    @Test
    void globalOptionsMayComeBeforeOrAfterTheCommand() {
        String master = clusterOfOne(json(200, "{\"seq\":3}"));

        assertThat(run("--master", master, "put", "k", "v")).isZero();
        assertThat(run("put", "k", "v", "--master", master)).isZero();
        assertThat(out()).isEqualTo("seq=3\nseq=3\n");
    }

    @Test
    void getPrintsTheValueAndOptionallyItsSeq() {
        String master = clusterOfOne(value("hello", 12));

        assertThat(run("get", "k", "--seq", "--master", master)).isZero();
        assertThat(out()).isEqualTo("hello\nseq=12\n");
    }

    @Test
    void getOfAKeyWithoutValueIsOneLineAndExitCode1() {
        String master = clusterOfOne(json(404, "{\"error\":\"not_found\",\"message\":\"none\"}"));

        assertThat(run("get", "k", "--master", master)).isEqualTo(1);
        assertOneLineOnStderrAndNothingElse();
        assertThat(err()).contains("no value for key 'k'");
    }

    @Test
    void aWriteOfUnknownOutcomeIsOneLineThatSaysSoAndExitCode1() {
        String master = clusterOfOne(json(504, "{\"error\":\"outcome_unknown\",\"message\":\"the write was"
                + " assigned seq 5 but its commit was not seen\",\"seq\":5}"));

        assertThat(run("del", "k", "--master", master)).isEqualTo(1);
        assertOneLineOnStderrAndNothingElse();
        assertThat(err()).contains("504 outcome_unknown", "seq 5");
    }

    @Test
    void statusPrintsTheMastersViewAsATable() {
        String master = clusterOfOne(json(200, "{}"));

        assertThat(run("status", "--master", master)).isZero();

        assertThat(out().lines()).element(0).asString().startsWith("epoch 4  master m1 at 127.0.0.1:7000");
        assertThat(out().lines()).element(1).asString().startsWith("NODE").contains("ROLE", "LAG");
        assertThat(out().lines()).element(2).asString().matches("n1 +sole +127\\.0\\.0\\.1:\\d+ +yes +9 +9 +0 +1500");
        assertThat(out().lines()).element(3).asString().startsWith("n2").contains("outside", "no");
    }

    @Test
    void watchPrintsOneLinePerEpochAndStopsAfterCount() {
        String master = clusterOfOne(json(200, "{}"));

        assertThat(run("watch", "--count", "1", "--master", master)).isZero();

        assertThat(out()).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3}  epoch 4  n1 \\(sole\\)  outside: n2 \\(dead\\)\n");
    }

    @Test
    void durationsTakeMillisecondsSecondsMinutesOrBareSeconds() {
        Converters.DurationConverter converter = new Converters.DurationConverter();

        assertThat(converter.convert("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(converter.convert("1.5s")).isEqualTo(Duration.ofMillis(1_500));
        assertThat(converter.convert("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(converter.convert("3")).isEqualTo(Duration.ofSeconds(3));
        assertThatThrownBy(() -> converter.convert("soon")).isInstanceOf(TypeConversionException.class);
    }
}
