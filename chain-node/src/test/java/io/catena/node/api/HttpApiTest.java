package io.catena.node.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.catena.config.ChainConfiguration;
import io.catena.config.ControlPlaneJson;
import io.catena.config.NodeSettings;
import io.catena.config.ReportReply;
import io.catena.config.SettingsSource;
import io.catena.node.runtime.NodeRuntime;
import io.catena.node.storage.InMemoryStorage;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The node's HTTP API on a chain of one (head and tail), in process, spoken to over raw sockets so that malformed
 * requests reach the server exactly as written.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpApiTest {

    static final int VALUE_BYTES_MAX = 1024;

    Vertx vertx;
    int port;

    record Response(int status, Map<String, String> headers, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        JsonObject json() {
            return new JsonObject(text());
        }
    }

    @BeforeAll
    void startNode() throws Exception {
        port = freePort();
        int replicationPort = freePort();
        SettingsSource source = new SettingsSource(Map.of(), Map.of(), Map.of(
                "id", "n1", "chain", "n1",
                "node.n1.http", "127.0.0.1:" + port,
                "node.n1.replication", "127.0.0.1:" + replicationPort,
                "valueBytesMax", Integer.toString(VALUE_BYTES_MAX),
                "frameBytesMax", Integer.toString(1 << 20),
                "minSeqWaitMs", "200"));
        NodeSettings settings = NodeSettings.load(source);
        vertx = Vertx.vertx();
        vertx.deployVerticle(new NodeRuntime(settings, new InMemoryStorage("n1"), e -> { }))
                .await();
    }

    @AfterAll
    void stopNode() {
        vertx.close().await();
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    Response raw(String head, byte[] body) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            return read(socket.getInputStream());
        }
    }

    Response request(String method, String path, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return raw(method + " " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: "
                + bytes.length + "\r\n\r\n", bytes);
    }

    static Response read(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int headerEnd = -1;
        int contentLength = -1;
        while (true) {
            int n;
            try {
                n = in.read(buffer);
            } catch (java.net.SocketException e) {
                n = -1;
            }
            if (n < 0) {
                break;
            }
            all.write(buffer, 0, n);
            String soFar = all.toString(StandardCharsets.ISO_8859_1);
            if (headerEnd < 0 && (headerEnd = soFar.indexOf("\r\n\r\n")) >= 0) {
                contentLength = contentLength(soFar.substring(0, headerEnd));
            }
            if (headerEnd >= 0 && contentLength >= 0 && all.size() >= headerEnd + 4 + contentLength) {
                break;
            }
        }
        String text = all.toString(StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        String[] lines = text.substring(0, end).split("\r\n");
        Map<String, String> headers = new java.util.HashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(), lines[i].substring(colon + 1).trim());
        }
        byte[] bytes = all.toByteArray();
        byte[] body = java.util.Arrays.copyOfRange(bytes, end + 4, bytes.length);
        return new Response(Integer.parseInt(lines[0].split(" ")[1]), headers, body);
    }

    static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                return Integer.parseInt(line.substring(15).trim());
            }
        }
        return -1;
    }

    Response request(String method, String path, String header, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return raw(method + " " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + header
                + "\r\nContent-Length: " + bytes.length + "\r\n\r\n", bytes);
    }

    long committedSeq() throws IOException {
        return request("GET", "/status", "").json().getLong("committedSeq");
    }

    void assertJsonError(Response response, int status) {
        assertThat(response.status()).as(response.text()).isEqualTo(status);
        assertThat(response.headers().get("content-type")).isEqualTo("application/json");
        assertThat(response.json().getString("error")).isNotBlank();
        assertThat(response.json().getString("message")).isNotBlank();
    }

    @Test
    void a_put_returns_its_seq_and_a_get_returns_the_value_with_the_seq_as_etag() throws IOException {
        Response put = request("PUT", "/kv/caf%C3%A9", "hello");
        assertThat(put.status()).isEqualTo(200);
        long seq = put.json().getLong("seq");

        Response get = request("GET", "/kv/caf%C3%A9", "");

        assertThat(get.status()).isEqualTo(200);
        assertThat(get.text()).isEqualTo("hello");
        assertThat(get.headers().get("etag")).isEqualTo("\"" + seq + "\"");
    }

    @Test
    void a_delete_removes_the_key() throws IOException {
        request("PUT", "/kv/doomed", "x");

        Response delete = request("DELETE", "/kv/doomed", "");

        assertThat(delete.status()).isEqualTo(200);
        assertThat(delete.json().getLong("seq")).isPositive();
        assertJsonError(request("GET", "/kv/doomed", ""), 404);
    }

    @Test
    void a_value_of_exactly_the_limit_is_accepted() throws IOException {
        assertThat(request("PUT", "/kv/big", "v".repeat(VALUE_BYTES_MAX)).status()).isEqualTo(200);
    }

    @Test
    void bad_keys_get_400_and_change_nothing() throws IOException {
        long before = committedSeq();
        for (String path : new String[] {"/kv/", "/kv/" + "k".repeat(512), "/kv/%zz", "/kv/%C3%28", "/kv/%C0%AF",
                "/kv/%00", "/kv/a%0D%0Ab", "/kv/a/b", "/kv/.."}) {
            assertJsonError(request("PUT", path, "x"), 400);
        }
        assertThat(committedSeq()).isEqualTo(before);
    }

    @Test
    void a_value_over_the_limit_gets_413_and_changes_nothing() throws IOException {
        long before = committedSeq();

        assertJsonError(request("PUT", "/kv/too-big", "v".repeat(VALUE_BYTES_MAX + 1)), 413);

        assertThat(committedSeq()).isEqualTo(before);
        assertJsonError(request("GET", "/kv/too-big", ""), 404);
    }

    @Test
    void a_chunked_value_over_the_limit_is_refused_while_it_streams() throws IOException {
        long before = committedSeq();
        String chunk = "v".repeat(600);
        String body = Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n"
                + Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n0\r\n\r\n";

        Response response = raw("PUT /kv/chunked HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n",
                body.getBytes(StandardCharsets.ISO_8859_1));

        assertJsonError(response, 413);
        assertThat(committedSeq()).isEqualTo(before);
    }

    @Test
    void a_declared_length_over_the_limit_is_refused_before_the_body_is_read() throws IOException {
        Response response = raw("PUT /kv/huge HTTP/1.1\r\nHost: x\r\nContent-Length: 104857600\r\n\r\n",
                new byte[0]);

        assertJsonError(response, 413);
    }

    @Test
    void non_numeric_and_negative_content_lengths_get_400_json() throws IOException {
        long before = committedSeq();
        for (String length : new String[] {"abc", "-1", "12abc"}) {
            Response response = raw("PUT /kv/cl HTTP/1.1\r\nHost: x\r\nContent-Length: " + length + "\r\n\r\nxyz",
                    new byte[0]);
            assertJsonError(response, 400);
        }
        assertThat(committedSeq()).isEqualTo(before);
    }

    @Test
    void an_unknown_method_gets_405_with_the_allowed_ones() throws IOException {
        Response response = request("BREW", "/kv/a", "");

        assertJsonError(response, 405);
        assertThat(response.headers().get("allow")).contains("GET", "PUT", "DELETE");
    }

    @Test
    void an_unknown_path_gets_404_json() throws IOException {
        assertJsonError(request("GET", "/nope", ""), 404);
    }

    @Test
    void status_reports_identity_role_and_positions() throws IOException {
        JsonObject status = request("GET", "/status", "").json();

        assertThat(status.getString("id")).isEqualTo("n1");
        assertThat(status.getString("role")).isEqualTo("sole");
        assertThat(status.getLong("epoch")).isEqualTo(1);
        assertThat(status.getLong("pid")).isEqualTo(ProcessHandle.current().pid());
        assertThat(status.getLong("appliedSeq")).isGreaterThanOrEqualTo(status.getLong("committedSeq"));
    }

    @Test
    void a_scan_pages_through_a_prefix_in_key_order() throws IOException {
        for (String key : new String[] {"scan%2Fb", "scan%2Fa", "scan%2Fc", "scanx"}) {
            assertThat(request("PUT", "/kv/" + key, "v-" + key).status()).isEqualTo(200);
        }

        JsonObject first = request("GET", "/kv?prefix=scan%2F&limit=2", "").json();
        assertThat(first.getJsonArray("items").stream().map(item -> ((JsonObject) item).getString("key")))
                .containsExactly("scan/a", "scan/b");
        assertThat(first.getString("next")).isEqualTo("scan/b");
        assertThat(new String(java.util.Base64.getDecoder().decode(
                first.getJsonArray("items").getJsonObject(0).getString("value")), StandardCharsets.UTF_8))
                .isEqualTo("v-scan%2Fa");

        JsonObject second = request("GET", "/kv?prefix=scan%2F&limit=2&after=scan%2Fb&values=false", "").json();
        assertThat(second.getJsonArray("items")).hasSize(1);
        assertThat(second.getJsonArray("items").getJsonObject(0).getString("key")).isEqualTo("scan/c");
        assertThat(second.getJsonArray("items").getJsonObject(0).containsKey("value")).isFalse();
        assertThat(second.getValue("next")).isNull();
    }

    @Test
    void bad_scan_parameters_get_400_json() throws IOException {
        for (String query : new String[] {"limit=-1", "limit=0", "limit=ten", "after=%zz", "prefix=%C3%28",
                "values=maybe", "limit=1&limit=2", "colour=red"}) {
            assertJsonError(request("GET", "/kv?" + query, ""), 400);
        }
    }

    @Test
    void a_scan_limit_above_the_maximum_is_capped_and_says_so() throws IOException {
        JsonObject answer = request("GET", "/kv?limit=1000000", "").json();

        assertThat(answer.getInteger("limit")).isEqualTo(1000);
    }

    @Test
    void a_write_says_which_ack_level_it_met() throws IOException {
        JsonObject answer = request("PUT", "/kv/acked?ack=head", "x").json();

        assertThat(answer.getLong("seq")).isPositive();
        assertThat(answer.getString("ack")).as("a chain of one meets head by committing").isEqualTo("all");
    }

    @Test
    void if_none_match_creates_a_key_once_and_then_fails_with_412_and_the_current_seq() throws IOException {
        Response created = request("PUT", "/kv/once", "If-None-Match: *", "first");
        assertThat(created.status()).isEqualTo(200);

        Response again = request("PUT", "/kv/once", "If-None-Match: *", "second");

        assertJsonError(again, 412);
        assertThat(again.json().getLong("currentSeq")).isEqualTo(created.json().getLong("seq"));
        assertThat(request("GET", "/kv/once", "").text()).isEqualTo("first");
    }

    @Test
    void if_match_succeeds_only_against_the_current_seq() throws IOException {
        long first = request("PUT", "/kv/cas", "1").json().getLong("seq");
        long second = request("PUT", "/kv/cas", "If-Match: \"" + first + "\"", "2").json().getLong("seq");

        Response stale = request("PUT", "/kv/cas", "If-Match: \"" + first + "\"", "3");
        Response staleDelete = request("DELETE", "/kv/cas", "If-Match: \"" + first + "\"", "");

        assertJsonError(stale, 412);
        assertJsonError(staleDelete, 412);
        assertThat(stale.headers().get("etag")).isEqualTo("\"" + second + "\"");
        assertThat(request("GET", "/kv/cas", "").text()).isEqualTo("2");
        assertThat(request("DELETE", "/kv/cas", "If-Match: \"" + second + "\"", "").status()).isEqualTo(200);
        assertJsonError(request("PUT", "/kv/cas", "If-Match: *", "4"), 412);
    }

    @Test
    void bad_ack_levels_and_preconditions_get_400_and_change_nothing() throws IOException {
        request("PUT", "/kv/guarded", "x");
        long before = committedSeq();
        for (String query : new String[] {"ack=0", "ack=99", "ack=2", "ack=-1", "ack=all1", "ack=", "ack=head&ack=all",
                "acks=all"}) {
            assertJsonError(request("PUT", "/kv/guarded?" + query, "y"), 400);
            assertJsonError(request("DELETE", "/kv/guarded?" + query, ""), 400);
        }
        for (String header : new String[] {"If-Match: 42", "If-Match: \"abc\"", "If-Match: \"0\"", "If-Match: W/\"1\"",
                "If-None-Match: \"5\"", "If-Match: *\r\nIf-None-Match: *"}) {
            assertJsonError(request("PUT", "/kv/guarded", header, "y"), 400);
        }
        assertThat(committedSeq()).isEqualTo(before);
        assertThat(request("GET", "/kv/guarded", "").text()).isEqualTo("x");
    }

    @Test
    void bad_read_levels_get_400_json() throws IOException {
        for (String query : new String[] {"consistency=linearizable", "consistency=any&min_seq=abc",
                "consistency=any&min_seq=-1", "consistency=strong&min_seq=1", "min_seq=1", "consistency=any&x=1",
                "consistency=any&consistency=strong"}) {
            assertJsonError(request("GET", "/kv/a?" + query, ""), 400);
        }
    }

    @Test
    void a_min_seq_read_answers_once_committed_that_far_and_503_with_the_committed_seq_after_the_wait()
            throws IOException {
        long seq = request("PUT", "/kv/ryw", "mine").json().getLong("seq");

        Response caughtUp = request("GET", "/kv/ryw?consistency=any&min_seq=" + seq, "");
        Response ahead = request("GET", "/kv/ryw?consistency=any&min_seq=" + (seq + 1_000_000), "");

        assertThat(caughtUp.text()).isEqualTo("mine");
        assertJsonError(ahead, 503);
        assertThat(ahead.json().getLong("committedSeq")).isGreaterThanOrEqualTo(seq);
    }

    @Test
    void a_strong_read_at_a_sole_node_is_served_locally() throws IOException {
        request("PUT", "/kv/strong", "s");

        Response read = request("GET", "/kv/strong?consistency=strong", "");

        assertThat(read.text()).isEqualTo("s");
        assertThat(read.headers().get("x-catena-read")).isEqualTo("local");
    }

    @Test
    void ready_answers_200_on_a_node_in_its_configuration_with_a_lease() throws IOException {
        Response ready = request("GET", "/ready", "");

        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().getBoolean("ready")).isTrue();
        assertThat(ready.json().getString("role")).isEqualTo("sole");
        assertThat(ready.json().getLong("epoch")).isEqualTo(1);
        assertThat(ready.json().getLong("leaseLeftMs")).isPositive();
    }

    @Test
    void ready_answers_503_outside_any_configuration_and_once_the_masters_lease_runs_out() throws Exception {
        FakeMaster master = new FakeMaster(freePort());
        vertx.createHttpServer().requestHandler(master::answer).listen(master.port, "127.0.0.1").await();
        int nodePort = freePort();
        NodeSettings settings = NodeSettings.load(new SettingsSource(Map.of(), Map.of(), Map.of(
                "id", "n9",
                "http", "127.0.0.1:" + nodePort,
                "replication", "127.0.0.1:" + freePort(),
                "masterHttp", "127.0.0.1:" + master.port,
                "hazelcastBind", "127.0.0.1:" + freePort(),
                "reportIntervalMs", "20")));
        Vertx nodeVertx = Vertx.vertx();
        try {
            nodeVertx.deployVerticle(new NodeRuntime(settings, new InMemoryStorage("n9"), e -> { })).await();
            await().until(() -> master.reports.get() > 0);
            Response outside = getAt(nodePort, "/ready");
            assertJsonError(outside, 503);
            assertThat(outside.json().getString("error")).isEqualTo("not_ready");
            assertThat(outside.json().getString("role")).isEqualTo("outside");
            assertThat(outside.headers().get("retry-after")).isEqualTo("1");

            master.reply.set(new ReportReply(ChainConfiguration.of(1, List.of(settings.self())), 300, "m1"));
            await().until(() -> getAt(nodePort, "/ready").status() == 200);
            assertThat(getAt(nodePort, "/ready").json().getString("role")).isEqualTo("sole");

            master.reply.set(new ReportReply(ChainConfiguration.of(1, List.of(settings.self())), 0, "m1"));
            await().until(() -> getAt(nodePort, "/ready").status() == 503);
            Response lapsed = getAt(nodePort, "/ready");
            assertJsonError(lapsed, 503);
            assertThat(lapsed.json().getString("role")).isEqualTo("sole");
            assertThat(lapsed.json().getLong("leaseLeftMs")).isZero();
        } finally {
            nodeVertx.close().await();
        }
    }

    /** Answers every node report with {@link #reply}: no configuration and no lease until a test sets one. */
    static final class FakeMaster {
        final int port;
        final AtomicInteger reports = new AtomicInteger();
        final AtomicReference<ReportReply> reply = new AtomicReference<>(
                new ReportReply(ChainConfiguration.NONE, 0, "m1"));

        FakeMaster(int port) {
            this.port = port;
        }

        void answer(HttpServerRequest request) {
            request.body().onSuccess(body -> {
                reports.incrementAndGet();
                request.response().putHeader("Content-Type", "application/json")
                        .end(ControlPlaneJson.toJson(reply.get()).encode());
            });
        }
    }

    Response getAt(int atPort, String path) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", atPort)) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            return read(socket.getInputStream());
        }
    }
}
