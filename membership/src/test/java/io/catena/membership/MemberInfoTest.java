package io.catena.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class MemberInfoTest {

    @Test
    void a_node_travels_as_four_attributes_and_comes_back_with_its_member_uuid() {
        MemberInfo node = MemberInfo.node("n1", "127.0.0.1:7001", "127.0.0.1:7101");

        assertThat(node.attributes()).containsExactly(
                Map.entry("catena.kind", "NODE"), Map.entry("catena.id", "n1"),
                Map.entry("catena.http", "127.0.0.1:7001"), Map.entry("catena.replication", "127.0.0.1:7101"));
        assertThat(MemberInfo.fromAttributes(node.attributes(), "u-1")).contains(node.withMemberUuid("u-1"));
    }

    @Test
    void a_master_has_no_replication_attribute() {
        MemberInfo master = MemberInfo.master("m1", "127.0.0.1:8001");

        assertThat(master.attributes()).doesNotContainKey("catena.replication");
        assertThat(MemberInfo.fromAttributes(master.attributes(), "u-2")).contains(master.withMemberUuid("u-2"));
    }

    @Test
    void a_member_without_a_kind_attribute_is_not_catenas() {
        assertThat(MemberInfo.fromAttributes(Map.of("catena.id", "n1"), "u-3")).isEmpty();
    }

    @Test
    void a_member_claiming_a_kind_with_missing_or_bad_attributes_is_refused_with_the_reason() {
        assertThatThrownBy(() -> MemberInfo.fromAttributes(Map.of("catena.kind", "PROXY"), "u-4"))
                .hasMessageContaining("unknown catena.kind 'PROXY'");
        assertThatThrownBy(() -> MemberInfo.fromAttributes(Map.of("catena.kind", "NODE", "catena.id", "n1",
                "catena.http", "127.0.0.1:7001"), "u-5"))
                .hasMessageContaining("node n1 needs a replication address");
        assertThatThrownBy(() -> MemberInfo.fromAttributes(Map.of("catena.kind", "MASTER", "catena.id", "m1"), "u-6"))
                .hasMessageContaining("no catena.http");
    }

    @Test
    void incarnations_of_one_id_are_different_values() {
        MemberInfo node = MemberInfo.node("n1", "127.0.0.1:7001", "127.0.0.1:7101");

        assertThat(node.withMemberUuid("old")).isNotEqualTo(node.withMemberUuid("new"));
    }

    @Test
    void addresses_and_ids_are_checked() {
        assertThatThrownBy(() -> MemberInfo.master("m 1", "127.0.0.1:8001")).hasMessageContaining("whitespace");
        assertThatThrownBy(() -> MemberInfo.master("m1", "127.0.0.1")).hasMessageContaining("expected host:port");
        assertThatThrownBy(() -> MemberInfo.node("n1", "127.0.0.1:7001", "127.0.0.1:0"))
                .hasMessageContaining("port out of range");
        assertThatThrownBy(() -> new MemberInfo(MemberInfo.Kind.MASTER, "m1", "127.0.0.1:8001", "127.0.0.1:8101", null))
                .hasMessageContaining("master m1 has no replication address");
    }
}
