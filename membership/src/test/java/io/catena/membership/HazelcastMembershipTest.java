package io.catena.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Real Hazelcast members in this JVM on free loopback ports; every one is shut down after each test. */
@Timeout(30)
class HazelcastMembershipTest {

    private static final Logger LOG = LoggerFactory.getLogger(HazelcastMembershipTest.class);
    private static final Duration DETECTION_MAX = Duration.ofSeconds(5);

    private final List<HazelcastMembership> started = new ArrayList<>();
    private final List<HazelcastInstance> foreign = new ArrayList<>();

    @AfterEach
    void shut_everything_down() {
        started.forEach(HazelcastMembership::close);
        foreign.forEach(HazelcastInstance::shutdown);
    }

    @Test
    void every_member_sees_every_other_with_its_attributes_oldest_first() {
        List<String> binds = List.of(freeBind(), freeBind(), freeBind());
        Member m1 = start(MemberInfo.master("m1", "127.0.0.1:8001"), binds.get(0), binds, false);
        Member n1 = start(MemberInfo.node("n1", "127.0.0.1:7001", "127.0.0.1:7101"), binds.get(1), binds, true);
        Member n2 = start(MemberInfo.node("n2", "127.0.0.1:7002", "127.0.0.1:7102"), binds.get(2), binds, true);
        List<MemberInfo> all = List.of(m1.self(), n1.self(), n2.self());

        assertThat(all).extracting(MemberInfo::memberUuid).doesNotContainNull().doesNotHaveDuplicates();
        for (Member member : List.of(m1, n1, n2)) {
            await().atMost(DETECTION_MAX).untilAsserted(() -> {
                assertThat(member.membership.members()).containsExactlyElementsOf(all);
                assertThat(member.events.ups()).containsExactlyInAnyOrderElementsOf(all);
            });
        }
        assertThat(n2.membership.members().get(1))
                .isEqualTo(new MemberInfo(MemberInfo.Kind.NODE, "n1", "127.0.0.1:7001", "127.0.0.1:7101",
                        n1.self().memberUuid()));
    }

    @Test
    void the_oldest_master_is_the_first_master_to_join_even_when_a_node_joined_before_it() {
        List<String> binds = List.of(freeBind(), freeBind(), freeBind());
        Member n1 = start(MemberInfo.node("n1", "127.0.0.1:7001", "127.0.0.1:7101"), binds.get(0), binds, true);
        Member m1 = start(MemberInfo.master("m1", "127.0.0.1:8001"), binds.get(1), binds, false);
        Member m2 = start(MemberInfo.master("m2", "127.0.0.1:8002"), binds.get(2), binds, false);

        for (Member member : List.of(n1, m1, m2)) {
            await().atMost(DETECTION_MAX).until(() -> member.membership.members().size() == 3);
            assertThat(member.membership.members().get(0)).isEqualTo(n1.self());
            assertThat(member.membership.oldestMaster()).contains(m1.self());
        }

        m1.membership.close();

        for (Member member : List.of(n1, m2)) {
            await().atMost(DETECTION_MAX).untilAsserted(
                    () -> assertThat(member.membership.oldestMaster()).contains(m2.self()));
        }
    }

