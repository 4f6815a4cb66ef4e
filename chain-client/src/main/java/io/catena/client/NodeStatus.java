package io.catena.client;

import io.vertx.core.json.JsonObject;

/**
 * A node's own {@code GET /status}, the part the client uses: who it is, its role and epoch, its seqs, and the
 * ids of its neighbours (null at the ends of the chain).
 */
public record NodeStatus(String id, String role, long epoch, long appliedSeq, long committedSeq,
                         String predecessor, String successor) {

    public boolean isHead() {
        return role.equals("head") || role.equals("sole");
    }

    public boolean isTail() {
        return role.equals("tail") || role.equals("sole");
    }

    public static NodeStatus fromJson(JsonObject json) {
        try {
            String id = json.getString("id");
            String role = json.getString("role");
            Long epoch = json.getLong("epoch");
            if (id == null || role == null || epoch == null) {
                throw new IllegalArgumentException("id, role and epoch are required in " + json.encode());
            }
            return new NodeStatus(id, role, epoch, json.getLong("appliedSeq", -1L),
                    json.getLong("committedSeq", -1L), json.getString("predecessor"), json.getString("successor"));
        } catch (ClassCastException e) {
            throw new IllegalArgumentException("not a node's /status: " + e.getMessage());
        }
    }
}
