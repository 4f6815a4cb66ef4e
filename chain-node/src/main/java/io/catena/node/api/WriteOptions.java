package io.catena.node.api;

import io.catena.node.core.AckLevel;
import io.catena.node.core.Precondition;
import java.util.Map;
import java.util.Set;

/**
 * What a PUT or DELETE asks beyond its key and value: {@code ?ack=all|head|N} (docs/consistency.md) and a
 * precondition from {@code If-Match: "<seq>"[, "<seq>"]... | *} or {@code If-None-Match: *}. Malformed input is
 * an IllegalArgumentException whose message is meant for the client.
 */
record WriteOptions(AckLevel ack, Precondition precondition) {

    static WriteOptions parse(String rawQuery, String ifMatch, String ifNoneMatch, AckLevel ackDefault) {
        Map<String, String> params = QueryParams.parse(rawQuery, Set.of("ack"));
        AckLevel ack = params.containsKey("ack") ? AckLevel.parse(params.get("ack")) : ackDefault;
        return new WriteOptions(ack, precondition(ifMatch, ifNoneMatch));
    }

    static Precondition precondition(String ifMatch, String ifNoneMatch) {
        if (ifMatch != null && ifNoneMatch != null) {
            throw new IllegalArgumentException("give If-Match or If-None-Match, not both");
        }
        if (ifNoneMatch != null) {
            if (!ifNoneMatch.trim().equals("*")) {
                throw new IllegalArgumentException("If-None-Match supports only *, got '" + ifNoneMatch + "'");
            }
            return new Precondition.Absent();
        }
        if (ifMatch == null) {
            return Precondition.NONE;
        }
        if (ifMatch.trim().equals("*")) {
            return new Precondition.Present();
        }
        String[] tags = ifMatch.split(",", -1);
        long[] seqs = new long[tags.length];
        for (int i = 0; i < tags.length; i++) {
            String tag = tags[i].trim();
            if (!tag.matches("\"[1-9][0-9]{0,17}\"")) {
                throw new IllegalArgumentException("If-Match takes * or quoted seqs as given in ETag, e.g. \"42\"; got '"
                        + ifMatch + "'");
            }
            seqs[i] = Long.parseLong(tag.substring(1, tag.length() - 1));
        }
        return new Precondition.VersionIn(seqs);
    }
}
