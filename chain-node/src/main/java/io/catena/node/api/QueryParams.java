package io.catena.node.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Strict parsing of a request's raw query string: each parameter at most once and each one known, else an
 * IllegalArgumentException whose message is meant for the client. Values stay raw (not percent-decoded).
 */
final class QueryParams {

    private QueryParams() {
    }

    static Map<String, String> parse(String rawQuery, Set<String> known) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : rawQuery == null || rawQuery.isEmpty() ? new String[0] : rawQuery.split("&", -1)) {
            int equals = pair.indexOf('=');
            String name = equals < 0 ? pair : pair.substring(0, equals);
            String raw = equals < 0 ? "" : pair.substring(equals + 1);
            if (!known.contains(name)) {
                throw new IllegalArgumentException("unknown parameter '" + name + "'; known: "
                        + String.join(", ", known.stream().sorted().toList()));
            }
            if (params.put(name, raw) != null) {
                throw new IllegalArgumentException("parameter '" + name + "' is given twice");
            }
        }
        return params;
    }

    /** A whole number >= {@code min}, or an IllegalArgumentException naming the parameter. */
    static long wholeNumber(String name, String raw, long min) {
        if (raw.matches("[0-9]{1,18}")) {
            long value = Long.parseLong(raw);
            if (value >= min) {
                return value;
            }
        }
        throw new IllegalArgumentException(name + " must be a whole number >= " + min + ", got '" + raw + "'");
    }
}
