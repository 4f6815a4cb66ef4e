package io.catena.node.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.catena.config.NodeSettings;
import io.catena.config.SettingsSource;
import io.catena.config.SyncPolicy;
import io.catena.node.runtime.NodeRuntime;
import io.catena.node.storage.LmdbStorage;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /metrics} on a static chain n1 -> n2 in process, on LMDB: a write acknowledged by the head alone while
 * the tail is down shows as replication lag, the tail's arrival commits it, and a restarted tail is a reconnect.
 */
class MetricsTest {

    @TempDir
    Path dataDir;

    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    final Map<String, String> chain = new HashMap<>();
    Vertx headVertx;
    Vertx tailVertx;
    int headPort;
    int tailPort;

    /** One series of a scrape: its labels and value. */
    record Sample(Map<String, String> labels, double value) {
    }

    @BeforeEach
    void startHead() throws Exception {
        headPort = freePort();
        tailPort = freePort();
        chain.putAll(Map.of("chain", "n1,n2",
                "node.n1.http", "127.0.0.1:" + headPort, "node.n1.replication", "127.0.0.1:" + freePort(),
                "node.n2.http", "127.0.0.1:" + tailPort, "node.n2.replication", "127.0.0.1:" + freePort(),
                "reconnectDelayMs", "20"));
        headVertx = start("n1");
    }

    @AfterEach
    void stopNodes() {
        if (headVertx != null) {
            headVertx.close().await();
        }
        if (tailVertx != null) {
            tailVertx.close().await();
        }
    }

