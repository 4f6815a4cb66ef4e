package io.catena.node.api;

import java.util.Map;
import java.util.Set;

/**
 * The parameters of {@code GET /kv}: {@code prefix} (empty: every key), {@code after} (exclusive; a key, for
 * paging with the previous answer's {@code next}), {@code limit} (1..scanLimitMax, default 100; larger values
 * are capped and the answer says which limit applied), {@code values} ({@code true} or {@code false}). Values
 * are percent-decoded like keys ({@code +} is a literal plus). Anything else, or any repeated or malformed
 * parameter, is an IllegalArgumentException with the reason.
 */
record ScanQuery(byte[] prefix, byte[] after, int limit, boolean values) {

    static final int LIMIT_DEFAULT = 100;

    static ScanQuery parse(String rawQuery, int limitMax) {
        byte[] prefix = new byte[0];
        byte[] after = null;
        int limit = Math.min(LIMIT_DEFAULT, limitMax);
        boolean values = true;
        Map<String, String> params = QueryParams.parse(rawQuery, Set.of("prefix", "after", "limit", "values"));
        for (Map.Entry<String, String> param : params.entrySet()) {
            String raw = param.getValue();
            switch (param.getKey()) {
                case "prefix" -> prefix = raw.isEmpty() ? new byte[0] : key("prefix", raw);
                case "after" -> after = key("after", raw);
                case "limit" -> limit = (int) Math.min(QueryParams.wholeNumber("limit", raw, 1), limitMax);
                default -> values = bool(raw);
            }
        }
        return new ScanQuery(prefix, after, limit, values);
    }

    private static byte[] key(String name, String raw) {
        Keys.Decoded decoded = Keys.decode(raw);
        if (!decoded.isValid()) {
            throw new IllegalArgumentException(name + ": " + decoded.problem());
        }
        return decoded.bytes();
    }

    private static boolean bool(String raw) {
        return switch (raw) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("values must be true or false, got '" + raw + "'");
        };
    }
}
