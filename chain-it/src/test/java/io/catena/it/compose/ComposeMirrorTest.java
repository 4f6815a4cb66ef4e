package io.catena.it.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.catena.config.HostPort;
import io.catena.config.SettingsSource;
import io.catena.it.compose.ComposeFile.Service;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * docker/docker-compose.yml and docker/Dockerfile, checked without a Docker engine: every setting the compose
 * file gives is one the process reads, and its services, run as local processes with the same commands and
 * settings ({@link ComposeMirror}), play docker/README.md's walk-through.
 */
class ComposeMirrorTest {

    @RegisterExtension
    final ComposeMirror mirror = ComposeMirror.ofThisRepository();

    @Test
    void every_catena_variable_of_every_service_is_a_setting_its_process_reads() {
        for (Service service : mirror.compose.services()) {
            assertThat(mirror.unreadVariables(service, service.environment()))
                    .as("CATENA_* variables of %s that no setting reads", service.name()).isEmpty();
        }
    }

    @Test
    void a_variable_that_no_setting_reads_is_reported_as_drift() {
        Service node = mirror.compose.service("node-1");
        Map<String, String> drifted = new LinkedHashMap<>(node.environment());
        drifted.put("CATENA_HTTP_PORT", "8080");

        assertThat(mirror.unreadVariables(node, drifted)).contains("CATENA_HTTP_PORT");
    }

    @Test
    void every_service_keeps_its_data_dir_on_a_named_volume_and_publishes_only_its_http_port() {
        for (Service service : mirror.compose.services()) {
            String dataDir = service.environment().get(SettingsSource.envName("dataDir"));
            assertThat(service.volumes().keySet()).as("volume mount points of %s", service.name())
                    .anySatisfy(target -> assertThat(dataDir).startsWith(target));
            int httpPort = HostPort.parse(service.environment().get(SettingsSource.envName("http"))).port();
            assertThat(service.publishedContainerPorts()).as("published ports of %s", service.name())
                    .containsOnly(httpPort);
        }
    }

    @Test
    void the_compose_services_as_local_processes_serve_fail_over_add_a_node_and_take_a_node_back() {
        mirror.upDefaultServices();
        List<String> defaults = mirror.compose.services().stream().filter(Service::startsByDefault)
                .map(Service::name).toList();
        defaults.forEach(mirror::awaitHealthy);
        assertThat(chainIds()).containsExactly(id("node-1"), id("node-2"), id("node-3"));
        assertThat(mirror.put(headHttp(), "greeting", "hello").statusCode()).isEqualTo(200);
        assertThat(readAtTail("greeting")).isEqualTo("hello");

        mirror.kill("node-2");
        awaitChain(id("node-1"), id("node-3"));
        assertThat(mirror.put(headHttp(), "after-kill", "still here").statusCode()).isEqualTo(200);

        mirror.start("node-4");
        mirror.awaitHealthy("node-4");
        awaitChain(id("node-1"), id("node-3"), id("node-4"));
        assertThat(readAtTail("greeting")).isEqualTo("hello");

        mirror.start("node-2");
        mirror.awaitHealthy("node-2");
        awaitChain(id("node-1"), id("node-3"), id("node-4"), id("node-2"));
        assertThat(tailHttp()).isEqualTo(mirror.localAddress(mirror.compose.service("node-2"),
                mirror.compose.service("node-2").environment().get("CATENA_HTTP")));
        assertThat(readAtTail("after-kill")).isEqualTo("still here");
        for (Service service : mirror.compose.services()) {
            assertThat(mirror.get(hostPortOf(mirror.healthUrl(service.name())), "/ready").statusCode())
                    .as("/ready of %s", service.name()).isEqualTo(200);
        }
    }

    // ------------------------------------------------------------ the master's view

    String id(String service) {
        return mirror.compose.service(service).environment().get(SettingsSource.envName("id"));
    }

    String masterHttp() {
        Service master = mirror.compose.service("master");
        return mirror.localAddress(master, master.environment().get(SettingsSource.envName("http")));
    }

    JsonArray chain() {
        return mirror.getJson(masterHttp(), "/chain").getJsonArray("chain");
    }

    List<String> chainIds() {
        List<String> ids = new ArrayList<>();
        chain().forEach(node -> ids.add(((JsonObject) node).getString("id")));
        return ids;
    }

    String headHttp() {
        return chain().getJsonObject(0).getString("http");
    }

    String tailHttp() {
        JsonArray chain = chain();
        return chain.getJsonObject(chain.size() - 1).getString("http");
    }

    /** Waits until the master's chain is exactly {@code ids} (head first) and every node of it is ready. */
    void awaitChain(String... ids) {
        await("the master's chain is " + List.of(ids)).atMost(ComposeMirror.START_TIMEOUT)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> chainIds().equals(List.of(ids)) && allReady(chain()));
    }

    boolean allReady(JsonArray chain) {
        for (int i = 0; i < chain.size(); i++) {
            if (mirror.get(chain.getJsonObject(i).getString("http"), "/ready").statusCode() != 200) {
                return false;
            }
        }
        return true;
    }

    /** The value at the tail; a new tail answers 503 (retry) until it has learnt the commit point. */
    String readAtTail(String key) {
        HttpResponse<String> read = await("the tail serves " + key).atMost(ComposeMirror.START_TIMEOUT)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> mirror.get(tailHttp(), "/kv/" + key), response -> response.statusCode() != 503);
        assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
        return read.body();
    }

    static String hostPortOf(String url) {
        String rest = url.substring("http://".length());
        return rest.substring(0, rest.indexOf('/'));
    }
}
