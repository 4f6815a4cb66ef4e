package io.catena.node.api;

import java.util.Map;
import java.util.Set;

/**
 * How a {@code GET /kv/{key}} wants its answer (docs/consistency.md): {@code consistency=tail} (the default: the
 * tail answers, other nodes redirect to it), {@code strong} (any node of the chain answers linearizably, CRAQ),
 * or {@code any} with an optional {@code min_seq=S} (any node answers from its own committed data once that
 * reaches S). Malformed input is an IllegalArgumentException whose message is meant for the client.
 */
record ReadOptions(Consistency consistency, long minSeq) {

    enum Consistency { TAIL, STRONG, ANY }

    static ReadOptions parse(String rawQuery) {
        Map<String, String> params = QueryParams.parse(rawQuery, Set.of("consistency", "min_seq"));
        String level = params.getOrDefault("consistency", "tail");
        Consistency consistency = switch (level) {
            case "tail" -> Consistency.TAIL;
            case "strong" -> Consistency.STRONG;
            case "any" -> Consistency.ANY;
            default -> throw new IllegalArgumentException("consistency must be tail, strong or any, got '" + level
                    + "'");
        };
        if (params.containsKey("min_seq") && consistency != Consistency.ANY) {
            throw new IllegalArgumentException("min_seq goes with consistency=any");
        }
        long minSeq = params.containsKey("min_seq") ? QueryParams.wholeNumber("min_seq", params.get("min_seq"), 0) : 0;
        return new ReadOptions(consistency, minSeq);
    }
}
