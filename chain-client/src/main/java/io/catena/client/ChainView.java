package io.catena.client;

import io.catena.config.HostPort;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The master's {@code GET /chain}: the epoch, the chain head first, the nodes outside it, and the master itself.
 * Empty {@code chain} with epoch 0: no configuration has been formed yet.
 */
public record ChainView(long epoch, List<Member> chain, List<Member> others, String masterId, String masterHttp) {

    public ChainView {
        chain = List.copyOf(chain);
        others = List.copyOf(others);
    }

    /** One node as the master sees it; the seqs and lease are from its last report. */
    public record Member(String id, String role, HostPort http, boolean alive, long appliedSeq, long committedSeq,
                         long lag, long leaseLeftMs) {
    }

    public boolean hasChain() {
        return !chain.isEmpty();
    }

    public HostPort head() {
        requireChain();
        return chain.get(0).http();
    }

    public HostPort tail() {
        requireChain();
        return chain.get(chain.size() - 1).http();
    }

    /** Decodes the master's answer; a missing or mistyped field is an IllegalArgumentException. */
    public static ChainView fromJson(JsonObject json) {
        try {
            Long epoch = json.getLong("epoch");
            if (epoch == null || json.getJsonArray("chain") == null) {
                throw new IllegalArgumentException("epoch and chain are required in " + json.encode());
            }
            JsonObject master = json.getJsonObject("master", new JsonObject());
            return new ChainView(epoch, members(json.getJsonArray("chain")),
                    members(json.getJsonArray("others", new JsonArray())), master.getString("id", "?"),
                    master.getString("http", "?"));
        } catch (ClassCastException e) {
            throw new IllegalArgumentException("not the master's /chain: " + e.getMessage());
        }
    }

    private static List<Member> members(JsonArray array) {
        List<Member> members = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            JsonObject node = array.getJsonObject(i);
            String id = node.getString("id");
            String http = node.getString("http");
            if (id == null || http == null) {
                throw new IllegalArgumentException("a node without id or http: " + node.encode());
            }
            members.add(new Member(id, node.getString("role", "?"), HostPort.parse(http),
                    node.getBoolean("alive", true), node.getLong("appliedSeq", -1L),
                    node.getLong("committedSeq", -1L), node.getLong("lag", 0L), node.getLong("leaseLeftMs", 0L)));
        }
        return members;
    }

    private void requireChain() {
        if (chain.isEmpty()) {
            throw new IllegalStateException("epoch " + epoch + " has no chain");
        }
    }
}
