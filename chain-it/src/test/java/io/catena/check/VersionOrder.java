package io.catena.check;

import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The rule that writes take effect in the order of their versions, as a chain's seq does: a write whose version
 * is known may be linearized only after every linearized write of a smaller known version, and only once every
 * write of a smaller known version that must take effect (not open-ended) is linearized. Writes of unknown
 * version are not constrained.
 *
 * <p>This prunes the search hard (known versions fix the order of writes) and needs no room in the memo: what it
 * tracks is a function of the linearized set.
 */
final class VersionOrder {

    private final long[] version;
    /** Per op, the number of definite (not open-ended) writes with a smaller known version. */
    private final int[] definiteBelow;
    private final boolean[] definite;
    private final long[] maxStack;
    private int depth;
    private int definiteLinearized;
    private long max = Long.MIN_VALUE;

    VersionOrder(List<Op> ops) {
        int n = ops.size();
        version = new long[n];
        definite = new boolean[n];
        definiteBelow = new int[n];
        maxStack = new long[n];
        for (int i = 0; i < n; i++) {
            Op op = ops.get(i);
            version[i] = op.mayHaveTakenEffect() ? op.writtenVersion() : Output.VERSION_UNKNOWN;
            definite[i] = version[i] != Output.VERSION_UNKNOWN && !op.openEnded();
        }
        long[] definiteVersions = IntStream.range(0, n).filter(i -> definite[i])
                .mapToLong(i -> version[i]).sorted().toArray();
        for (int i = 0; i < n; i++) {
            int at = Arrays.binarySearch(definiteVersions, version[i]);
            definiteBelow[i] = at >= 0 ? at : -at - 1;
        }
    }

    boolean allows(int op) {
        return version[op] == Output.VERSION_UNKNOWN || (version[op] > max && definiteBelow[op] == definiteLinearized);
    }

    /**
     * Why {@code op} may not be linearized next, or {@code null} if it may; {@code ops} and {@code linearized}
     * name the write still owed.
     */
    String whyNot(int op, List<Op> ops, BitSet linearized) {
        if (allows(op)) {
            return null;
        }
        if (version[op] <= max) {
            return "its version v" + version[op] + " is not above v" + max + ", which already took effect";
        }
        Op owed = IntStream.range(0, version.length)
                .filter(i -> definite[i] && version[i] < version[op] && !linearized.get(i))
                .mapToObj(ops::get).min(Comparator.comparingLong(Op::writtenVersion))
                .orElseThrow(() -> new AssertionError("no write owed before v" + version[op]));
        return "versions increase, and " + owed + " must take effect first";
    }

    /** Call after linearizing {@code op}; undo with {@link #undo} in reverse order. */
    void linearized(int op) {
        maxStack[depth++] = max;
        if (version[op] != Output.VERSION_UNKNOWN) {
            max = version[op];
            definiteLinearized += definite[op] ? 1 : 0;
        }
    }

    void undo(int op) {
        max = maxStack[--depth];
        if (version[op] != Output.VERSION_UNKNOWN) {
            definiteLinearized -= definite[op] ? 1 : 0;
        }
    }
}
