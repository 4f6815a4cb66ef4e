package io.catena.check;

public enum Verdict {
    /** A linearization exists. */
    OK,
    /** No linearization exists; the result says why. */
    VIOLATION,
    /** The search hit its step limit before deciding: neither OK nor a violation, so a test must fail on it. */
    UNKNOWN
}
