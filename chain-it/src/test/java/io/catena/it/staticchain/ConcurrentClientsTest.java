package io.catena.it.staticchain;

import static org.assertj.core.api.Assertions.assertThat;

import io.catena.check.Call;
import io.catena.check.History;
import io.catena.check.Linearizability;
import io.catena.check.Output;
import io.catena.check.Report;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Many clients at once on three real processes: compare-and-set increments, and strong reads at every node. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConcurrentClientsTest {

    @RegisterExtension
    final ChainProcesses chain = ChainProcesses.ofNodes(3);

    static final int CAS_CLIENTS = 8;
    static final int INCREMENTS_PER_CLIENT = 15;

    @Test
    @DisplayName("8 clients incrementing one counter with If-Match lose no update")
    void compareAndSetIncrementsLoseNoUpdate() throws Exception {
        chain.start();
        AtomicInteger conflicts = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(CAS_CLIENTS);
        List<Future<Integer>> done = new ArrayList<>();
        for (int c = 0; c < CAS_CLIENTS; c++) {
            done.add(clients.submit(() -> {
                int applied = 0;
                while (applied < INCREMENTS_PER_CLIENT) {
                    HttpResponse<String> read = chain.request("n3", "GET", "/kv/counter", null);
                    int value = read.statusCode() == 404 ? 0 : Integer.parseInt(read.body());
                    String[] condition = read.statusCode() == 404 ? new String[] {"If-None-Match", "*"}
                            : new String[] {"If-Match", read.headers().firstValue("ETag").orElseThrow()};
                    HttpResponse<String> write = chain.request("n1", "PUT", "/kv/counter",
                            Integer.toString(value + 1), condition);
                    if (write.statusCode() == 200) {
                        applied++;
                    } else {
                        assertThat(write.statusCode()).as(write.body()).isEqualTo(412);
                        conflicts.incrementAndGet();
                    }
                }
                return applied;
            }));
        }
        int total = 0;
        for (Future<Integer> client : done) {
            total += client.get(100, TimeUnit.SECONDS);
        }
        clients.shutdown();

        assertThat(total).isEqualTo(CAS_CLIENTS * INCREMENTS_PER_CLIENT);
        assertThat(Integer.parseInt(chain.request("n3", "GET", "/kv/counter", null).body())).isEqualTo(total);
        System.out.printf("CAS: %d increments applied, %d conflicts answered 412%n", total, conflicts.get());
    }

    @Test
    @DisplayName("strong reads at head, middle and tail during a write load are linearizable and never go backwards")
    void strongReadsAtEveryNodeAreLinearizable() throws Exception {
        chain.start();
        History history = new History();
        AtomicBoolean running = new AtomicBoolean(true);
        List<String> keys = List.of("r0", "r1", "r2");
        ExecutorService clients = Executors.newFixedThreadPool(6);
        List<Future<?>> done = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            int client = w;
            done.add(clients.submit(() -> write(history, client, keys, running)));
        }
        for (String node : new String[] {"n1", "n2", "n3"}) {
            int client = 10 + done.size();
            done.add(clients.submit(() -> strongReads(history, client, node, keys, running)));
        }
        Thread.sleep(4_000);
        running.set(false);
        for (Future<?> client : done) {
            client.get(30, TimeUnit.SECONDS);
        }
        clients.shutdown();

        Report report = new Linearizability().checkAll(history);
        assertThat(report.isOk()).as(report.render()).isTrue();
        System.out.println("strong reads: " + report);
    }

    private Void write(History history, int client, List<String> keys, AtomicBoolean running) {
        for (int i = 0; running.get(); i++) {
            String key = keys.get(i % keys.size());
            String value = "w" + client + "-" + i;
            int id = history.invoke(client, Call.write(key, value), System.nanoTime());
            HttpResponse<String> answer = chain.request("n1", "PUT", "/kv/" + key, value);
            if (answer.statusCode() == 200) {
                history.ok(id, Output.written(new JsonObject(answer.body()).getLong("seq")), System.nanoTime());
            } else {
                history.info(id);
            }
        }
        return null;
    }

    /** Reads at one node; per key the versions seen never go backwards (checked here and by the checker). */
    private Void strongReads(History history, int client, String node, List<String> keys, AtomicBoolean running) {
        Map<String, Long> lastSeen = new HashMap<>();
        for (int i = 0; running.get(); i++) {
            String key = keys.get(i % keys.size());
            int id = history.invoke(client, Call.read(key), System.nanoTime());
            HttpResponse<String> answer = chain.request(node, "GET", "/kv/" + key + "?consistency=strong", null);
            long now = System.nanoTime();
            if (answer.statusCode() == 404) {
                history.ok(id, Output.absent(), now);
                assertThat(lastSeen.get(key)).as("%s at %s: absent after a value", key, node).isNull();
            } else if (answer.statusCode() == 200) {
                String etag = answer.headers().firstValue("ETag").orElseThrow();
                long version = Long.parseLong(etag.substring(1, etag.length() - 1));
                history.ok(id, Output.read(answer.body(), version), now);
                assertThat(version).as("%s at %s went backwards", key, node)
                        .isGreaterThanOrEqualTo(lastSeen.getOrDefault(key, 0L));
                lastSeen.put(key, version);
            } else {
                history.fail(id, now);
            }
        }
        return null;
    }
}