    @Test
    void a_member_that_shuts_down_is_reported_down_to_the_others_within_seconds() {
        List<String> binds = List.of(freeBind(), freeBind());
        Member m1 = start(MemberInfo.master("m1", "127.0.0.1:8001"), binds.get(0), binds, false);
        Member n1 = start(MemberInfo.node("n1", "127.0.0.1:7001", "127.0.0.1:7101"), binds.get(1), binds, true);
        await().atMost(DETECTION_MAX).until(() -> m1.events.ups().contains(n1.self()));
        MemberInfo leaving = n1.self();

        long closeNs = System.nanoTime();
        n1.membership.close();
        await().atMost(DETECTION_MAX).until(() -> m1.events.downs().contains(leaving));
        LOG.info("timing: shutdown of n1 seen by m1 after {} ms", (System.nanoTime() - closeNs) / 1_000_000);

        assertThat(m1.membership.members()).containsExactly(m1.self());
        assertThat(m1.events.downs()).containsExactly(leaving);
        assertThat(n1.membership.members()).isEmpty();
        n1.membership.close(); // idempotent
        assertThatThrownBy(() -> n1.membership.start(new Recorder())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void a_member_restarted_under_the_same_id_is_a_new_incarnation() {
        List<String> binds = List.of(freeBind(), freeBind());
        MemberInfo n1 = MemberInfo.node("n1", "127.0.0.1:7001", "127.0.0.1:7101");
        Member m1 = start(MemberInfo.master("m1", "127.0.0.1:8001"), binds.get(0), binds, false);
        Member first = start(n1, binds.get(1), binds, true);
        await().atMost(DETECTION_MAX).until(() -> m1.events.ups().contains(first.self()));
        MemberInfo firstIncarnation = first.self();

        first.membership.close();
        Member second = start(n1, binds.get(1), binds, true);

        await().atMost(DETECTION_MAX).until(() -> m1.events.ups().contains(second.self()));
        assertThat(second.self().memberUuid()).isNotEqualTo(firstIncarnation.memberUuid());
        assertThat(m1.events.log).containsSubsequence(
                "up " + firstIncarnation, "down " + firstIncarnation, "up " + second.self());
        assertThat(m1.membership.members()).containsExactly(m1.self(), second.self());
    }

    @Test
    void a_lite_member_and_a_full_member_form_a_cluster() {
        List<String> binds = List.of(freeBind(), freeBind());
        Member m1 = start(MemberInfo.master("m1", "127.0.0.1:8001"), binds.get(0), binds, false);
        Member n1 = start(MemberInfo.node("n1", "127.0.0.1:7001", "127.0.0.1:7101"), binds.get(1), binds, true);

        await().atMost(DETECTION_MAX).untilAsserted(() -> {
            assertThat(m1.membership.members()).containsExactly(m1.self(), n1.self());
            assertThat(n1.membership.members()).containsExactly(m1.self(), n1.self());
        });
        HazelcastInstance nodeInstance = Hazelcast.getHazelcastInstanceByName("catena-n1-" + port(binds.get(1)));
        assertThat(nodeInstance.getCluster().getLocalMember().isLiteMember()).isTrue();
        assertThat(nodeInstance.getCluster().getMembers()).filteredOn(m -> !m.isLiteMember()).hasSize(1);
    }

    @Test
    void a_member_may_bind_a_loopback_address_that_no_interface_lists() {
        List<String> binds = List.of(freeBind(), freeBind("127.0.0.2"));
        Member m1 = start(MemberInfo.master("m1", "127.0.0.1:8001"), binds.get(0), binds, false);
        Member n1 = start(MemberInfo.node("n1", "127.0.0.2:7001", "127.0.0.2:7101"), binds.get(1), binds, true);

        await().atMost(DETECTION_MAX).untilAsserted(
                () -> assertThat(m1.membership.members()).containsExactly(m1.self(), n1.self()));
        HazelcastInstance master = Hazelcast.getHazelcastInstanceByName("catena-m1-" + port(binds.get(0)));
        assertThat(master.getCluster().getMembers())
                .extracting(member -> member.getAddress().getHost() + ":" + member.getAddress().getPort())
                .containsExactlyElementsOf(binds);
    }

    @Test
    void a_hazelcast_member_without_catena_attributes_is_ignored() {
        List<String> binds = List.of(freeBind(), freeBind());
        Member m1 = start(MemberInfo.master("m1", "127.0.0.1:8001"), binds.get(0), binds, false);
        MembershipSettings strangerSettings = MembershipSettings.of(binds.get(1), binds, true);
        Config stranger = HazelcastMembership.config(strangerSettings, MemberInfo.master("stranger", "127.0.0.1:9"));
        stranger.getMemberAttributeConfig().setAttributes(Map.of());
        HazelcastInstance instance = Hazelcast.newHazelcastInstance(stranger);
        foreign.add(instance);

        await().atMost(DETECTION_MAX).until(() -> instance.getCluster().getMembers().size() == 2);
        assertThat(m1.membership.members()).containsExactly(m1.self());
        instance.shutdown();
        await().atMost(DETECTION_MAX).until(() -> !instance.getLifecycleService().isRunning());
        assertThat(m1.events.log).containsExactly("up " + m1.self());
    }

    @Test
    void a_member_whose_port_is_taken_fails_to_start_and_says_where() throws IOException {
        String bind = freeBind();
        try (ServerSocket taken = new ServerSocket(port(bind), 1, InetAddress.getByName("127.0.0.1"))) {
            HazelcastMembership membership = new HazelcastMembership(MembershipSettings.of(bind, List.of(bind), false),
                    MemberInfo.master("m1", "127.0.0.1:8001"));
            started.add(membership);

            assertThatThrownBy(() -> membership.start(new Recorder()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("m1 could not start on " + bind);
            assertThat(taken.isBound()).isTrue();
        }
    }

    @Test
    void the_config_joins_by_tcp_ip_only_binds_only_its_own_address_and_stays_quiet() {
        MembershipSettings settings = new MembershipSettings("test", "127.0.0.3:5801",
                List.of("127.0.0.1:5801", "127.0.0.3:5801"), 1, 3, true, 7);
        Config config = HazelcastMembership.config(settings,
                MemberInfo.node("n3", "127.0.0.3:7003", "127.0.0.3:7103"));

        var join = config.getNetworkConfig().getJoin();
        assertThat(join.getMulticastConfig().isEnabled()).isFalse();
        assertThat(join.getAutoDetectionConfig().isEnabled()).isFalse();
        assertThat(join.getTcpIpConfig().isEnabled()).isTrue();
        assertThat(join.getTcpIpConfig().getMembers()).containsExactly("127.0.0.1:5801", "127.0.0.3:5801");
        assertThat(config.getNetworkConfig().getPort()).isEqualTo(5801);
        assertThat(config.getNetworkConfig().isPortAutoIncrement()).isFalse();
        assertThat(config.getNetworkConfig().getPublicAddress()).isEqualTo("127.0.0.3:5801");
        assertThat(config.getNetworkConfig().getInterfaces().isEnabled()).isTrue();
        assertThat(config.getNetworkConfig().getInterfaces().getInterfaces()).containsExactly("127.0.0.3");
        assertThat(config.getProperties())
                .containsEntry("hazelcast.phone.home.enabled", "false")
                .containsEntry("hazelcast.socket.bind.any", "false")
                .containsEntry("hazelcast.socket.client.bind.any", "false")
                .containsEntry("hazelcast.logging.type", "slf4j")
                .containsEntry("hazelcast.heartbeat.interval.seconds", "1")
                .containsEntry("hazelcast.max.no.heartbeat.seconds", "3")
                .containsEntry("hazelcast.local.localAddress", "127.0.0.3")
                .containsEntry("hazelcast.merge.first.run.delay.seconds", "7")
                .containsEntry("hazelcast.merge.next.run.delay.seconds", "7");
        assertThat(config.getClusterName()).isEqualTo("test");
        assertThat(config.isLiteMember()).isTrue();
        assertThat(config.getJetConfig().isEnabled()).isFalse();
        assertThat(config.getMetricsConfig().isEnabled()).isFalse();
        assertThat(config.getNetworkConfig().getMemcacheProtocolConfig().isEnabled()).isFalse();
        assertThat(config.getMemberAttributeConfig().getAttributes())
                .containsEntry("catena.kind", "NODE").containsEntry("catena.id", "n3")
                .containsEntry("catena.replication", "127.0.0.3:7103");
    }

    // ---- helpers

    private record Member(HazelcastMembership membership, Recorder events) {
        MemberInfo self() {
            return membership.self();
        }
    }

    private Member start(MemberInfo self, String bind, List<String> seeds, boolean lite) {
        HazelcastMembership membership = new HazelcastMembership(MembershipSettings.of(bind, seeds, lite), self);
        started.add(membership);
        Recorder events = new Recorder();
        long startNs = System.nanoTime();
        membership.start(events);
        LOG.info("timing: {} started in {} ms", self.id(), (System.nanoTime() - startNs) / 1_000_000);
        return new Member(membership, events);
    }

    /** Records callbacks as "up <member>" / "down <member>" lines, in order. */
    private static final class Recorder implements Membership.Listener {
        final List<String> log = new CopyOnWriteArrayList<>();
        final List<MemberInfo> ups = new CopyOnWriteArrayList<>();
        final List<MemberInfo> downs = new CopyOnWriteArrayList<>();

        @Override
        public void memberUp(MemberInfo member) {
            ups.add(member);
            log.add("up " + member);
        }

        @Override
        public void memberDown(MemberInfo member) {
            downs.add(member);
            log.add("down " + member);
        }

        List<MemberInfo> ups() {
            return ups;
        }

        List<MemberInfo> downs() {
            return downs;
        }
    }

    private static String freeBind() {
        return freeBind("127.0.0.1");
    }

    /** A port free on {@code host} now (bound to 0 and released; another process could take it, rarely does). */
    private static String freeBind(String host) {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return host + ":" + socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int port(String bind) {
        return Integer.parseInt(bind.substring(bind.lastIndexOf(':') + 1));
    }
}
