package io.catena.master.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.catena.config.ChainConfiguration;
import io.catena.config.ControlPlaneJson;
import io.catena.config.HostPort;
import io.catena.config.MasterSettings;
import io.catena.config.NodeDescriptor;
import io.catena.config.NodeReport;
import io.catena.config.ReportReply;
import io.catena.config.SettingsSource;
import io.catena.master.store.ConfigurationStore;
import io.catena.membership.MemberInfo;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The master in process: the real runtime, store and HTTP API, a scripted {@link FakeMembership} instead of
 * Hazelcast, and three fake nodes that report over HTTP and record the configurations pushed to them.
 */
class MasterHttpTest {

    // Short, but with room for a loaded build machine: a node that misses reports for REPORT_TIMEOUT_MS right
    // after the first chain forms holds no lease yet and is dropped at once, which would add epochs to the story.
    static final long LEASE_MS = 600;
    static final long LEASE_MARGIN_MS = 50;
    static final long REPORT_TIMEOUT_MS = 300;
    static final long REPORT_INTERVAL_MS = 30;

    @TempDir
    Path dataDir;

    Vertx vertx;
    HttpClient http;
    ScheduledExecutorService reporter;
    int masterPort;
    List<FakeNode> nodes = new CopyOnWriteArrayList<>(); // the reporter thread reads it
    FakeMembership membership;
    List<Throwable> fatal = new CopyOnWriteArrayList<>();

    /** A storage node as the master sees it: it reports (when told to) and records the pushes it receives. */
    final class FakeNode {
        final NodeDescriptor descriptor;
        final MemberInfo member;
        final List<JsonObject> pushes = new CopyOnWriteArrayList<>();
        final AtomicReference<ReportReply> lastReply = new AtomicReference<>();
        volatile boolean reporting;
        volatile long appliedSeq = 10;
        volatile boolean caughtUp = true;
        volatile long lastLeasedReportSentNanos;
        HttpServer server;

        FakeNode(String id) throws IOException {
            descriptor = new NodeDescriptor(id, HostPort.parse("127.0.0.1:" + freePort()),
                    HostPort.parse("127.0.0.1:" + freePort()));
            member = new MemberInfo(MemberInfo.Kind.NODE, id, descriptor.http().toString(),
                    descriptor.replication().toString(), "uuid-" + id + "-1");
        }

        void listen() {
            server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1")
                    .setPort(descriptor.http().port())).requestHandler(request -> {
                        if (request.path().equals("/admin/configuration")) {
                            request.body().onSuccess(body -> {
                                pushes.add(body.toJsonObject());
                                request.response().end("{}");
                            });
                        } else {
                            request.response().setStatusCode(404).end();
                        }
                    }).listen().await();
        }

        /** Reports like a node: the epoch and role of the configuration it last got. */
        void reportOnce() {
            ReportReply last = lastReply.get();
            ChainConfiguration held = last == null ? ChainConfiguration.NONE : last.configuration();
            long sentNanos = System.nanoTime();
            JsonObject reply = post("/nodes/report", ControlPlaneJson.toJson(
                    new NodeReport(descriptor, held.epoch(), held.roleOf(descriptor.id()), appliedSeq,
                            Math.min(10, appliedSeq), caughtUp)).encode()).json();
            ReportReply parsed = ControlPlaneJson.reply(reply);
            if (parsed.leaseMs() > 0) {
                lastLeasedReportSentNanos = sentNanos;
            }
            lastReply.set(parsed);
        }

