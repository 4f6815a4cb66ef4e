package io.catena.node.core;

import java.util.Arrays;

/**
 * A conditional write's precondition (HTTP {@code If-Match} / {@code If-None-Match}), evaluated at the head
 * against the key's latest version in the head's log (pending entries included) when the write is given its seq,
 * so conditions are evaluated in sequence order.
 */
public sealed interface Precondition {

    /** Whether a key whose latest version is {@code seq} (0: no value, or deleted) satisfies this. */
    boolean holds(long seq);

    /** No condition. */
    record None() implements Precondition {
        @Override
        public boolean holds(long seq) {
            return true;
        }
    }

    /** {@code If-None-Match: *}: the key has no value. */
    record Absent() implements Precondition {
        @Override
        public boolean holds(long seq) {
            return seq == 0;
        }
    }

    /** {@code If-Match: *}: the key has a value. */
    record Present() implements Precondition {
        @Override
        public boolean holds(long seq) {
            return seq != 0;
        }
    }

    /** {@code If-Match: "s1", "s2"}: the key's value was written at one of these seqs. */
    record VersionIn(long[] seqs) implements Precondition {
        public VersionIn {
            if (seqs.length == 0) {
                throw new IllegalArgumentException("If-Match names no version");
            }
            seqs = seqs.clone();
        }

        @Override
        public boolean holds(long seq) {
            return seq != 0 && Arrays.stream(seqs).anyMatch(s -> s == seq);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof VersionIn that && Arrays.equals(seqs, that.seqs);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(seqs);
        }

        @Override
        public String toString() {
            return "VersionIn" + Arrays.toString(seqs);
        }
    }

    Precondition NONE = new None();
}
