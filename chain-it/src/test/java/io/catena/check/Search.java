package io.catena.check;

import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Wing and Gong's search for a linearization of one key's history, with Lowe's memoisation, laid out as in
 * Porcupine ({@code checkSingle}): the invocations and completions of all ops in one list sorted by time; walk it
 * from the front, linearizing any invoked op the model accepts (lifting its two events out of the list);
 * meeting a completion whose op is not linearized means an earlier choice was wrong, so undo the last choice and
 * try the next candidate after it.
 *
 * <p>Open-ended ops (INFO, and acknowledged writes that may be lost) complete at +infinity, after every other
 * event. So when the first completion left in the list is an open-ended one, every op with a deadline is
 * linearized and the rest can be left out: the history is linearizable. Events at equal times are ordered
 * invocations first, so that ops touching at one instant count as concurrent, never as ordered.
 *
 * <p>Five prunings, all sound (each keeps some linearization if there is one):
 * <ul>
 *   <li><b>Free moves.</b> An invoked op that leaves the state as it is (a read, a rejected CAS) and is accepted
 *       in the current state is linearized at once, and no alternative is tried in its place: any linearization
 *       from here can be rewritten to start with it (it changes nothing, and every op that had to precede it in
 *       real time is already linearized, or the walk would have met that op's completion first). If it fails, so
 *       does the configuration it was taken from.</li>
 *   <li><b>Open-ended ops only where needed.</b> An open-ended op W is linearized only if the op linearized
 *       right after it could not have been linearized in the state before W. Any linearization can be rewritten
 *       into that form: if the op after W also fits the state before W, then either it leaves the state as it is
 *       and W can move after it (W has no deadline, so moving it later never breaks real-time order), or it
 *       overwrites the state and W can be dropped (which an open-ended op may be). So W stays only right before
 *       an op that needs it, and open-ended ops no longer double the configurations each. The configuration
 *       right after W carries that requirement, so the memo keys it too.</li>
 *   <li><b>Subsumption.</b> Leaving an open-ended op out is always allowed, so if {@code (S, s)} was refuted
 *       then so is {@code (S + W, s)} for an open-ended W: anything that worked from the second would work
 *       from the first with W left out. Before entering a configuration the search looks up each such smaller
 *       one. (Every memo entry not on the current path is refuted: the search stops at its first success.)</li>
 *   <li><b>Interchangeable open-ended ops in invocation order.</b> Open-ended ops that behave alike in every
 *       state (same kind, same effect, same CAS expectation; e.g. INFO writes whose values no read saw, see
 *       {@link RegisterModel}) are linearized only in the order they were invoked: in a linearization that uses
 *       a later one while an earlier one is left out, or placed after it, the two can trade places.</li>
 *   <li><b>Version order</b> (optional): see {@link VersionOrder}.</li>
 * </ul>
 */
final class Search {

    enum Verdict { LINEARIZABLE, VIOLATION, STEPS_EXCEEDED }

    /**
     * @param prefix           when linearizable, a linearization (every op with a deadline, and the open-ended ops
     *                         it needs); otherwise the longest sequence of op indices linearized on any path
     * @param stateAfterPrefix the register state after it
     */
    record Outcome(Verdict verdict, long steps, int[] prefix, int stateAfterPrefix, int memoSize) {
    }

    private static final int FRONT = 0;
    private static final int NONE = -1;
    /** {@link #needsOtherThan} when the last op linearized was not open-ended. */
    private static final int ANY = -1;

    private final List<Op> ops;
    private final RegisterModel model;
    private final VersionOrder versionOrder;
    private final long stepsMax;

    // The event list: positions 1..2n in time order between two sentinels, FRONT and back = 2n + 1.
    private final int back;
    private final int[] next;
    private final int[] prev;
    private final int[] opAt;
    private final boolean[] isInvocation;
    private final int[] completionOf;
    private final int[] invocationOf;
    /** Per open-ended op, the last op invoked before it that is interchangeable with it, or {@link #NONE}. */
    private final int[] interchangeableBefore;

    // The search: the linearization so far as a stack of choices, and the configurations already explored.
    private final long[] linearized;
    private final int[] stackOps;
    private final int[] stackStates;
    private final boolean[] stackFree;
    private final int[] stackNeeds;
    private int depth;
    /** The open-ended ops among those linearized, for {@link #subsumed}. */
    private final int[] openStack;
    private int openDepth;
    private int state = RegisterModel.INITIAL;
    /** After an open-ended op, the state before it: the next op must not fit that state. Else {@link #ANY}. */
    private int needsOtherThan = ANY;
    private long setHash;
    private final Memo memo = new Memo();
    private long steps;
    private int[] best = new int[0];
    private int bestState = RegisterModel.INITIAL;

    Search(List<Op> ops, RegisterModel model, boolean versionsIncrease, long stepsMax) {
        this.ops = ops;
        this.model = model;
        this.versionOrder = versionsIncrease ? new VersionOrder(ops) : null;
        this.stepsMax = stepsMax;
        int n = ops.size();
        back = 2 * n + 1;
        next = new int[back + 1];
        prev = new int[back + 1];
        opAt = new int[back + 1];
        isInvocation = new boolean[back + 1];
        completionOf = new int[back + 1];
        invocationOf = new int[n];
        linearized = new long[(n + 63) / 64];
        stackOps = new int[n];
        stackStates = new int[n];
        stackFree = new boolean[n];
        stackNeeds = new int[n];
        openStack = new int[n];
        interchangeableBefore = interchangeableBefore(ops, model, versionsIncrease);
        layOutEvents();
    }

    Outcome run() {
        int position = NONE;
        while (next[FRONT] != back) {
            if (steps >= stepsMax) {
                return outcome(Verdict.STEPS_EXCEEDED);
            }
            if (position == NONE) {
                // A configuration reached for the first time: a free move, if any, is the only choice needed.
                FreeMove free = takeFreeMove();
                if (free == FreeMove.TAKEN) {
                    continue;
                }
                if (free == FreeMove.REFUTED) {
                    position = backtrack();
                    if (position == NONE) {
                        return outcome(Verdict.VIOLATION);
                    }
                    continue;
                }
                position = next[FRONT];
            }
            steps++;
            int op = opAt[position];
            if (isInvocation[position]) {
                position = tryLinearize(position, false) ? NONE : next[position];
            } else if (ops.get(op).openEnded()) {
                return outcome(Verdict.LINEARIZABLE);
            } else {
                position = backtrack();
                if (position == NONE) {
                    return outcome(Verdict.VIOLATION);
                }
            }
        }
        return outcome(Verdict.LINEARIZABLE);
    }

    private enum FreeMove { TAKEN, REFUTED, NONE_AVAILABLE }

    /** Looks among the invoked ops for one that leaves the state as it is, is accepted in it, and may come next. */
    private FreeMove takeFreeMove() {
        for (int position = next[FRONT]; isInvocation[position]; position = next[position]) {
            steps++;
            int op = opAt[position];
            if (preservesState(ops.get(op)) && model.step(state, op) == state && needed(op)) {
                return tryLinearize(position, true) ? FreeMove.TAKEN : FreeMove.REFUTED;
            }
        }
        return FreeMove.NONE_AVAILABLE;
    }

    private static boolean preservesState(Op op) {
        return op.kind() == Op.Kind.READ || (op.kind() == Op.Kind.CAS && !op.mayHaveTakenEffect());
    }

    /** Whether {@code op} may follow the last op linearized: it needs the effect of an open-ended one. */
    private boolean needed(int op) {
        return needsOtherThan == ANY || model.step(needsOtherThan, op) == RegisterModel.REJECTED;
    }

    /** Linearizes the op invoked at {@code position} if the model accepts it there and it leads somewhere new. */
    private boolean tryLinearize(int position, boolean free) {
        int op = opAt[position];
        if (versionOrder != null && !versionOrder.allows(op)) {
            return false;
        }
        int before = interchangeableBefore[op];
        if (before != NONE && !isSet(linearized, before)) {
            return false;
        }
        int after = model.step(state, op);
        if (after == RegisterModel.REJECTED || !needed(op)) {
            return false;
        }
        int needsAfter = ops.get(op).openEnded() ? state : ANY;
        long configuration = configuration(after, needsAfter);
        long hashAfter = setHash ^ Memo.zobrist(op);
        set(linearized, op);
        if (subsumed(op, hashAfter, after)
                || !memo.addIfAbsent(Memo.key(hashAfter, configuration), configuration, linearized)) {
            clear(linearized, op);
            return false;
        }
        stackOps[depth] = op;
        stackStates[depth] = state;
        stackFree[depth] = free;
        stackNeeds[depth] = needsOtherThan;
        depth++;
        if (ops.get(op).openEnded()) {
            openStack[openDepth++] = op;
        }
        state = after;
        needsOtherThan = needsAfter;
        setHash = hashAfter;
        if (versionOrder != null) {
            versionOrder.linearized(op);
        }
        lift(position);
        if (depth > best.length && !ops.get(op).openEnded()) {
            // A prefix ending in an open-ended op is no progress: that op stays only if a later one needs it.
            best = Arrays.copyOf(stackOps, depth);
            bestState = state;
        }
        return true;
    }

    private static long configuration(int state, int needsOtherThan) {
        return ((long) (needsOtherThan + 1) << 32) | state;
    }

    /**
     * Whether the configuration about to be entered ({@link #linearized} already including {@code op}, state
     * {@code after}) is refuted because the same one without some open-ended op was.
     */
    private boolean subsumed(int op, long hashAfter, int after) {
        long withoutNeeds = configuration(after, ANY);
        for (int i = 0; i <= openDepth; i++) {
            int open = i < openDepth ? openStack[i] : op;
            if (!ops.get(open).openEnded()
                    || (open == op && withoutNeeds == configuration(state, needsOtherThan))) {
                // The last check skips the configuration being left, which is on the path, not refuted.
                continue;
            }
            clear(linearized, open);
            boolean refuted = memo.contains(Memo.key(hashAfter ^ Memo.zobrist(open), withoutNeeds), withoutNeeds,
                    linearized);
            set(linearized, open);
            if (refuted) {
                return true;
            }
        }
        return false;
    }

    /**
     * Undoes choices until one that was not a free move (a free move failing refutes the configuration it was
     * taken from); returns the position of the next candidate after that choice, or {@link #NONE} when nothing is
     * left to undo.
     */
    private int backtrack() {
        while (depth > 0) {
            depth--;
            int undone = stackOps[depth];
            state = stackStates[depth];
            needsOtherThan = stackNeeds[depth];
            if (ops.get(undone).openEnded()) {
                openDepth--;
            }
            setHash ^= Memo.zobrist(undone);
            clear(linearized, undone);
            if (versionOrder != null) {
                versionOrder.undo(undone);
            }
            int invocation = invocationOf[undone];
            unlift(invocation);
            if (!stackFree[depth]) {
                return next[invocation];
            }
        }
        return NONE;
    }

    /** On success the witness is the path taken; otherwise the longest prefix seen on any path. */
    private Outcome outcome(Verdict verdict) {
        if (verdict == Verdict.LINEARIZABLE) {
            return new Outcome(verdict, steps, Arrays.copyOf(stackOps, depth), state, memo.size());
        }
        return new Outcome(verdict, steps, best, bestState, memo.size());
    }

    /**
     * Open-ended ops behave alike iff they have the same kind, effect and CAS expectation, and, when versions
     * must increase, the same version (their states may not show it: see {@link RegisterModel}).
     */
    private static int[] interchangeableBefore(List<Op> ops, RegisterModel model, boolean versionsIncrease) {
        int[] before = new int[ops.size()];
        Map<List<Long>, Integer> lastOfClass = new HashMap<>();
        for (int i = 0; i < ops.size(); i++) {
            Op op = ops.get(i);
            before[i] = NONE;
            if (op.openEnded() && op.mayHaveTakenEffect()) {
                List<Long> behaviour = List.of((long) op.kind().ordinal(), (long) model.stateAfter(i),
                        op.call().expectedVersion(), versionsIncrease ? op.writtenVersion() : Output.VERSION_UNKNOWN);
                Integer last = lastOfClass.put(behaviour, i);
                before[i] = last == null ? NONE : last;
            }
        }
        return before;
    }

    private void layOutEvents() {
        int n = ops.size();
        // Event e < n is op e's invocation, e >= n is op (e - n)'s completion.
        Integer[] events = IntStream.range(0, 2 * n).boxed().toArray(Integer[]::new);
        Arrays.sort(events, Comparator.<Integer>comparingLong(this::time)
                .thenComparingInt(e -> e < n ? 0 : 1)
                .thenComparingInt(e -> e));
        int[] completionPosition = new int[n];
        for (int i = 0; i < events.length; i++) {
            int position = i + 1;
            int e = events[i];
            opAt[position] = e % n;
            isInvocation[position] = e < n;
            (e < n ? invocationOf : completionPosition)[e % n] = position;
        }
        for (int position = FRONT; position < back; position++) {
            next[position] = position + 1;
            prev[position + 1] = position;
        }
        for (int op = 0; op < n; op++) {
            completionOf[invocationOf[op]] = completionPosition[op];
        }
    }

    private long time(int event) {
        int n = ops.size();
        Op op = ops.get(event % n);
        if (event < n) {
            return op.invokedAt();
        }
        return op.openEnded() ? Op.NEVER : op.completedAt();
    }

    /** Takes an invoked op's two events out of the list. */
    private void lift(int invocation) {
        remove(invocation);
        remove(completionOf[invocation]);
    }

    /** Puts them back, in the reverse order (dancing links: each restores the neighbours it was removed from). */
    private void unlift(int invocation) {
        restore(completionOf[invocation]);
        restore(invocation);
    }

    private void remove(int position) {
        next[prev[position]] = next[position];
        prev[next[position]] = prev[position];
    }

    private void restore(int position) {
        next[prev[position]] = position;
        prev[next[position]] = position;
    }

    private static void set(long[] bits, int i) {
        bits[i >>> 6] |= 1L << i;
    }

    private static boolean isSet(long[] bits, int i) {
        return (bits[i >>> 6] & (1L << i)) != 0;
    }

    private static void clear(long[] bits, int i) {
        bits[i >>> 6] &= ~(1L << i);
    }
}
