package io.catena.it;

import io.catena.client.Paths;

/** The {@code /kv/{key}} path segment of a key, as the cluster tests' clients send it: the client's encoding. */
public final class KeyPath {

    private KeyPath() {
    }

    /** Percent-encodes everything but RFC 3986 unreserved characters. */
    public static String encode(String key) {
        return Paths.encode(key);
    }
}
