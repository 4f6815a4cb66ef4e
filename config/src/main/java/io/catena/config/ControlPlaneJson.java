package io.catena.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * JSON for the control plane: configurations, node reports and report replies. Decoding validates everything
 * and throws {@link IllegalArgumentException} with a message fit for a 400 response.
 */
public final class ControlPlaneJson {

    private ControlPlaneJson() {
    }

    public static JsonObject toJson(NodeDescriptor node) {
        return new JsonObject().put("id", node.id()).put("http", node.http().toString())
                .put("replication", node.replication().toString());
    }

    public static JsonObject toJson(ChainConfiguration configuration) {
        JsonArray chain = new JsonArray();
        configuration.chain().forEach(node -> chain.add(toJson(node)));
        JsonArray learners = new JsonArray();
        configuration.learners().forEach(node -> learners.add(toJson(node)));
        return new JsonObject().put("epoch", configuration.epoch()).put("chain", chain).put("learners", learners);
    }

    public static JsonObject toJson(NodeReport report) {
        return new JsonObject().put("node", toJson(report.node())).put("epoch", report.epoch())
                .put("role", report.role().wireName()).put("appliedSeq", report.appliedSeq())
                .put("committedSeq", report.committedSeq()).put("caughtUp", report.caughtUp());
    }

    public static JsonObject toJson(ReportReply reply) {
        return new JsonObject().put("configuration", toJson(reply.configuration())).put("leaseMs", reply.leaseMs())
                .put("masterId", reply.masterId());
    }

    public static NodeDescriptor descriptor(JsonObject json) {
        return guarded(() -> new NodeDescriptor(required(json, "id"), HostPort.parse(required(json, "http")),
                HostPort.parse(required(json, "replication"))));
    }

    public static ChainConfiguration configuration(JsonObject json) {
        return guarded(() -> new ChainConfiguration(number(json, "epoch"), nodes(json.getJsonArray("chain")),
                nodes(json.getJsonArray("learners", new JsonArray()))));
    }

    public static NodeReport report(JsonObject json) {
        return guarded(() -> new NodeReport(descriptor(object(json, "node")), number(json, "epoch"),
                Role.valueOf(required(json, "role").toUpperCase(Locale.ROOT)), number(json, "appliedSeq"),
                number(json, "committedSeq"), json.getBoolean("caughtUp", false)));
    }

    public static ReportReply reply(JsonObject json) {
        return guarded(() -> new ReportReply(configuration(object(json, "configuration")),
                number(json, "leaseMs"), required(json, "masterId")));
    }

    /** Parses a JSON object from text; malformed text is an IllegalArgumentException. */
    public static JsonObject parse(String text) {
        try {
            return new JsonObject(text);
        } catch (DecodeException | ClassCastException e) {
            throw new IllegalArgumentException("not a JSON object: " + e.getMessage());
        }
    }

    private static List<NodeDescriptor> nodes(JsonArray array) {
        if (array == null) {
            throw new IllegalArgumentException("chain is required");
        }
        List<NodeDescriptor> nodes = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            nodes.add(descriptor(array.getJsonObject(i)));
        }
        return nodes;
    }

    private static JsonObject object(JsonObject json, String field) {
        JsonObject value = json.getJsonObject(field);
        if (value == null) {
            throw new IllegalArgumentException(field + " is required");
        }
        return value;
    }

    private static String required(JsonObject json, String field) {
        String value = json.getString(field);
        if (value == null) {
            throw new IllegalArgumentException(field + " is required");
        }
        return value;
    }

    private static long number(JsonObject json, String field) {
        Long value = json.getLong(field);
        if (value == null) {
            throw new IllegalArgumentException(field + " is required (a number)");
        }
        return value;
    }

    private interface Decoder<T> {
        T decode();
    }

    /** Turns every decoding failure (wrong types included) into an IllegalArgumentException. */
    private static <T> T guarded(Decoder<T> decoder) {
        try {
            return decoder.decode();
        } catch (ClassCastException e) {
            throw new IllegalArgumentException("a field has the wrong type: " + e.getMessage());
        }
    }
}
