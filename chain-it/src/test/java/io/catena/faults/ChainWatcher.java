package io.catena.faults;

import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;

/**
 * Polls the master's {@code GET /chain} every {@link #POLL_MS} from its own address and keeps every configuration
 * it saw, with the time it first saw it: the clients ask it where the head and the tail are, and the checks ask
 * it which epochs existed when. While the master cannot be asked, the last configuration seen stands.
 */
final class ChainWatcher implements AutoCloseable {

    static final long POLL_MS = 100;
    static final Duration FIRST_CONFIGURATION_MAX = Duration.ofSeconds(30);

    /** A configuration as first seen: {@code seenNs} is {@link System#nanoTime()} when the poll returned. */
    record Seen(long seenNs, long epoch, List<String> chain, List<String> http, List<String> learners) {

        String headHttp() {
            return http.get(0);
        }

        String tailHttp() {
            return http.get(http.size() - 1);
        }

        String head() {
            return chain.get(0);
        }
    }

    private final BoundHttp http;
    private final String masterHttp;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private volatile Seen latest;
    private volatile boolean stopped;
    private final Thread thread;

    ChainWatcher(BoundHttp http, String masterHttp) {
        this.http = http;
        this.masterHttp = masterHttp;
        this.thread = new Thread(this::run, "fault-chain-watcher");
        thread.setDaemon(true);
        await("the master names a chain").atMost(FIRST_CONFIGURATION_MAX).pollInterval(Duration.ofMillis(POLL_MS))
                .until(() -> {
                    poll();
                    return latest != null;
                });
        thread.start();
    }

    Seen latest() {
        return latest;
    }

    List<Seen> history() {
        return List.copyOf(seen);
    }

    /** The newest configuration first seen strictly before {@code ns}. */
    Optional<Seen> before(long ns) {
        Seen result = null;
        for (Seen s : seen) {
            if (s.seenNs() < ns) {
                result = s;
            }
        }
        return Optional.ofNullable(result);
    }

    private void run() {
        while (!stopped) {
            poll();
            LockSupport.parkNanos(POLL_MS * 1_000_000);
        }
    }

    private void poll() {
        try {
            JsonObject chain = new JsonObject(http.getOk(masterHttp, "/chain"));
            long epoch = chain.getLong("epoch");
            if (latest == null || epoch != latest.epoch() || !learners(chain).equals(latest.learners())) {
                Seen now = new Seen(System.nanoTime(), epoch, field(chain, "chain", "id"), field(chain, "chain", "http"),
                        learners(chain));
                if (!now.chain().isEmpty()) {
                    seen.add(now);
                    latest = now;
                }
            }
        } catch (BoundHttp.NoReply | RuntimeException e) {
            // the master is down, paused or cut off: keep the last configuration seen
        }
    }

    private static List<String> learners(JsonObject chain) {
        return chain.containsKey("learners") ? field(chain, "learners", "id") : List.of();
    }

    private static List<String> field(JsonObject chain, String array, String name) {
        JsonArray nodes = chain.getJsonArray(array, new JsonArray());
        List<String> values = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            values.add(nodes.getJsonObject(i).getString(name));
        }
        return values;
    }

    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
    }
}
