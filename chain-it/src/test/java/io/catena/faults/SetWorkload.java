package io.catena.faults;

import io.catena.it.KeyPath;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Inserts of unique keys ({@code set/c<client>/<i>}, each written once) at the head; at the end the set is read
 * back with the tail's scan ({@code GET /kv?prefix=set/}) and every acknowledged insert must be there with its
 * value, no key twice, and no key that was never sent.
 */
final class SetWorkload {

    static final String PREFIX = "set/";
    static final int SCAN_PAGE = 200;
    static final int SCAN_ATTEMPTS = 3;

    private final Recorder recorder;
    private final ChainClient[] clients;
    private final Map<String, String> acknowledged = new ConcurrentHashMap<>();
    private final Set<String> attempted = ConcurrentHashMap.newKeySet();

    SetWorkload(Recorder recorder, ChainClient[] clients) {
        this.recorder = recorder;
        this.clients = clients;
    }

    int clientCount() {
        return clients.length;
    }

    boolean step(int client, long i) {
        String key = PREFIX + "c" + client + "/" + i;
        String value = "v" + i;
        attempted.add(key);
        long invokedNs = System.nanoTime();
        try {
            ChainClient.Answer answer = clients[client].put(key, value);
            if (answer.status() == 200) {
                acknowledged.put(key, value);
                recorder.acknowledged(key, invokedNs, answer.node(), RegisterWorkload.seqOf(answer));
                recorder.okOp(invokedNs);
                return true;
            }
            recorder.count(answer.status() == 504 ? "info" : "fail");
        } catch (BoundHttp.NoReply e) {
            recorder.count(e.sent() ? "info" : "fail");
        }
        return false;
    }

    /** One page of the scan; a page that gets no answer is asked again, {@link #SCAN_ATTEMPTS} times at most. */
    private static ChainClient.Answer scanPage(ChainClient reader, String path) throws BoundHttp.NoReply {
        for (int attempt = 1; ; attempt++) {
            try {
                ChainClient.Answer answer = reader.getAtTail(path);
                if (answer.status() != 200) {
                    throw new IllegalStateException("scan " + path + " at " + answer.node() + " answered "
                            + answer.status() + ": " + answer.reply().body());
                }
                return answer;
            } catch (BoundHttp.NoReply e) {
                System.out.println("faults: scan " + path + ", attempt " + attempt + ": " + e);
                if (attempt == SCAN_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    int acknowledgedCount() {
        return acknowledged.size();
    }

    /** What the final scan found wrong: lost, duplicated, changed or phantom keys; empty if nothing. */
    List<String> check(ChainClient reader) throws BoundHttp.NoReply {
        List<String> problems = new ArrayList<>();
        Map<String, String> found = new HashMap<>();
        Set<String> seen = new HashSet<>();
        String after = null;
        do {
            String path = "/kv?prefix=" + KeyPath.encode(PREFIX) + "&limit=" + SCAN_PAGE
                    + (after == null ? "" : "&after=" + KeyPath.encode(after));
            ChainClient.Answer answer = scanPage(reader, path);
            JsonObject page = new JsonObject(answer.reply().body());
            JsonArray items = page.getJsonArray("items");
            for (int i = 0; i < items.size(); i++) {
                JsonObject item = items.getJsonObject(i);
                String key = item.getString("key");
                if (!seen.add(key)) {
                    problems.add("duplicate key in the scan: " + key);
                }
                found.put(key, new String(Base64.getDecoder().decode(item.getString("value")), StandardCharsets.UTF_8));
            }
            after = page.getString("next");
        } while (after != null);
        acknowledged.forEach((key, value) -> {
            if (!found.containsKey(key)) {
                problems.add("lost: acknowledged insert " + key + " is missing");
            } else if (!found.get(key).equals(value)) {
                problems.add("changed: " + key + " holds " + found.get(key) + ", not " + value);
            }
        });
        found.keySet().stream().filter(key -> !attempted.contains(key))
                .forEach(key -> problems.add("phantom: " + key + " was never sent"));
        return problems;
    }

    /** How many acknowledged inserts the scan did not return (the lost writes). */
    static long lostCount(List<String> problems) {
        return problems.stream().filter(p -> p.startsWith("lost:")).count();
    }
}
