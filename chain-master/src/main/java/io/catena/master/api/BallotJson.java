package io.catena.master.api;

import io.catena.config.ChainConfiguration;
import io.catena.config.ControlPlaneJson;
import io.catena.master.core.Ballot;
import io.catena.master.core.BallotMessage;
import io.vertx.core.json.JsonObject;

/**
 * JSON for the messages between masters ({@code POST /masters/ballot}, docs/master.md, "Several masters"): one
 * object with {@code "kind"} ({@code prepare}, {@code promise}, {@code accept}, {@code accepted}, {@code nack})
 * and the message's fields; ballots as {@code {"round": r, "master": "host:port"}}. Decoding validates
 * everything and throws {@link IllegalArgumentException} with a message fit for a 400 response.
 */
public final class BallotJson {

    private BallotJson() {
    }

    public static JsonObject toJson(BallotMessage message) {
        JsonObject json = new JsonObject().put("ballot", toJson(message.ballot()));
        if (message instanceof BallotMessage.Prepare prepare) {
            return json.put("kind", "prepare").put("probeMs", prepare.probeMs());
        } else if (message instanceof BallotMessage.Promise promise) {
            return json.put("kind", "promise").put("probeMs", promise.probeMs()).put("from", promise.from())
                    .put("acceptedBallot", toJson(promise.acceptedBallot()))
                    .put("accepted", ControlPlaneJson.toJson(promise.accepted()));
        } else if (message instanceof BallotMessage.Accept accept) {
            return json.put("kind", "accept").put("configuration", ControlPlaneJson.toJson(accept.configuration()));
        } else if (message instanceof BallotMessage.Accepted accepted) {
            return json.put("kind", "accepted").put("epoch", accepted.epoch()).put("from", accepted.from());
        } else if (message instanceof BallotMessage.Nack nack) {
            return json.put("kind", "nack").put("from", nack.from()).put("promised", toJson(nack.promised()));
        }
        throw new AssertionError(message);
    }

    public static BallotMessage message(JsonObject json) {
        try {
            Ballot ballot = ballot(object(json, "ballot"));
            String kind = json.getString("kind");
            if (kind == null) {
                throw new IllegalArgumentException("missing field 'kind'");
            }
            return switch (kind) {
                case "prepare" -> new BallotMessage.Prepare(ballot, number(json, "probeMs"));
                case "promise" -> new BallotMessage.Promise(ballot, number(json, "probeMs"), text(json, "from"),
                        ballot(object(json, "acceptedBallot")), configuration(object(json, "accepted")));
                case "accept" -> new BallotMessage.Accept(ballot, ControlPlaneJson.configuration(
                        object(json, "configuration")));
                case "accepted" -> new BallotMessage.Accepted(ballot, number(json, "epoch"), text(json, "from"));
                case "nack" -> new BallotMessage.Nack(ballot, text(json, "from"), ballot(object(json, "promised")));
                default -> throw new IllegalArgumentException("unknown kind '" + kind + "'");
            };
        } catch (ClassCastException | NullPointerException e) {
            throw new IllegalArgumentException("malformed ballot message: " + e.getMessage(), e);
        }
    }

    private static JsonObject toJson(Ballot ballot) {
        return new JsonObject().put("round", ballot.round()).put("master", ballot.masterId());
    }

    private static Ballot ballot(JsonObject json) {
        return new Ballot(number(json, "round"), json.getString("master", ""));
    }

    /** NONE travels as epoch 0 with no nodes. */
    private static ChainConfiguration configuration(JsonObject json) {
        return number(json, "epoch") == 0 ? ChainConfiguration.NONE : ControlPlaneJson.configuration(json);
    }

    private static JsonObject object(JsonObject json, String field) {
        JsonObject value = json.getJsonObject(field);
        if (value == null) {
            throw new IllegalArgumentException("missing object '" + field + "'");
        }
        return value;
    }

    private static String text(JsonObject json, String field) {
        String value = json.getString(field);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("missing field '" + field + "'");
        }
        return value;
    }

    private static long number(JsonObject json, String field) {
        Long value = json.getLong(field);
        if (value == null) {
            throw new IllegalArgumentException("missing number '" + field + "'");
        }
        return value;
    }
}
