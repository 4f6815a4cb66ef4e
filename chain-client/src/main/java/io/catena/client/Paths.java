package io.catena.client;

import java.nio.charset.StandardCharsets;
import java.util.StringJoiner;

/** Request paths and query strings of the node API (docs/api.md, "Keys"). */
public final class Paths {

    private Paths() {
    }

    /** Percent-encodes everything but RFC 3986 unreserved characters, so {@code /} becomes {@code %2F}. */
    public static String encode(String text) {
        StringBuilder encoded = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
                encoded.append(c);
            } else {
                encoded.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return encoded.toString();
    }

    /** {@code /kv/<key>} with the key percent-encoded; an empty key is refused here rather than by a 400. */
    static String key(String key) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("the key must not be empty");
        }
        return "/kv/" + encode(key);
    }

    /** Builds {@code ?a=1&b=2}, leaving out null values; empty when there are none. */
    static final class Query {
        private final StringJoiner joiner = new StringJoiner("&", "?", "").setEmptyValue("");

        Query add(String name, Object value) {
            if (value != null) {
                joiner.add(name + "=" + encode(value.toString()));
            }
            return this;
        }

        @Override
        public String toString() {
            return joiner.toString();
        }
    }
}
