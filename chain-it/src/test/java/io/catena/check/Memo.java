package io.catena.check;

import java.util.Arrays;

/**
 * The configurations the search has already explored: {@code (linearized set, register state)} pairs (the
 * "state" here is a long, so that the search can fold more into it than the register's state). Reaching
 * one again cannot lead anywhere new, so the search skips it; this is what keeps Wing and Gong's search
 * polynomial on histories with bounded concurrency (Lowe, "Testing for linearizability", 2017).
 *
 * <p>Open addressing keyed by a 64-bit hash that the search maintains incrementally (Zobrist: the XOR of a fixed
 * random word per linearized op, mixed with the state), verified by comparing the set and state, since two
 * configurations may share a hash.
 */
final class Memo {

    private static final int CAPACITY_INITIAL = 1 << 10;

    private long[] hashes = new long[CAPACITY_INITIAL];
    private long[] states = new long[CAPACITY_INITIAL];
    private long[][] sets = new long[CAPACITY_INITIAL][];
    private int size;

    /** A word per op, fixed (no seed to vary) so that runs are repeatable. */
    static long zobrist(int opIndex) {
        return mix(0x9E3779B97F4A7C15L * (opIndex + 1L));
    }

    static long key(long setHash, long state) {
        return setHash ^ mix(0xC2B2AE3D27D4EB4FL * (state + 1L));
    }

    /** Records {@code (set, state)} with its {@link #key}; false if it was already there. Copies {@code set}. */
    boolean addIfAbsent(long key, long state, long[] set) {
        if (2 * (size + 1) > hashes.length) {
            grow();
        }
        int mask = hashes.length - 1;
        for (int i = (int) key & mask; ; i = (i + 1) & mask) {
            if (sets[i] == null) {
                hashes[i] = key;
                states[i] = state;
                sets[i] = set.clone();
                size++;
                return true;
            }
            if (hashes[i] == key && states[i] == state && Arrays.equals(sets[i], set)) {
                return false;
            }
        }
    }

    boolean contains(long key, long state, long[] set) {
        int mask = hashes.length - 1;
        for (int i = (int) key & mask; sets[i] != null; i = (i + 1) & mask) {
            if (hashes[i] == key && states[i] == state && Arrays.equals(sets[i], set)) {
                return true;
            }
        }
        return false;
    }

    int size() {
        return size;
    }

    private void grow() {
        long[] oldHashes = hashes;
        long[] oldStates = states;
        long[][] oldSets = sets;
        hashes = new long[oldHashes.length * 2];
        states = new long[oldHashes.length * 2];
        sets = new long[oldHashes.length * 2][];
        int mask = hashes.length - 1;
        for (int j = 0; j < oldHashes.length; j++) {
            if (oldSets[j] == null) {
                continue;
            }
            int i = (int) oldHashes[j] & mask;
            while (sets[i] != null) {
                i = (i + 1) & mask;
            }
            hashes[i] = oldHashes[j];
            states[i] = oldStates[j];
            sets[i] = oldSets[j];
        }
    }

    /** SplitMix64's finaliser: every input bit affects every output bit. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
