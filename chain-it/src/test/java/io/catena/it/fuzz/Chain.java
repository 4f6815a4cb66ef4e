package io.catena.it.fuzz;

import io.catena.it.CatenaCluster;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/** The chain under attack: the cluster, and its head's and tail's client addresses (fixed while no node fails). */
record Chain(CatenaCluster cluster, String headId, String tailId) {

    static Chain of(CatenaCluster cluster) {
        var ids = cluster.chainIds();
        return new Chain(cluster, ids.get(0), ids.get(ids.size() - 1));
    }

    String head() {
        return cluster.httpOf(headId);
    }

    String tail() {
        return cluster.httpOf(tailId);
    }

    String address(FuzzCase.Target target) {
        return target == FuzzCase.Target.HEAD ? head() : tail();
    }

    JsonObject headStatus() {
        return cluster.status(headId);
    }

    /** {@code GET rawPath} at the tail, the path sent exactly as given. */
    RawHttp.Response getAtTail(String rawPath) {
        return RawHttp.exchange(tail(), FuzzCases.bytes("GET " + rawPath + " HTTP/1.1\r\nHost: fuzz\r\n\r\n"), 1,
                false).first();
    }

    /** The value the tail serves for {@code rawPath}, failing unless it answers 200. */
    String valueAtTail(String rawPath) {
        RawHttp.Response response = getAtTail(rawPath);
        if (response.status() != 200) {
            throw new AssertionError("GET " + rawPath + " at the tail: " + response);
        }
        return new String(response.body(), StandardCharsets.UTF_8);
    }
}
