package io.catena.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChainConfigurationTest {

    static NodeDescriptor node(String id) {
        return new NodeDescriptor(id, HostPort.parse("127.0.0.1:1"), HostPort.parse("127.0.0.1:2"));
    }

    @Test
    void roles_follow_the_order_of_the_chain() {
        ChainConfiguration three = ChainConfiguration.of(4, List.of(node("a"), node("b"), node("c")));

        assertThat(three.roleOf("a")).isEqualTo(Role.HEAD);
        assertThat(three.roleOf("b")).isEqualTo(Role.MIDDLE);
        assertThat(three.roleOf("c")).isEqualTo(Role.TAIL);
        assertThat(three.roleOf("z")).isEqualTo(Role.OUTSIDE);
        assertThat(three.predecessorOf("b")).contains(node("a"));
        assertThat(three.successorOf("b")).contains(node("c"));
        assertThat(three.successorOf("c")).isEmpty();
        assertThat(three.predecessorOf("a")).isEmpty();
    }

    @Test
    void a_chain_of_one_is_head_and_tail_at_once() {
        Role role = ChainConfiguration.of(1, List.of(node("a"))).roleOf("a");

        assertThat(role).isEqualTo(Role.SOLE);
        assertThat(role.isHead()).isTrue();
        assertThat(role.isTail()).isTrue();
    }
}
