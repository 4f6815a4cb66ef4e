package io.catena.faults;

import io.catena.it.KeyPath;
import io.vertx.core.http.HttpMethod;
import java.net.URI;
import java.time.Duration;

/**
 * One client's way to the chain: writes go to the head and reads to the tail that the {@link ChainWatcher} last
 * saw, and one {@code 307} is followed (a node that knows a newer configuration than the watcher points to the
 * right node). A {@link #pinned} client sends everything to one node and follows nothing: a client with a stale
 * view, talking to a zombie. Every socket leaves from the client's own address ({@link BoundHttp}).
 */
final class ChainClient {

    /** Longer than the nodes' writeTimeoutMs (5 s), so that a waiting write is answered 504 by the head. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(7);

    /** The reply and the node ({@code host:port}) that gave it. */
    record Answer(BoundHttp.Reply reply, String node) {
        int status() {
            return reply.status();
        }
    }

    private final BoundHttp http;
    private final ChainWatcher watcher;
    private final String pinnedTo;
    private final Duration timeout;

    private ChainClient(BoundHttp http, ChainWatcher watcher, String pinnedTo, Duration timeout) {
        this.http = http;
        this.watcher = watcher;
        this.pinnedTo = pinnedTo;
        this.timeout = timeout;
    }

    static ChainClient following(BoundHttp http, ChainWatcher watcher) {
        return new ChainClient(http, watcher, null, REQUEST_TIMEOUT);
    }

    /** As {@link #following}, waiting up to {@code timeout} per request (the final checks' long scans). */
    static ChainClient following(BoundHttp http, ChainWatcher watcher, Duration timeout) {
        return new ChainClient(http, watcher, null, timeout);
    }

    /** Sends everything to {@code node}, follows no redirect, and gives up on a request after {@code timeout}. */
    static ChainClient pinned(BoundHttp http, String node, Duration timeout) {
        return new ChainClient(http, null, node, timeout);
    }

    Answer put(String key, String value) throws BoundHttp.NoReply {
        return send(HttpMethod.PUT, pinnedTo != null ? pinnedTo : watcher.latest().headHttp(),
                "/kv/" + KeyPath.encode(key), value);
    }

    Answer get(String key) throws BoundHttp.NoReply {
        return getAtTail("/kv/" + KeyPath.encode(key));
    }

    /** {@code GET} of any path at the tail, e.g. a scan. */
    Answer getAtTail(String pathAndQuery) throws BoundHttp.NoReply {
        return send(HttpMethod.GET, pinnedTo != null ? pinnedTo : watcher.latest().tailHttp(), pathAndQuery, null);
    }

    private Answer send(HttpMethod method, String node, String path, String body) throws BoundHttp.NoReply {
        BoundHttp.Reply reply = http.send(method, node, path, body, timeout);
        if (reply.status() == 307 && reply.location() != null && pinnedTo == null) {
            URI location = URI.create(reply.location());
            node = location.getHost() + ":" + location.getPort();
            reply = http.send(method, node, location.getRawPath()
                    + (location.getRawQuery() == null ? "" : "?" + location.getRawQuery()), body, timeout);
        }
        return new Answer(reply, node);
    }
}
