package io.catena.node.core;

/** What a log entry does to its key when it commits. */
public enum Op {
    PUT((byte) 1),
    DELETE((byte) 2);

    private final byte code;

    Op(byte code) {
        this.code = code;
    }

    /** The byte written in frames and in the log. */
    public byte code() {
        return code;
    }

    public static Op fromCode(byte code) {
        return switch (code) {
            case 1 -> PUT;
            case 2 -> DELETE;
            default -> throw new IllegalArgumentException("unknown op code " + code);
        };
    }
}
