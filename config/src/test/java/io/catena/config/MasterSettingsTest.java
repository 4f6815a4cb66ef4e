package io.catena.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MasterSettingsTest {

    static Map<String, String> demoFile() {
        Map<String, String> file = new HashMap<>();
        file.put("http", "127.0.0.1:7000");
        file.put("hazelcastBind", "127.0.0.1:5701");
        return file;
    }

    static MasterSettings load(Map<String, String> file, Map<String, String> env, Map<String, String> flags) {
        return MasterSettings.load(new SettingsSource(file, env, flags));
    }

    @Test
    void defaults_apply_when_only_the_two_addresses_are_given() {
        MasterSettings settings = load(demoFile(), Map.of(), Map.of());

        assertThat(settings.id()).isEqualTo("m1");
        assertThat(settings.http()).isEqualTo(HostPort.parse("127.0.0.1:7000"));
        assertThat(settings.hazelcastSeeds()).containsExactly(HostPort.parse("127.0.0.1:5701"));
        assertThat(settings.clusterName()).isEqualTo("catena");
        assertThat(settings.dataDir()).isEqualTo(Path.of("master-data/m1"));
        assertThat(settings.chainLengthMin()).isEqualTo(3);
        assertThat(settings.leaseMs()).isEqualTo(2_000);
        assertThat(settings.leaseMarginMs()).isEqualTo(250);
        assertThat(settings.reportTimeoutMs()).isEqualTo(1_000);
        assertThat(settings.tickIntervalMs()).isEqualTo(100);
        assertThat(settings.pushTimeoutMs()).isEqualTo(1_000);
        assertThat(settings.heartbeatIntervalSeconds()).isEqualTo(1);
        assertThat(settings.maxNoHeartbeatSeconds()).isEqualTo(3);
        assertThat(settings.promoteLagEntriesMax()).isEqualTo(1_000);
    }

    @Test
    void the_promotion_lag_is_read_from_the_environment_and_must_not_be_negative() {
        assertThat(load(demoFile(), Map.of("CATENA_PROMOTE_LAG_ENTRIES_MAX", "0"), Map.of()).promoteLagEntriesMax())
                .isZero();
        assertThatThrownBy(() -> load(demoFile(), Map.of(), Map.of("promoteLagEntriesMax", "-1")))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("promoteLagEntriesMax must be in 0..1000000000");
    }

    @Test
    void the_data_directory_follows_the_id_unless_set() {
        assertThat(load(demoFile(), Map.of(), Map.of("id", "m2")).dataDir()).isEqualTo(Path.of("master-data/m2"));
        assertThat(load(demoFile(), Map.of(), Map.of("id", "m2", "dataDir", "/var/lib/catena")).dataDir())
                .isEqualTo(Path.of("/var/lib/catena"));
    }

    @Test
    void environment_overrides_the_file_and_flags_override_the_environment() {
        Map<String, String> env = Map.of("CATENA_LEASE_MS", "5000", "CATENA_CHAIN_LENGTH_MIN", "2",
                "CATENA_HAZELCAST_SEEDS", "127.0.0.1:5701, 127.0.0.2:5701");
        MasterSettings settings = load(demoFile(), env, Map.of("chainLengthMin", "1"));

        assertThat(settings.leaseMs()).isEqualTo(5_000);
        assertThat(settings.chainLengthMin()).isEqualTo(1);
        assertThat(settings.hazelcastSeeds()).containsExactly(HostPort.parse("127.0.0.1:5701"),
                HostPort.parse("127.0.0.2:5701"));
    }

    @Test
    void the_http_and_membership_addresses_are_required() {
        assertThatThrownBy(() -> load(Map.of(), Map.of(), Map.of()))
                .isInstanceOfSatisfying(SettingsException.class, e -> assertThat(e.problems())
                        .hasSize(2)
                        .anySatisfy(p -> assertThat(p).startsWith("http is required").contains("CATENA_HTTP"))
                        .anySatisfy(p -> assertThat(p).startsWith("hazelcastBind is required")));
    }

    @Test
    void every_invalid_value_is_reported_at_once() {
        Map<String, String> file = demoFile();
        file.put("http", "nowhere");
        file.put("chainLengthMin", "65");
        file.put("leaseMs", "soon");
        file.put("id", "m 1");

        assertThatThrownBy(() -> load(file, Map.of(), Map.of()))
                .isInstanceOfSatisfying(SettingsException.class, e -> assertThat(e.problems())
                        .hasSize(4)
                        .anySatisfy(p -> assertThat(p).startsWith("http:"))
                        .anySatisfy(p -> assertThat(p).contains("chainLengthMin must be in 1..64"))
                        .anySatisfy(p -> assertThat(p).contains("leaseMs must be a whole number"))
                        .anySatisfy(p -> assertThat(p).contains("invalid master id 'm 1'")));
    }

    @Test
    void a_report_timeout_not_shorter_than_the_lease_is_refused() {
        assertThatThrownBy(() -> load(demoFile(), Map.of(), Map.of("leaseMs", "1000", "reportTimeoutMs", "1000")))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("reportTimeoutMs (1000) must be less than leaseMs (1000)");
    }

    @Test
    void a_tick_longer_than_half_the_report_timeout_is_refused() {
        assertThatThrownBy(() -> load(demoFile(), Map.of(), Map.of("tickIntervalMs", "600")))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("tickIntervalMs (600) must be at most half of reportTimeoutMs (1000)");
    }

    @Test
    void a_heartbeat_timeout_under_two_heartbeats_is_refused() {
        assertThatThrownBy(() -> load(demoFile(), Map.of(),
                Map.of("heartbeatIntervalSeconds", "2", "maxNoHeartbeatSeconds", "3")))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("maxNoHeartbeatSeconds (3) must be at least two heartbeat intervals (4)");
    }

    @Test
    void the_effective_settings_name_every_key_the_master_runs_with() {
        SettingsSource source = new SettingsSource(demoFile(), Map.of(), Map.of());
        MasterSettings.load(source);

        assertThat(source.effective()).containsKeys("id", "http", "hazelcastBind", "hazelcastSeeds", "clusterName",
                "dataDir", "chainLengthMin", "leaseMs", "leaseMarginMs", "reportTimeoutMs", "tickIntervalMs",
                "pushTimeoutMs", "heartbeatIntervalSeconds", "maxNoHeartbeatSeconds", "promoteLagEntriesMax");
    }

    @Test
    void a_command_line_sets_the_file_and_overrides_it(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("master.properties");
        Files.writeString(file, "http=127.0.0.1:7000\nhazelcastBind=127.0.0.1:5701\nleaseMs=3000\n");
        CommandLine commandLine = CommandLine.parse("master", "--config", file.toString(), "--leaseMs", "4000",
                "--id=m7");

        MasterSettings settings = MasterSettings.load(commandLine.source(Map.of()));

        assertThat(commandLine.configFile()).isEqualTo(file);
        assertThat(settings.leaseMs()).isEqualTo(4_000);
        assertThat(settings.id()).isEqualTo("m7");
    }

    @Test
    void a_command_line_with_a_bare_word_or_a_missing_value_is_refused() {
        assertThatThrownBy(() -> CommandLine.parse("master", "serve"))
                .hasMessageContaining("unexpected argument 'serve'; usage: master [--config FILE]");
        assertThatThrownBy(() -> CommandLine.parse("master", "--leaseMs"))
                .hasMessage("--leaseMs needs a value");
        assertThat(CommandLine.parse("master").flags()).isEmpty();
        assertThat(CommandLine.parse("master", "--a", "1", "--a", "2").flags()).isEqualTo(Map.of("a", "2"));
        assertThat(List.of(CommandLine.parse("master", "--x=").flags().get("x"))).containsExactly("");
    }

    @Test
    void a_lone_master_is_the_default_group_and_a_group_must_be_odd_and_include_this_master() {
        assertThat(load(demoFile(), Map.of(), Map.of()).masters()).containsExactly(HostPort.parse("127.0.0.1:7000"));
        Map<String, String> three = demoFile();
        three.put("masters", "127.0.0.1:7000,127.0.0.1:7010,127.0.0.1:7020");
        assertThat(load(three, Map.of(), Map.of()).alone()).isFalse();

        Map<String, String> even = demoFile();
        even.put("masters", "127.0.0.1:7000,127.0.0.1:7010");
        assertThatThrownBy(() -> load(even, Map.of(), Map.of())).hasMessageContaining("odd number");
        Map<String, String> without = demoFile();
        without.put("masters", "127.0.0.1:7010");
        assertThatThrownBy(() -> load(without, Map.of(), Map.of())).hasMessageContaining("must include");
    }
}