    @Test
    void a_write_the_tail_has_not_got_is_lag_in_entries_and_seconds_until_the_tail_commits_it() throws Exception {
        assertThat(send("PUT", headPort, "/kv/a?ack=head", "1").statusCode()).isEqualTo(200);

        Map<String, List<Sample>> head = scrape(headPort);
        assertThat(value(head, "catena_node_applied_seq")).isEqualTo(1);
        assertThat(value(head, "catena_node_committed_seq")).isZero();
        assertThat(value(head, "catena_replication_lag_entries")).isEqualTo(1);
        assertThat(value(head, "catena_replication_successor_lag_entries")).isEqualTo(1);
        await().until(() -> value(scrape(headPort), "catena_replication_lag_seconds") > 0);
        await().until(() -> value(scrape(headPort), "catena_link_connect_failures_total") >= 1);

        tailVertx = start("n2");
        await().until(() -> value(scrape(headPort), "catena_node_committed_seq") == 1);
        head = scrape(headPort);
        assertThat(value(head, "catena_replication_lag_entries")).isZero();
        assertThat(value(head, "catena_replication_lag_seconds")).isZero();
        assertThat(value(head, "catena_replication_successor_lag_entries")).isZero();
        assertThat(value(head, "catena_link_connects_total")).isEqualTo(1);
        assertThat(value(head, "catena_link_reconnects_total")).isZero();
        Map<String, List<Sample>> tail = scrape(tailPort);
        assertThat(value(tail, "catena_node_applied_seq")).isEqualTo(1);
        assertThat(value(tail, "catena_node_committed_seq")).isEqualTo(1);
        assertThat(value(tail, "catena_link_accepted_total")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void a_restarted_successor_counts_as_a_reconnect() throws Exception {
        tailVertx = start("n2");
        await().until(() -> value(scrape(headPort), "catena_link_connects_total") == 1);
        tailVertx.close().await();
        tailVertx = start("n2");
        await().until(() -> value(scrape(headPort), "catena_link_reconnects_total") >= 1);
        assertThat(send("PUT", headPort, "/kv/a", "1").statusCode()).isEqualTo(200);
    }

    @Test
    void the_scrape_has_node_gauges_storage_and_request_histograms_in_prometheus_text() throws Exception {
        tailVertx = start("n2");
        await().until(() -> send("PUT", headPort, "/kv/a", "1").statusCode() == 200);
        assertThat(send("GET", headPort, "/no/such/path", "").statusCode()).isEqualTo(404);

        HttpResponse<String> response = send("GET", headPort, "/metrics", "");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(response.body()).contains("# TYPE catena_http_server_requests_seconds histogram");
        Map<String, List<Sample>> head = parse(response.body());
        assertThat(value(head, "catena_node_epoch")).isEqualTo(1);
        assertThat(value(head, "catena_node_ready")).isEqualTo(1);
        assertThat(value(head, "catena_node_lease_remaining_seconds")).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(head.get("catena_node_applied_seq").get(0).labels()).containsEntry("node", "n1");

        Map<String, String> put = Map.of("route", "/kv/{key}", "method", "PUT", "status", "200");
        assertThat(value(head, "catena_http_server_requests_seconds_count", put)).isGreaterThanOrEqualTo(1);
        assertThat(value(head, "catena_http_server_requests_seconds_sum", put)).isPositive();
        assertThat(head.get("catena_http_server_requests_seconds_bucket")).anyMatch(s ->
                s.labels().entrySet().containsAll(put.entrySet()) && s.labels().get("le").equals("+Inf")
                        && s.value() >= 1);
        assertThat(value(head, "catena_http_server_requests_seconds_count",
                Map.of("route", "none", "method", "GET", "status", "404"))).isEqualTo(1);

        assertThat(value(head, "catena_storage_batch_entries_count")).isGreaterThanOrEqualTo(1);
        assertThat(value(head, "catena_storage_batch_entries_sum")).isGreaterThanOrEqualTo(1);
        assertThat(value(head, "catena_storage_batch_bytes_sum")).isPositive();
        assertThat(value(head, "catena_storage_commit_seconds_count")).isGreaterThanOrEqualTo(1);
        assertThat(head.get("catena_storage_commit_seconds_bucket")).isNotEmpty();
    }

    // ------------------------------------------------------------ helpers

    Vertx start(String id) throws Exception {
        Map<String, String> values = new HashMap<>(chain);
        values.put("id", id);
        NodeSettings settings = NodeSettings.load(new SettingsSource(Map.of(), Map.of(), values));
        LmdbStorage storage = LmdbStorage.open(dataDir.resolve(id), id, SyncPolicy.SYNC, 64L << 20, 1024, 1L << 20);
        Vertx vertx = Vertx.vertx();
        vertx.deployVerticle(new NodeRuntime(settings, storage, e -> { })).await();
        return vertx;
    }

    HttpResponse<String> send(String method, int port, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    Map<String, List<Sample>> scrape(int port) throws Exception {
        HttpResponse<String> response = send("GET", port, "/metrics", "");
        assertThat(response.statusCode()).isEqualTo(200);
        return parse(response.body());
    }

    /** The value of the one series named {@code name} whose labels include {@code labels}. */
    static double value(Map<String, List<Sample>> scrape, String name, Map<String, String> labels) {
        List<Sample> matching = scrape.getOrDefault(name, List.of()).stream()
                .filter(sample -> sample.labels().entrySet().containsAll(labels.entrySet())).toList();
        assertThat(matching).as("series %s%s", name, labels).hasSize(1);
        return matching.get(0).value();
    }

    static double value(Map<String, List<Sample>> scrape, String name) {
        return value(scrape, name, Map.of());
    }

    /** Prometheus text exposition: {@code name{label="value",...} number} per line; comments skipped. */
    static Map<String, List<Sample>> parse(String text) {
        Map<String, List<Sample>> series = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            String id = line.substring(0, space);
            int brace = id.indexOf('{');
            String name = brace < 0 ? id : id.substring(0, brace);
            Map<String, String> labels = new HashMap<>();
            if (brace >= 0) {
                for (String pair : id.substring(brace + 1, id.length() - 1).split("\",")) {
                    int eq = pair.indexOf('=');
                    labels.put(pair.substring(0, eq), pair.substring(eq + 2).replaceAll("\"$", ""));
                }
            }
            String number = line.substring(space + 1);
            double value = switch (number) {
                case "+Inf" -> Double.POSITIVE_INFINITY;
                case "-Inf" -> Double.NEGATIVE_INFINITY;
                default -> Double.parseDouble(number);
            };
            series.computeIfAbsent(name, n -> new ArrayList<>()).add(new Sample(labels, value));
        }
        return series;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
