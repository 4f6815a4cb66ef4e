package io.catena.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeSettingsTest {

    static Map<String, String> demoFile() {
        Map<String, String> file = new HashMap<>();
        file.put("chain", "n1,n2,n3");
        for (int i = 1; i <= 3; i++) {
            file.put("node.n" + i + ".http", "127.0.0.1:700" + i);
            file.put("node.n" + i + ".replication", "127.0.0.1:710" + i);
        }
        return file;
    }

    @Test
    void defaults_apply_and_the_node_binds_its_own_addresses() {
        NodeSettings settings = NodeSettings.load(new SettingsSource(demoFile(), Map.of(), Map.of("id", "n2")));

        assertThat(settings.configuration().epoch()).isEqualTo(1);
        assertThat(settings.configuration().roleOf("n2")).isEqualTo(Role.MIDDLE);
        assertThat(settings.httpBind()).isEqualTo(HostPort.parse("127.0.0.1:7002"));
        assertThat(settings.replicationBind()).isEqualTo(HostPort.parse("127.0.0.1:7102"));
        assertThat(settings.valueBytesMax()).isEqualTo(1 << 20);
        assertThat(settings.syncPolicy()).isEqualTo(SyncPolicy.SYNC);
        assertThat(settings.dataDir().toString()).isEqualTo("data/n2");
    }

    @Test
    void environment_overrides_the_file_and_flags_override_the_environment() {
        Map<String, String> env = Map.of("CATENA_VALUE_BYTES_MAX", "2048", "CATENA_ID", "n1",
                "CATENA_SYNC_POLICY", "none");
        NodeSettings settings = NodeSettings.load(new SettingsSource(demoFile(), env, Map.of("id", "n3")));

        assertThat(settings.valueBytesMax()).isEqualTo(2048);
        assertThat(settings.syncPolicy()).isEqualTo(SyncPolicy.NONE);
        assertThat(settings.id()).isEqualTo("n3");
    }

    @Test
    void setting_names_map_to_upper_snake_environment_names() {
        assertThat(SettingsSource.envName("valueBytesMax")).isEqualTo("CATENA_VALUE_BYTES_MAX");
        assertThat(SettingsSource.envName("node.n1.http")).isEqualTo("CATENA_NODE_N1_HTTP");
    }

    @Test
    void every_invalid_value_is_reported_at_once() {
        Map<String, String> file = demoFile();
        file.put("valueBytesMax", "lots");
        file.put("writeTimeoutMs", "-5");
        file.put("syncPolicy", "sometimes");

        assertThatThrownBy(() -> NodeSettings.load(new SettingsSource(file, Map.of(), Map.of("id", "n9"))))
                .isInstanceOfSatisfying(SettingsException.class, e -> assertThat(e.problems())
                        .hasSize(4)
                        .anySatisfy(p -> assertThat(p).contains("valueBytesMax"))
                        .anySatisfy(p -> assertThat(p).contains("writeTimeoutMs"))
                        .anySatisfy(p -> assertThat(p).contains("syncPolicy"))
                        .anySatisfy(p -> assertThat(p).contains("'n9' is not in chain")));
    }

    @Test
    void a_frame_limit_too_small_for_the_largest_value_is_refused() {
        Map<String, String> file = demoFile();
        file.put("valueBytesMax", "1048576");
        file.put("frameBytesMax", "65536");

        assertThatThrownBy(() -> NodeSettings.load(new SettingsSource(file, Map.of(), Map.of("id", "n1"))))
                .hasMessageContaining("frameBytesMax");
    }

    @Test
    void a_chain_naming_a_node_twice_is_refused() {
        Map<String, String> file = demoFile();
        file.put("chain", "n1,n2,n1");

        assertThatThrownBy(() -> NodeSettings.load(new SettingsSource(file, Map.of(), Map.of("id", "n1"))))
                .hasMessageContaining("appears twice");
    }
}
