package io.catena.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class MembershipSettingsTest {

    @Test
    void defaults_are_cluster_catena_and_one_second_heartbeats_with_a_three_second_timeout() {
        MembershipSettings settings = MembershipSettings.of("127.0.0.2:5701", List.of("127.0.0.1:5701"), true);

        assertThat(settings.clusterName()).isEqualTo("catena");
        assertThat(settings.heartbeatIntervalSeconds()).isEqualTo(1);
        assertThat(settings.maxNoHeartbeatSeconds()).isEqualTo(3);
        assertThat(settings.mergeIntervalSeconds()).isEqualTo(5);
        assertThat(settings.bindHost()).isEqualTo("127.0.0.2");
        assertThat(settings.bindPort()).isEqualTo(5701);
    }

    @Test
    void every_invalid_field_is_reported_at_once() {
        assertThatThrownBy(() -> new MembershipSettings(" ", "127.0.0.1:99999", List.of(), 0, 1, false, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("clusterName must not be blank")
                .hasMessageContaining("bind: port out of range")
                .hasMessageContaining("seeds must name at least one")
                .hasMessageContaining("heartbeatIntervalSeconds must be at least 1")
                .hasMessageContaining("maxNoHeartbeatSeconds must be at least two heartbeat intervals")
                .hasMessageContaining("mergeIntervalSeconds must be at least 1");
    }

    @Test
    void the_bind_host_must_be_an_ip_address_because_interfaces_match_addresses() {
        assertThatThrownBy(() -> MembershipSettings.of("localhost:5701", List.of("localhost:5701"), false))
                .hasMessageContaining("must be an IPv4 address");
    }

    @Test
    void bad_missing_and_named_seeds_are_reported() {
        assertThatThrownBy(() -> MembershipSettings.of("127.0.0.1:5701",
                Arrays.asList("127.0.0.1", null, "localhost:5701"), false))
                .hasMessageContaining("seeds: expected host:port, got '127.0.0.1'")
                .hasMessageContaining("seeds: missing")
                .hasMessageContaining("seeds: the host must be an IPv4 address, got 'localhost:5701'");
    }

    @Test
    void without_a_merge_interval_the_default_applies() {
        MembershipSettings settings = new MembershipSettings("c", "127.0.0.1:5701", List.of("127.0.0.1:5701"), 2, 6,
                false);

        assertThat(settings.mergeIntervalSeconds()).isEqualTo(MembershipSettings.DEFAULT_MERGE_INTERVAL_SECONDS);
        assertThat(settings.maxNoHeartbeatSeconds()).isEqualTo(6);
    }

    @Test
    void seeds_are_copied() {
        List<String> seeds = new java.util.ArrayList<>(List.of("127.0.0.1:5701"));
        MembershipSettings settings = MembershipSettings.of("127.0.0.1:5701", seeds, false);
        seeds.add("127.0.0.1:5702");

        assertThat(settings.seeds()).containsExactly("127.0.0.1:5701");
    }
}
