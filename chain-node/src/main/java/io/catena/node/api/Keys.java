package io.catena.node.api;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Turns the raw {@code {key}} path segment into key bytes, or says why it is not a key. A key is the
 * percent-decoded segment: UTF-8 (strictly: no overlong forms, no surrogates), 1..511 bytes, no control
 * characters, and not the dot segments {@code .} or {@code ..}. A {@code /} inside a key must be sent as
 * {@code %2F}, and every byte outside printable ASCII percent-encoded: the HTTP decoder hands over the raw
 * request line one byte per char, so an unencoded UTF-8 {@code é} would otherwise become the key {@code Ã©}.
 */
public final class Keys {

    public static final int KEY_BYTES_MAX = 511;

    private Keys() {
    }

    /** The outcome of decoding: exactly one of {@code bytes} and {@code problem} is non-null. */
    public record Decoded(byte[] bytes, String problem) {
        static Decoded ok(byte[] bytes) {
            return new Decoded(bytes, null);
        }

        static Decoded bad(String problem) {
            return new Decoded(null, problem);
        }

        public boolean isValid() {
            return bytes != null;
        }
    }

    public static Decoded decode(String rawSegment) {
        if (rawSegment.isEmpty()) {
            return Decoded.bad("the key is empty; keys are 1.." + KEY_BYTES_MAX + " bytes");
        }
        if (rawSegment.indexOf('/') >= 0) {
            return Decoded.bad("a key is one path segment; send '/' inside a key as %2F");
        }
        for (int i = 0; i < rawSegment.length(); i++) {
            char c = rawSegment.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                return Decoded.bad("byte 0x" + String.format("%02x", (int) c) + " at " + i + " is not printable ASCII;"
                        + " percent-encode it (UTF-8, e.g. %C3%A9 for é)");
            }
        }
        byte[] bytes = percentDecode(rawSegment);
        if (bytes == null) {
            return Decoded.bad("invalid percent-encoding in the key: '%' must be followed by two hex digits");
        }
        if (bytes.length > KEY_BYTES_MAX) {
            return Decoded.bad("the key is " + bytes.length + " bytes; keys are 1.." + KEY_BYTES_MAX + " bytes");
        }
        if (!isStrictUtf8(bytes)) {
            return Decoded.bad("the key is not valid UTF-8");
        }
        for (byte b : bytes) {
            if ((b >= 0 && b < 0x20) || b == 0x7f) {
                return Decoded.bad("the key contains a control character (byte 0x"
                        + String.format("%02x", b) + ")");
            }
        }
        if (bytes.length <= 2 && (rawSegment.equals(".") || rawSegment.equals("..")
                || new String(bytes, StandardCharsets.UTF_8).matches("\\.{1,2}"))) {
            return Decoded.bad("'.' and '..' are not keys (they are path dot-segments)");
        }
        return Decoded.ok(bytes);
    }

    /** Percent-decodes a path segment ('+' is a literal plus); null when a '%' is not followed by two hex digits. */
    static byte[] percentDecode(String raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
        byte[] rawBytes = raw.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < rawBytes.length; i++) {
            byte b = rawBytes[i];
            if (b != '%') {
                out.write(b);
                continue;
            }
            if (i + 2 >= rawBytes.length) {
                return null;
            }
            int high = Character.digit(rawBytes[i + 1], 16);
            int low = Character.digit(rawBytes[i + 2], 16);
            if (high < 0 || low < 0) {
                return null;
            }
            out.write((high << 4) | low);
            i += 2;
        }
        return out.toByteArray();
    }

    private static boolean isStrictUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