        List<Long> pushedEpochs() {
            return pushes.stream().map(json -> json.getLong("epoch")).toList();
        }
    }

    record Response(int status, String body) {
        JsonObject json() {
            return new JsonObject(body);
        }
    }

    @BeforeEach
    void startNodes() throws Exception {
        vertx = Vertx.vertx();
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2))
                .build();
        masterPort = freePort();
        for (int i = 1; i <= 3; i++) {
            FakeNode node = new FakeNode("n" + i);
            node.listen();
            nodes.add(node);
        }
        reporter = Executors.newSingleThreadScheduledExecutor();
        reporter.scheduleWithFixedDelay(() -> nodes.stream().filter(n -> n.reporting).forEach(node -> {
            try {
                node.reportOnce();
            } catch (RuntimeException e) {
                // a report that fails lapses, as on a real node
            }
        }), 0, REPORT_INTERVAL_MS, TimeUnit.MILLISECONDS);
    }

    @AfterEach
    void stopAll() throws Exception {
        reporter.shutdownNow();
        reporter.awaitTermination(5, TimeUnit.SECONDS);
        vertx.close().await();
    }

    // ------------------------------------------------------------ tests

    @Test
    void three_reporting_members_form_epoch_1_which_is_stored_pushed_and_served() {
        startMaster(membershipOf(n(1), n(2), n(3)));
        nodes.forEach(node -> node.reporting = true);

        ChainConfiguration stored = awaitStoredEpoch(1);
        assertThat(stored.chainIds()).containsExactly("n1", "n2", "n3");

        JsonObject chain = get("/chain").json();
        assertThat(chain.getLong("epoch")).isEqualTo(1);
        assertThat(ids(chain.getJsonArray("chain"))).containsExactly("n1", "n2", "n3");
        assertThat(chain.getJsonArray("chain").stream().map(o -> ((JsonObject) o).getString("role")).toList())
                .containsExactly("head", "middle", "tail");
        JsonObject head = chain.getJsonArray("chain").getJsonObject(0);
        assertThat(head.getString("http")).isEqualTo(n(1).descriptor.http().toString());
        assertThat(head.getString("replication")).isEqualTo(n(1).descriptor.replication().toString());
        assertThat(head.fieldNames()).contains("alive", "appliedSeq", "committedSeq", "lag", "leaseLeftMs",
                "reportedEpoch");
        assertThat(chain.getJsonArray("others")).isEmpty();
        assertThat(chain.getJsonObject("master")).isEqualTo(new JsonObject().put("id", "m1")
                .put("http", "127.0.0.1:" + masterPort));

        for (FakeNode node : nodes) {
            await().untilAsserted(() -> assertThat(node.pushedEpochs()).containsExactly(1L));
            await().untilAsserted(() -> {
                ReportReply reply = node.lastReply.get();
                assertThat(reply.configuration().epoch()).isEqualTo(1);
                assertThat(reply.leaseMs()).isEqualTo(LEASE_MS);
                assertThat(reply.masterId()).isEqualTo("m1");
            });
        }
        await().untilAsserted(() -> assertThat(get("/chain").json().getJsonArray("chain").stream()
                .map(o -> ((JsonObject) o).getLong("reportedEpoch")).toList()).containsExactly(1L, 1L, 1L));
    }

    @Test
    void a_failed_tail_is_removed_only_after_its_lease_and_margin_and_the_survivors_are_told() throws Exception {
        startMaster(membershipOf(n(1), n(2), n(3)));
        nodes.forEach(node -> node.reporting = true);
        awaitStoredEpoch(1);
        await().until(() -> n(3).lastReply.get() != null && n(3).lastReply.get().leaseMs() > 0);

        reporter.submit(() -> n(3).reporting = false).get(); // no report of n3 in flight after this
        membership.down(n(3).member);

        ChainConfiguration next = awaitStoredEpoch(2);
        long waitedMs = (System.nanoTime() - n(3).lastLeasedReportSentNanos) / 1_000_000;
        assertThat(next.chainIds()).containsExactly("n1", "n2");
        assertThat(waitedMs).as("ms from n3's last leased report to the epoch without it")
                .isGreaterThanOrEqualTo(LEASE_MS + LEASE_MARGIN_MS);
        await().untilAsserted(() -> assertThat(n(1).pushedEpochs()).containsExactly(1L, 2L));
        await().untilAsserted(() -> assertThat(n(2).pushedEpochs()).containsExactly(1L, 2L));
        await().untilAsserted(() -> assertThat(n(2).lastReply.get().configuration().roleOf("n2").wireName())
                .isEqualTo("tail"));

        JsonObject chain = get("/chain").json();
        assertThat(chain.getLong("epoch")).isEqualTo(2);
        assertThat(ids(chain.getJsonArray("chain"))).containsExactly("n1", "n2");
        JsonObject removed = chain.getJsonArray("others").getJsonObject(0);
        assertThat(removed.getString("id")).isEqualTo("n3");
        assertThat(removed.getString("role")).isEqualTo("outside");
        assertThat(removed.getBoolean("alive")).isFalse();
    }

    @Test
    void a_node_that_rejoins_under_a_new_member_uuid_stays_up_when_its_old_incarnation_leaves() {
        startMaster(membershipOf(n(1), n(2), n(3)));
        nodes.forEach(node -> node.reporting = true);
        awaitStoredEpoch(1);
        await().until(() -> aliveById().get("n1"));

        MemberInfo restarted = new MemberInfo(MemberInfo.Kind.NODE, "n1", n(1).member.http(),
                n(1).member.replication(), "uuid-n1-2");
        membership.up(restarted);
        membership.down(n(1).member);
        membership.down(n(2).member); // a barrier: once n2 shows as gone, the events before it were handled

        await().until(() -> !memberById().get("n2"));
        assertThat(memberById().get("n1")).as("n1 a member after its old incarnation left").isTrue();
        assertThat(aliveById().get("n1")).as("n1 alive after its old incarnation left").isTrue();

        membership.down(restarted);
        await().until(() -> !memberById().get("n1"));
    }

    @Test
    void a_node_that_reports_is_alive_while_membership_does_not_list_it() throws Exception {
        // After a partition heals, Hazelcast's split-brain merge can take tens of seconds: a node that reports
        // meanwhile is alive by direct evidence, and comes back as a learner without waiting for the merge.
        startMaster(membershipOf(n(1), n(2), n(3)));
        nodes.forEach(node -> node.reporting = true);
        awaitStoredEpoch(1);
        membership.down(n(3).member);

        await().until(() -> !memberById().get("n3"));
        await().during(Duration.ofMillis(3 * REPORT_TIMEOUT_MS)).atMost(Duration.ofSeconds(5))
                .until(() -> aliveById().get("n3"));
        assertThat(get("/chain").json().getLong("epoch")).as("no change: n3 never stopped reporting").isEqualTo(1);

        reporter.submit(() -> n(3).reporting = false).get();
        await().until(() -> !aliveById().get("n3"));
        ChainConfiguration next = awaitStoredEpoch(2);
        assertThat(next.chainIds()).containsExactly("n1", "n2");

        reporter.submit(() -> {
            n(3).caughtUp = false; // stays a learner, so the check below cannot miss it
            n(3).reporting = true;
        }).get();
        await().untilAsserted(() -> assertThat(get("/chain").json().getJsonArray("learners").stream()
                .map(o -> ((JsonObject) o).getString("id")).toList()).as("n3 back as a learner").contains("n3"));
        assertThat(memberById().get("n3")).as("still not listed by membership").isFalse();
    }

    @Test
    void a_malformed_report_is_refused_with_a_json_400_and_changes_nothing() {
        startMaster(membershipOf(n(1), n(2), n(3)));
        String valid = ControlPlaneJson.toJson(new NodeReport(n(1).descriptor, 0,
                io.catena.config.Role.OUTSIDE, 0, 0)).encode();

        List<String> bodies = List.of("{not json", "[1, 2]", "", "{}",
                valid.replace("\"committedSeq\":0", "\"committedSeq\":5"),
                valid.replace("\"outside\"", "\"king\""),
                valid.replace("\"epoch\":0", "\"epoch\":\"zero\""),
                valid.replace("127.0.0.1:" + n(1).descriptor.http().port(), "nowhere"));
        await().until(() -> get("/status").json().getBoolean("membershipReady"));
        JsonObject before = get("/chain").json();
        for (String body : bodies) {
            Response response = post("/nodes/report", body);
            assertThat(response.status()).as(body).isEqualTo(400);
            assertThat(response.json().getString("error")).isEqualTo("bad_report");
            assertThat(response.json().getString("message")).isNotBlank();
        }

        assertThat(get("/chain").json()).isEqualTo(before);
        assertThat(before.getLong("epoch")).isZero();
        assertThat(Files.exists(dataDir.resolve(ConfigurationStore.FILE_NAME))).isFalse();
    }

    @Test
    void malformed_ballot_messages_are_refused_with_a_json_400_and_change_nothing() {
        startMaster(membershipOf(n(1), n(2), n(3)));
        String self = "127.0.0.1:" + masterPort;
        String prepare = "{\"kind\":\"prepare\",\"probeMs\":1,\"ballot\":{\"round\":7,\"master\":\"" + self + "\"}}";
        List<String> bodies = List.of("{not json", "[1]", "", "{}",
                prepare.replace("prepare", "elect"),
                prepare.replace("\"kind\":\"prepare\",", ""),
                prepare.replace("\"probeMs\":1,", ""),
                prepare.replace("\"round\":7", "\"round\":-7"),
                prepare.replace(self, "127.0.0.1:1"),
                prepare.replace(self, "nowhere"),
                prepare.replace("prepare", "promise"),
                prepare.replace("prepare", "accept"));
        JsonObject before = get("/status").json();
        for (String body : bodies) {
            Response response = post("/masters/ballot", body);
            assertThat(response.status()).as(body).isEqualTo(400);
            assertThat(response.json().getString("error")).isEqualTo("bad_ballot_message");
            assertThat(response.json().getString("message")).isNotBlank();
        }

        assertThat(get("/status").json().getString("ballotState")).isEqualTo(before.getString("ballotState"));
        assertThat(Files.exists(dataDir.resolve(ConfigurationStore.FILE_NAME))).isFalse();
    }

    @Test
    void a_master_of_three_that_reaches_no_other_leads_nothing_and_redirects_reports_and_removals() {
        String self = "127.0.0.1:" + masterPort;
        startMaster(membershipOf(n(1), n(2), n(3)), dataDir, Map.of("masters",
                self + ",127.0.0.1:1,127.0.0.1:2"));
        await().until(() -> get("/status").json().getBoolean("membershipReady"));

        JsonObject status = get("/status").json();
        assertThat(status.getBoolean("active")).isFalse();
        assertThat(status.getString("ballotState")).isEqualTo("preparing");
        Response report = post("/nodes/report", ControlPlaneJson.toJson(new NodeReport(n(1).descriptor, 0,
                io.catena.config.Role.OUTSIDE, 0, 0)).encode());
        Response removal = post("/chain/nodes/n1/remove", "");

        for (Response redirect : List.of(report, removal)) {
            assertThat(redirect.status()).isEqualTo(307);
            assertThat(redirect.json().getString("error")).isEqualTo("not_active");
            assertThat(redirect.json().getJsonObject("activeMaster").getString("http")).isEqualTo("127.0.0.1:1");
        }
        assertThat(get("/chain").json().getLong("epoch")).isZero();
        assertThat(nodes).allSatisfy(node -> assertThat(node.pushes).isEmpty());
    }

    @Test
    void unknown_paths_and_methods_get_json_errors_and_health_and_status_answer() {
        startMaster(membershipOf(n(1), n(2), n(3)));

        Response missing = get("/nope");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().getString("error")).isEqualTo("no_route");
        Response wrongMethod = get("/nodes/report");
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.json().getString("error")).isEqualTo("method_not_allowed");
        assertThat(post("/chain", "{}").status()).isEqualTo(405);

        assertThat(get("/health").json()).isEqualTo(new JsonObject().put("status", "up"));
        await().until(() -> get("/status").json().getBoolean("membershipReady"));
        JsonObject status = get("/status").json();
        assertThat(status.getString("id")).isEqualTo("m1");
        assertThat(status.getLong("pid")).isEqualTo(ProcessHandle.current().pid());
        assertThat(status.getBoolean("active")).isTrue();
        assertThat(status.getLong("epoch")).isZero();
    }

    @Test
    void a_restarted_master_grants_leases_on_its_stored_chain_before_the_membership_is_up() {
        ChainConfiguration before = ChainConfiguration.of(4, nodes.stream().map(n -> n.descriptor).toList());
        new ConfigurationStore(dataDir).save(before);
        FakeMembership slowJoin = membershipOf(n(1), n(2), n(3)).holdStart();
        startMaster(slowJoin);

        JsonObject status = get("/status").json();
        assertThat(status.getLong("epoch")).isEqualTo(4);
        assertThat(status.getBoolean("membershipReady")).isFalse();
        n(1).reportOnce();
        assertThat(n(1).lastReply.get().configuration()).isEqualTo(before);
        assertThat(n(1).lastReply.get().leaseMs()).isEqualTo(LEASE_MS);

        slowJoin.releaseStart();
        await().until(() -> get("/status").json().getBoolean("membershipReady"));
    }

    @Test
    void a_master_that_cannot_persist_publishes_nothing_and_stops() throws Exception {
        Path blocked = dataDir.resolve("blocked");
        startMaster(membershipOf(n(1), n(2), n(3)), blocked);
        Files.writeString(blocked, "a file where the data directory should be");
        nodes.forEach(node -> node.reporting = true);

        await().until(() -> !fatal.isEmpty());
        Response report = post("/nodes/report", ControlPlaneJson.toJson(new NodeReport(n(1).descriptor, 0,
                io.catena.config.Role.OUTSIDE, 0, 0)).encode());
        assertThat(report.status()).isEqualTo(503);
        assertThat(report.json().getString("error")).isEqualTo("master_halted");
        assertThat(get("/chain").status()).isEqualTo(503);
        assertThat(get("/status").json().getBoolean("active")).isFalse();
        assertThat(nodes).allSatisfy(node -> assertThat(node.pushes).isEmpty());
        assertThat(nodes).allSatisfy(node -> assertThat(node.lastReply.get().configuration().epoch()).isZero());
    }

    @Test
    void ready_answers_503_until_the_membership_is_up_and_a_chain_is_formed() {
        FakeMembership slowJoin = membershipOf(n(1), n(2), n(3)).holdStart();
        startMaster(slowJoin);

        Response joining = get("/ready");
        assertThat(joining.status()).isEqualTo(503);
        assertThat(joining.json().getString("error")).isEqualTo("not_ready");
        assertThat(joining.json().getString("message")).contains("membership");
        assertThat(joining.json().getBoolean("ready")).isFalse();

        slowJoin.releaseStart();
        await().until(() -> get("/status").json().getBoolean("membershipReady"));
        Response noChain = get("/ready");
        assertThat(noChain.status()).isEqualTo(503);
        assertThat(noChain.json().getLong("epoch")).isZero();
        assertThat(noChain.json().getString("message")).contains("no configuration yet");

        nodes.forEach(node -> node.reporting = true);
        awaitStoredEpoch(1);
        await().until(() -> get("/ready").status() == 200);
        JsonObject ready = get("/ready").json();
        assertThat(ready.getBoolean("ready")).isTrue();
        assertThat(ready.getLong("epoch")).isEqualTo(1);
        assertThat(ready.getBoolean("membershipReady")).isTrue();
    }

    @Test
    void a_node_that_joins_a_formed_chain_is_shown_as_a_learner_with_its_progress_and_told_its_configuration()
            throws Exception {
        FakeNode learner = addNode("n4");
        learner.appliedSeq = 4;
        learner.caughtUp = false;
        startMaster(membershipOf(n(1), n(2), n(3), learner));
        List.of(n(1), n(2), n(3)).forEach(node -> node.reporting = true);
        awaitStoredEpoch(1);

        learner.reporting = true;
        ChainConfiguration next = awaitStoredEpoch(2);

        assertThat(next.chainIds()).containsExactly("n1", "n2", "n3");
        assertThat(next.learners()).containsExactly(learner.descriptor);
        await().untilAsserted(() -> assertThat(learner.pushedEpochs()).containsExactly(2L));
        await().untilAsserted(() -> assertThat(get("/chain").json().getJsonArray("learners").getJsonObject(0)
                .getLong("reportedEpoch")).isEqualTo(2));
        JsonObject chain = get("/chain").json();
        assertThat(ids(chain.getJsonArray("chain"))).containsExactly("n1", "n2", "n3");
        assertThat(chain.getJsonArray("others")).isEmpty();
        assertThat(chain.getJsonArray("learners")).containsExactly(new JsonObject()
                .put("id", "n4").put("role", "learner")
                .put("http", learner.descriptor.http().toString())
                .put("replication", learner.descriptor.replication().toString())
                .put("alive", true).put("member", true).put("reportedEpoch", 2L).put("appliedSeq", 4L)
                .put("caughtUp", false).put("lagEntries", 6L));
        assertThat(learner.lastReply.get().leaseMs()).as("learners hold no lease").isZero();
    }

    @Test
    void removing_a_learner_answers_200_and_unknown_or_malformed_ids_get_json_errors() throws Exception {
        FakeNode learner = addNode("n4");
        learner.caughtUp = false;
        startMaster(membershipOf(n(1), n(2), n(3), learner));
        List.of(n(1), n(2), n(3)).forEach(node -> node.reporting = true);
        awaitStoredEpoch(1);
        learner.reporting = true;
        awaitStoredEpoch(2);

        Response removed = post("/chain/nodes/n4/remove", "");
        assertThat(removed.status()).isEqualTo(200);
        assertThat(removed.json()).isEqualTo(new JsonObject().put("id", "n4").put("state", "removed")
                .put("epoch", 3L));
        assertThat(awaitStoredEpoch(3).learners()).isEmpty();
        assertThat(get("/chain").json().getJsonArray("others").getJsonObject(0).getBoolean("draining")).isTrue();

        Response unknown = post("/chain/nodes/n9/remove", "");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().getString("error")).isEqualTo("unknown_node");
        assertThat(unknown.json().getString("message")).contains("n9");
        Response malformed = post("/chain/nodes/n%201/remove", "");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.json().getString("error")).isEqualTo("bad_node_id");
        Response otherVerb = post("/chain/nodes/n1/evict", "");
        assertThat(otherVerb.status()).isEqualTo(404);
        assertThat(otherVerb.json().getString("error")).isEqualTo("no_route");
        assertThat(get("/chain/nodes/n1/remove").status()).isEqualTo(405);
        assertThat(awaitStoredEpoch(3).chainIds()).as("nothing else changed").containsExactly("n1", "n2", "n3");
    }

    @Test
    void removing_a_chain_node_drains_it_with_202_and_removing_the_last_other_node_is_refused_with_409() {
        startMaster(membershipOf(n(1), n(2), n(3)));
        nodes.forEach(node -> node.reporting = true);
        awaitStoredEpoch(1);
        await().until(() -> n(2).lastReply.get().leaseMs() > 0);

        Response draining = post("/chain/nodes/n2/remove", "");
        assertThat(draining.status()).isEqualTo(202);
        assertThat(draining.json().fieldNames()).containsExactlyInAnyOrder("id", "state", "removeAfterMs");
        assertThat(draining.json().getString("id")).isEqualTo("n2");
        assertThat(draining.json().getString("state")).isEqualTo("draining");
        assertThat(draining.json().getLong("removeAfterMs")).isBetween(0L, LEASE_MS + LEASE_MARGIN_MS);
        Response again = post("/chain/nodes/n2/remove", "");
        assertThat(again.status()).isEqualTo(202);
        assertThat(again.json().getString("state")).isEqualTo("draining");

        ChainConfiguration next = awaitStoredEpoch(2);
        assertThat(next.chainIds()).containsExactly("n1", "n3");
        assertThat(next.learners()).as("a draining node is not taken back").isEmpty();
        await().untilAsserted(() -> assertThat(n(2).pushedEpochs()).containsExactly(1L, 2L));
        assertThat(post("/chain/nodes/n2/remove", "").json().getString("state")).isEqualTo("removed");

        assertThat(post("/chain/nodes/n1/remove", "").status()).isEqualTo(202);
        Response refused = post("/chain/nodes/n3/remove", "");
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().getString("error")).isEqualTo("chain_needs_node");
        assertThat(refused.json().getString("message")).contains("empty");
        await().untilAsserted(() -> assertThat(n(3).lastReply.get().leaseMs()).isEqualTo(LEASE_MS));
    }

    // ------------------------------------------------------------ harness

    FakeNode addNode(String id) throws IOException {
        FakeNode node = new FakeNode(id);
        node.listen();
        nodes.add(node);
        return node;
    }

    FakeNode n(int i) {
        return nodes.get(i - 1);
    }

    FakeMembership membershipOf(FakeNode... present) {
        membership = new FakeMembership(MemberInfo.master("m1", "127.0.0.1:" + masterPort),
                java.util.Arrays.stream(present).map(node -> node.member).toList());
        return membership;
    }

    @Test
    void metrics_count_configuration_changes_and_failure_detections_and_show_each_nodes_lag() throws Exception {
        startMaster(membershipOf(n(1), n(2), n(3)));
        n(3).appliedSeq = 4;
        nodes.forEach(node -> node.reporting = true);
        awaitStoredEpoch(1);
        await().until(() -> n(3).lastReply.get() != null && n(3).lastReply.get().leaseMs() > 0);

        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        Map<String, List<Sample>> first = parse(response.body());
        assertThat(value(first, "catena_master_configuration_changes_total", Map.of("master", "m1"))).isEqualTo(1);
        assertThat(value(first, "catena_master_failures_detected_total", Map.of())).isZero();
        assertThat(value(first, "catena_master_epoch", Map.of())).isEqualTo(1);
        assertThat(value(first, "catena_master_chain_nodes", Map.of())).isEqualTo(3);
        assertThat(value(first, "catena_master_node_lag_entries", Map.of("node", "n1", "role", "head"))).isZero();
        assertThat(value(first, "catena_master_node_lag_entries", Map.of("node", "n3", "role", "tail"))).isEqualTo(6);
        assertThat(value(first, "catena_master_node_applied_seq", Map.of("node", "n3"))).isEqualTo(4);
        assertThat(value(first, "catena_master_node_alive", Map.of("node", "n3"))).isEqualTo(1);
        assertThat(value(first, "catena_master_node_lease_remaining_seconds", Map.of("node", "n3"))).isPositive();
        assertThat(value(first, "catena_http_server_requests_seconds_count",
                Map.of("route", "/nodes/report", "method", "POST", "status", "200"))).isGreaterThanOrEqualTo(1);

        reporter.submit(() -> n(3).reporting = false).get();
        membership.down(n(3).member);
        awaitStoredEpoch(2);
        Map<String, List<Sample>> second = parse(get("/metrics").body());
        assertThat(value(second, "catena_master_configuration_changes_total", Map.of())).isEqualTo(2);
        assertThat(value(second, "catena_master_failures_detected_total", Map.of())).isEqualTo(1);
        assertThat(value(second, "catena_master_epoch", Map.of())).isEqualTo(2);
        assertThat(value(second, "catena_master_chain_nodes", Map.of())).isEqualTo(2);
        assertThat(value(second, "catena_master_node_lag_entries", Map.of("node", "n3", "role", "outside")))
                .isEqualTo(6);
        assertThat(second.get("catena_master_node_lag_entries")).noneMatch(sample ->
                sample.labels().get("node").equals("n3") && sample.labels().get("role").equals("tail"));
        assertThat(value(second, "catena_master_node_alive", Map.of("node", "n3"))).isZero();
    }

    /** One series of a scrape: its labels and value. */
    record Sample(Map<String, String> labels, double value) {
    }

    /** The value of the one series named {@code name} whose labels include {@code labels}. */
    static double value(Map<String, List<Sample>> scrape, String name, Map<String, String> labels) {
        List<Sample> matching = scrape.getOrDefault(name, List.of()).stream()
                .filter(sample -> sample.labels().entrySet().containsAll(labels.entrySet())).toList();
        assertThat(matching).as("series %s%s", name, labels).hasSize(1);
        return matching.get(0).value();
    }

    /** Prometheus text exposition: {@code name{label="value",...} number} per line; comments skipped. */
    static Map<String, List<Sample>> parse(String text) {
        Map<String, List<Sample>> series = new java.util.HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            String id = line.substring(0, space);
            int brace = id.indexOf('{');
            Map<String, String> labels = new java.util.HashMap<>();
            if (brace >= 0) {
                for (String pair : id.substring(brace + 1, id.length() - 1).split("\",")) {
                    int eq = pair.indexOf('=');
                    labels.put(pair.substring(0, eq), pair.substring(eq + 2).replaceAll("\"$", ""));
                }
            }
            String number = line.substring(space + 1);
            double value = number.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(number);
            series.computeIfAbsent(brace < 0 ? id : id.substring(0, brace), n -> new ArrayList<>())
                    .add(new Sample(labels, value));
        }
        return series;
    }

    @Test
    void the_event_stream_replays_installed_configurations_sends_the_chain_and_then_each_new_configuration()
            throws Exception {
        startMaster(membershipOf(n(1), n(2), n(3)));
        nodes.forEach(node -> node.reporting = true);
        awaitStoredEpoch(1);
        await().until(() -> n(3).lastReply.get() != null && n(3).lastReply.get().leaseMs() > 0);

        try (EventReader events = openEvents()) {
            assertThat(events.status()).isEqualTo(200);
            assertThat(events.contentType()).startsWith("text/event-stream");
            Event replayed = events.next();
            assertThat(replayed.name()).isEqualTo("reconfiguration");
            assertThat(replayed.json().getLong("epoch")).isEqualTo(1);
            assertThat(replayed.json().getJsonArray("chain")).containsExactly("n1", "n2", "n3");
            assertThat(replayed.json().getString("reason")).isNotBlank();
            Event first = events.next();
            assertThat(first.name()).isEqualTo("chain");
            assertThat(first.json().getLong("epoch")).isEqualTo(1);
            assertThat(ids(first.json().getJsonArray("chain"))).containsExactly("n1", "n2", "n3");
            assertThat(first.json().getJsonArray("chain").getJsonObject(0).fieldNames()).contains("role",
                    "appliedSeq", "committedSeq", "lag", "leaseLeftMs", "alive");
            assertThat(first.json().getJsonObject("master").getString("id")).isEqualTo("m1");

            reporter.submit(() -> n(3).reporting = false).get();
            membership.down(n(3).member);

            Event installed = events.nextNamed("reconfiguration");
            assertThat(installed.json().getLong("epoch")).isEqualTo(2);
            assertThat(installed.json().getJsonArray("chain")).containsExactly("n1", "n2");
            assertThat(installed.json().getString("reason")).contains("n3");
            Event after = events.nextNamed("chain");
            assertThat(after.json().getLong("epoch")).isEqualTo(2);
            assertThat(ids(after.json().getJsonArray("chain"))).containsExactly("n1", "n2");
        }
    }

    @Test
    void an_idle_event_stream_gets_a_chain_snapshot_at_least_every_second() throws Exception {
        startMaster(membershipOf(n(1), n(2), n(3)));
        nodes.forEach(node -> node.reporting = true);
        awaitStoredEpoch(1);

        try (EventReader events = openEvents()) {
            events.nextNamed("chain");
            long startNanos = System.nanoTime();
            for (int i = 0; i < 3; i++) {
                events.nextNamed("chain");
            }
            long elapsedMs = (System.nanoTime() - startNanos) / 1_000_000;
            assertThat(elapsedMs).as("ms for three more snapshots of an unchanged chain").isLessThan(3 * 1_000 + 500);
        }
    }

    @Test
    void event_streams_are_bounded_and_a_closed_one_frees_its_place() throws Exception {
        startMaster(membershipOf(n(1), n(2), n(3)));
        List<EventReader> open = new ArrayList<>();
        try {
            for (int i = 0; i < 64; i++) {
                EventReader events = openEvents();
                assertThat(events.status()).as("stream %d", i + 1).isEqualTo(200);
                events.nextNamed("chain");
                open.add(events);
            }
            try (EventReader refused = openEvents()) {
                assertThat(refused.status()).isEqualTo(503);
                assertThat(new JsonObject(refused.rest()).getString("error")).isEqualTo("too_many_streams");
            }

            open.remove(0).close();

            await().untilAsserted(() -> {
                try (EventReader again = openEvents()) {
                    assertThat(again.status()).isEqualTo(200);
                }
            });
        } finally {
            for (EventReader events : open) {
                events.close();
            }
        }
    }

    @Test
    void the_dashboard_is_one_self_contained_html_page_that_listens_to_the_event_stream() {
        startMaster(membershipOf(n(1), n(2), n(3)));

        HttpResponse<String> page = sendRaw(HttpRequest.newBuilder(uri("/")).GET());

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("default-src 'none'")
                .contains("connect-src 'self'");
        assertThat(page.body()).startsWith("<!DOCTYPE html>").contains("new EventSource(\"/events\")")
                .contains("addEventListener(\"chain\"").contains("addEventListener(\"reconfiguration\"")
                .doesNotContain("src=\"http", "href=\"http", "@import");
    }

    void startMaster(FakeMembership membership) {
        startMaster(membership, dataDir);
    }

    void startMaster(FakeMembership membership, Path masterDataDir) {
        startMaster(membership, masterDataDir, Map.of());
    }

    void startMaster(FakeMembership membership, Path masterDataDir, Map<String, String> extraSettings) {
        Map<String, String> flags = new java.util.HashMap<>(extraSettings);
        flags.putAll(Map.of(
                "http", "127.0.0.1:" + masterPort,
                "hazelcastBind", "127.0.0.1:5701",
                "dataDir", masterDataDir.toString(),
                "chainLengthMin", "3",
                "leaseMs", Long.toString(LEASE_MS),
                "leaseMarginMs", Long.toString(LEASE_MARGIN_MS),
                "reportTimeoutMs", Long.toString(REPORT_TIMEOUT_MS),
                "tickIntervalMs", "20",
                "pushTimeoutMs", "500"));
        MasterSettings settings = MasterSettings.load(new SettingsSource(Map.of(), Map.of(), flags));
        vertx.deployVerticle(new MasterRuntime(settings, new ConfigurationStore(masterDataDir), membership,
                fatal::add)).await();
    }

    ChainConfiguration awaitStoredEpoch(long epoch) {
        ConfigurationStore store = new ConfigurationStore(dataDir);
        await().until(() -> Files.exists(store.file()) && store.load().epoch() >= epoch);
        ChainConfiguration stored = store.load();
        assertThat(stored.epoch()).isEqualTo(epoch);
        return stored;
    }

    Map<String, Boolean> aliveById() {
        return flagById("alive");
    }

    Map<String, Boolean> memberById() {
        return flagById("member");
    }

    private Map<String, Boolean> flagById(String flag) {
        JsonObject chain = get("/chain").json();
        Map<String, Boolean> flags = new java.util.HashMap<>();
        for (String list : List.of("chain", "learners", "others")) {
            chain.getJsonArray(list).forEach(o -> flags.put(((JsonObject) o).getString("id"),
                    ((JsonObject) o).getBoolean(flag)));
        }
        return flags;
    }

    static List<String> ids(JsonArray nodes) {
        return nodes.stream().map(o -> ((JsonObject) o).getString("id")).toList();
    }

    Response get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    Response post(String path, String body) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + masterPort + path);
    }

    Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------ server-sent events

    record Event(String name, String data) {
        JsonObject json() {
            return new JsonObject(data);
        }
    }

    /** One {@code GET /events} stream, read event by event; every read gives up after 10 s. */
    final class EventReader implements AutoCloseable {
        private final HttpResponse<java.io.InputStream> response;
        private final java.io.BufferedReader reader;
        private final ExecutorService readerThread = Executors.newSingleThreadExecutor();

        EventReader(HttpResponse<java.io.InputStream> response) {
            this.response = response;
            this.reader = new java.io.BufferedReader(new java.io.InputStreamReader(response.body(),
                    java.nio.charset.StandardCharsets.UTF_8));
        }

        int status() {
            return response.statusCode();
        }

        String contentType() {
            return response.headers().firstValue("Content-Type").orElse("");
        }

        /** The next event; {@code retry:} and comment lines are skipped. */
        Event next() throws Exception {
            return readerThread.submit(() -> {
                String name = "message";
                StringBuilder data = new StringBuilder();
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    if (line.isEmpty() && data.length() > 0) {
                        return new Event(name, data.toString());
                    } else if (line.startsWith("event: ")) {
                        name = line.substring("event: ".length());
                    } else if (line.startsWith("data: ")) {
                        data.append(line.substring("data: ".length()));
                    }
                }
                throw new java.io.EOFException("the event stream ended");
            }).get(10, TimeUnit.SECONDS);
        }

        Event nextNamed(String name) throws Exception {
            for (Event event = next(); ; event = next()) {
                if (event.name().equals(name)) {
                    return event;
                }
            }
        }

        /** The rest of the body (for a refused stream). */
        String rest() throws Exception {
            return readerThread.submit(() -> {
                StringBuilder all = new StringBuilder();
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    all.append(line);
                }
                return all.toString();
            }).get(10, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws IOException {
            readerThread.shutdownNow();
            response.body().close();
        }
    }

    EventReader openEvents() throws Exception {
        HttpResponse<java.io.InputStream> response = http.send(HttpRequest.newBuilder(uri("/events"))
                .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        return new EventReader(response);
    }

    HttpResponse<String> sendRaw(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
