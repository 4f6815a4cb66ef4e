package io.catena.check;

import java.util.Objects;

/**
 * What a client asked of one key: the operation's kind and its input.
 *
 * @param value           the value a WRITE or CAS puts; {@code null} for DELETE and READ
 * @param expectedVersion for CAS, the version the key must have for the CAS to apply, or {@link #EXPECT_ABSENT};
 *                        {@link Output#VERSION_UNKNOWN} for the other kinds
 */
public record Call(Op.Kind kind, String key, String value, long expectedVersion) {

    /** A CAS with this expectation applies iff the key has no value (never written, or deleted). */
    public static final long EXPECT_ABSENT = -2;

    public Call {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(key, "key");
        boolean carriesValue = kind == Op.Kind.WRITE || kind == Op.Kind.CAS;
        if (carriesValue != (value != null)) {
            throw new IllegalArgumentException(kind + " must " + (carriesValue ? "" : "not ") + "carry a value");
        }
        boolean carriesExpectation = kind == Op.Kind.CAS;
        if (carriesExpectation && expectedVersion < 0 && expectedVersion != EXPECT_ABSENT) {
            throw new IllegalArgumentException("CAS expects a version >= 0 or EXPECT_ABSENT, got " + expectedVersion);
        }
        if (!carriesExpectation && expectedVersion != Output.VERSION_UNKNOWN) {
            throw new IllegalArgumentException(kind + " carries no expected version");
        }
    }

    public static Call write(String key, String value) {
        return new Call(Op.Kind.WRITE, key, value, Output.VERSION_UNKNOWN);
    }

    public static Call delete(String key) {
        return new Call(Op.Kind.DELETE, key, null, Output.VERSION_UNKNOWN);
    }

    public static Call read(String key) {
        return new Call(Op.Kind.READ, key, null, Output.VERSION_UNKNOWN);
    }

    /** A conditional PUT of {@code value} that applies iff the key's current version is {@code expectedVersion}. */
    public static Call cas(String key, long expectedVersion, String value) {
        return new Call(Op.Kind.CAS, key, value, expectedVersion);
    }

    /** A conditional PUT of {@code value} that applies iff the key has no value. */
    public static Call casIfAbsent(String key, String value) {
        return new Call(Op.Kind.CAS, key, value, EXPECT_ABSENT);
    }

    public boolean expectsAbsent() {
        return expectedVersion == EXPECT_ABSENT;
    }

    /** The input as the timeline shows it. */
    String render() {
        return switch (kind) {
            case WRITE -> quote(value);
            case DELETE, READ -> "";
            case CAS -> (expectsAbsent() ? "if absent" : "if v" + expectedVersion) + " -> " + quote(value);
        };
    }

    static String quote(String value) {
        return value == null ? "absent" : "\"" + value + "\"";
    }
}
