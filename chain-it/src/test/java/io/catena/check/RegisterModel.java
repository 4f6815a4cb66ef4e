package io.catena.check;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 */
final class RegisterModel {

    /** {@link #step} result: the op cannot take effect in this state. */
    static final int REJECTED = -1;
    static final int INITIAL = 0;

    /** The version of the initial state: no write made it, so no read or CAS can name it. */
    private static final long VERSION_NONE = Long.MIN_VALUE;

    /** @param value {@code null} when the key has no value */
    record State(String value, long version) {

        @Override
        public String toString() {
            String at = version == VERSION_NONE ? " (initial)"
                    : version == Output.VERSION_UNKNOWN ? " (version unknown)" : " (v" + version + ")";
            return Call.quote(value) + at;
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
        intern(new State(null, VERSION_NONE), numbers);
        for (int i = 0; i < ops.size(); i++) {
            Op op = ops.get(i);
            stateAfter[i] = op.mayHaveTakenEffect() ? intern(effectOf(op), numbers) : REJECTED;
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

    /** Why op {@code opIndex} cannot take effect in {@code state}, or {@code null} if it can. */
    String whyRejected(int state, int opIndex) {
        if (step(state, opIndex) != REJECTED) {
            return null;
        }
        Op op = ops.get(opIndex);
        State now = states.get(state);
        return switch (op.kind()) {
            case READ -> "saw " + Call.quote(op.output().value())
                    + (op.output().versionKnown() ? " (v" + op.output().version() + ")" : "") + ", but the key holds "
                    + now;
            case CAS -> (stateAfter[opIndex] != REJECTED ? "applied" : "was rejected") + " expecting "
                    + (op.call().expectsAbsent() ? "no value" : "v" + op.call().expectedVersion())
                    + ", but the key holds " + now;
            case WRITE, DELETE -> throw new AssertionError("a " + op.kind() + " always takes effect");
        };
    }

    State state(int state) {
        return states.get(state);
    }

    int stateCount() {
        return states.size();
    }

    boolean claims(long version) {
        return claimedVersions.contains(version);
    }

    private boolean sees(State now, Output read) {
        return Objects.equals(now.value(), read.value())
                && (!read.versionKnown() || versionMatches(now, read.version()));
    }

    private boolean expectationMet(State now, Call cas) {
        return cas.expectsAbsent() ? now.value() == null : versionMatches(now, cas.expectedVersion());
    }

    private boolean expectationMayFail(State now, Call cas) {
        if (cas.expectsAbsent()) {
            return now.value() != null;
        }
        return now.version() == Output.VERSION_UNKNOWN || now.version() != cas.expectedVersion();
    }

    private boolean versionMatches(State now, long version) {
        if (now.version() == Output.VERSION_UNKNOWN) {
            return !claimedVersions.contains(version);
        }
        return now.version() == version;
    }

    private static State effectOf(Op op) {
        String value = op.kind() == Op.Kind.DELETE ? null : op.call().value();
        return new State(value, op.writtenVersion());
    }

    private int intern(State state, Map<State, Integer> numbers) {
        return numbers.computeIfAbsent(state, s -> {
            states.add(s);
            return states.size() - 1;
        });
    }
}
