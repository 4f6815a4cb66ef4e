package io.catena.faults;

import io.catena.it.CatenaCluster;
import java.util.HashMap;
import java.util.Map;

/** Node ids by client address ({@code host:port}), to tell which node answered a request. */
final class NodeNames {

    private final Map<String, String> idByHttp = new HashMap<>();

    NodeNames(CatenaCluster cluster) {
        cluster.nodeIds().forEach(id -> idByHttp.put(cluster.httpOf(id), id));
    }

    /** The node at {@code http}, or null for an address that is no node's. */
    String idOf(String http) {
        return idByHttp.get(http);
    }
}
