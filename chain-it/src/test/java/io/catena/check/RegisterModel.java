package io.catena.check;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The sequential specification of one key: a register holding a value (or none) and the version of the write
 * that put it there. States are numbered densely so that the search can memoise {@code (linearized set, state)}
 * with an int; two writes that leave the same value and version lead to the same state number.
 *
 * <p>Unknown versions. A write whose version the client does not know (an INFO write without a seq) leaves a
 * state whose version is unknown. Versions are unique per write, so such a state can have any version that no
 * other write of this key claims: a read or CAS naming such a version matches it, one naming a claimed version
 * does not. This is permissive (one unknown version may stand for different versions to different readers),
 * never a false violation.
 *
 * <p>Only what can be observed is kept. A value that no read saw, and a known version that no read or CAS
 * names, cannot be told apart from another such value or version by any op of the history, so states keep
 * neither: a write of an unread value leaves "some value no read saw", and one of an unnamed version leaves
 * "a version no op names" (which, unlike an unknown version, matches no version). This merges states that would
 * only multiply the search, e.g. INFO writes that can each explain a rejected CAS.
 */
final class RegisterModel {

    /** {@link #step} result: the op cannot take effect in this state. */
    static final int REJECTED = -1;
    static final int INITIAL = 0;

    /** The version of the initial state: no write made it, so no read or CAS can name it. */
    private static final long VERSION_NONE = Long.MIN_VALUE;
    /** A known version that no read or CAS of the history names: it matches no version. */
    private static final long VERSION_UNNAMED = Long.MIN_VALUE + 1;

    /** @param value {@code null} when the key has no value, or when it has one that no read saw */
    record State(boolean present, String value, long version) {

        static State absent(long version) {
            return new State(false, null, version);
        }

        @Override
        public String toString() {
            String at = version == VERSION_NONE ? " (initial)"
                    : version == VERSION_UNNAMED ? " (a version no op names)"
                    : version == Output.VERSION_UNKNOWN ? " (version unknown)" : " (v" + version + ")";
            return (present && value == null ? "a value no read saw" : Call.quote(value)) + at;
        }
    }

    private final List<Op> ops;
    private final List<State> states = new ArrayList<>();
    /** Per op index, the state its effect leaves; {@link #REJECTED} for reads and rejected CASes. */
    private final int[] stateAfter;
    private final Set<Long> claimedVersions = new HashSet<>();

    RegisterModel(List<Op> ops) {
        this.ops = ops;
        this.stateAfter = new int[ops.size()];
        Map<State, Integer> numbers = new HashMap<>();
        intern(State.absent(VERSION_NONE), numbers);
        Set<String> valuesRead = new HashSet<>();
        Set<Long> versionsNamed = new HashSet<>();
        for (Op op : ops) {
            if (op.kind() == Op.Kind.READ) {
                valuesRead.add(op.output().value());
                versionsNamed.add(op.output().version());
            } else if (op.kind() == Op.Kind.CAS) {
                versionsNamed.add(op.call().expectedVersion());
            }
        }
        for (int i = 0; i < ops.size(); i++) {
            Op op = ops.get(i);
            stateAfter[i] = op.mayHaveTakenEffect() ? intern(effectOf(op, valuesRead, versionsNamed), numbers)
                    : REJECTED;
            if (op.mayHaveTakenEffect() && op.writtenVersion() != Output.VERSION_UNKNOWN) {
                claimedVersions.add(op.writtenVersion());
            }
        }
    }

    /**
     * The state after op {@code opIndex} takes effect in {@code state}, or {@link #REJECTED} if it cannot take
     * effect there with the output it had. An open-ended CAS is only ever placed as applied: placing it as
     * rejected is the same as leaving it out.
     */
    int step(int state, int opIndex) {
        Op op = ops.get(opIndex);
        State now = states.get(state);
        return switch (op.kind()) {
            case READ -> sees(now, op.output()) ? state : REJECTED;
            case WRITE, DELETE -> stateAfter[opIndex];
            case CAS -> {
                if (stateAfter[opIndex] != REJECTED) {
                    yield expectationMet(now, op.call()) ? stateAfter[opIndex] : REJECTED;
                }
                yield expectationMayFail(now, op.call()) ? state : REJECTED;
            }
        };
    }

    /**
     * Why op {@code opIndex} cannot take effect in {@code state}, or {@code null} if it can; {@code holds} says
     * what the key holds in words (states here may have merged away what no op observes).
     */
    String whyRejected(int state, int opIndex, String holds) {
        if (step(state, opIndex) != REJECTED) {
            return null;
        }
        Op op = ops.get(opIndex);
        return switch (op.kind()) {
            case READ -> "saw " + Call.quote(op.output().value())
                    + (op.output().versionKnown() ? " (v" + op.output().version() + ")" : "") + ", but the key holds "
                    + holds;
            case CAS -> (stateAfter[opIndex] != REJECTED ? "applied" : "was rejected") + " expecting "
                    + (op.call().expectsAbsent() ? "no value" : "v" + op.call().expectedVersion())
                    + ", but the key holds " + holds;
            case WRITE, DELETE -> throw new AssertionError("a " + op.kind() + " always takes effect");
        };
    }

    /** The state op {@code opIndex} leaves if it takes effect, or {@link #REJECTED} if it cannot take effect. */
    int stateAfter(int opIndex) {
        return stateAfter[opIndex];
    }

    private boolean sees(State now, Output read) {
        boolean sameValue = read.value() == null ? !now.present() : read.value().equals(now.value());
        return sameValue && (!read.versionKnown() || versionMatches(now, read.version()));
    }

    private boolean expectationMet(State now, Call cas) {
        return cas.expectsAbsent() ? !now.present() : versionMatches(now, cas.expectedVersion());
    }

    private boolean expectationMayFail(State now, Call cas) {
        if (cas.expectsAbsent()) {
            return now.present();
        }
        return now.version() == Output.VERSION_UNKNOWN || now.version() != cas.expectedVersion();
    }

    private boolean versionMatches(State now, long version) {
        if (now.version() == Output.VERSION_UNKNOWN) {
            return !claimedVersions.contains(version);
        }
        return now.version() == version;
    }

    private static State effectOf(Op op, Set<String> valuesRead, Set<Long> versionsNamed) {
        long version = op.writtenVersion();
        if (version != Output.VERSION_UNKNOWN && !versionsNamed.contains(version)) {
            version = VERSION_UNNAMED;
        }
        if (op.kind() == Op.Kind.DELETE) {
            return State.absent(version);
        }
        String value = valuesRead.contains(op.call().value()) ? op.call().value() : null;
        return new State(true, value, version);
    }

    private int intern(State state, Map<State, Integer> numbers) {
        return numbers.computeIfAbsent(state, s -> {
            states.add(s);
            return states.size() - 1;
        });
    }
}
