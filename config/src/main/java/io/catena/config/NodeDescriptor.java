package io.catena.config;

import java.util.Objects;

/**
 * A storage node as the cluster knows it: its stable id (not a process or member id: a node keeps its id
 * across restarts) and the two addresses it serves, HTTP for clients and replication for its chain neighbours.
 */
public record NodeDescriptor(String id, HostPort http, HostPort replication) {

    public NodeDescriptor {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(replication, "replication");
        if (!NodeIds.isValid(id)) {
            throw new IllegalArgumentException("invalid node id '" + id + "': " + NodeIds.RULE);
        }
    }
}
