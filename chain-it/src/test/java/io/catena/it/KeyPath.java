package io.catena.it;

import java.nio.charset.StandardCharsets;

/** The {@code /kv/{key}} path segment of a key, as the cluster tests' clients send it. */
public final class KeyPath {

    private KeyPath() {
    }

    /** Percent-encodes everything but RFC 3986 unreserved characters. */
    public static String encode(String key) {
        StringBuilder encoded = new StringBuilder();
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
                encoded.append(c);
            } else {
                encoded.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return encoded.toString();
    }
}
