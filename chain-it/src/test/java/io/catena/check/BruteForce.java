package io.catena.check;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The definition of linearizability for one key, checked by trying every order of every subset of the
 * open-ended ops: exponential, for histories of a handful of ops, written without any of {@link Search}'s
 * prunings or {@link RegisterModel}'s merging of states, so that the two can be compared.
 */
final class BruteForce {

    private record State(boolean present, String value, long version) {
    }

    private static final long VERSION_NONE = Long.MIN_VALUE;

    private final List<Op> ops;
    private final boolean versionsIncrease;
    private final Set<Long> claimed = new HashSet<>();

    BruteForce(List<Op> history, boolean versionsIncrease) {
        this.ops = history.stream().filter(op -> op.outcome() != Op.Outcome.FAIL)
                .filter(op -> op.kind() != Op.Kind.READ || op.outcome() == Op.Outcome.OK).toList();
        this.versionsIncrease = versionsIncrease;
        ops.stream().filter(Op::mayHaveTakenEffect).map(Op::writtenVersion)
                .filter(v -> v != Output.VERSION_UNKNOWN).forEach(claimed::add);
    }

    boolean linearizable() {
        long effectiveWithVersion = ops.stream().filter(Op::mayHaveTakenEffect)
                .filter(op -> op.writtenVersion() != Output.VERSION_UNKNOWN).count();
        if (effectiveWithVersion != claimed.size()) {
            return false; // two writes claim one version
        }
        return search(new ArrayList<>(ops), new State(false, null, VERSION_NONE), Long.MIN_VALUE);
    }

    private boolean search(List<Op> remaining, State state, long maxVersion) {
        if (remaining.stream().allMatch(Op::openEnded)) {
            return true;
        }
        for (Op op : remaining) {
            if (!mayGoNext(op, remaining)) {
                continue;
            }
            State after = apply(state, op);
            long version = op.mayHaveTakenEffect() ? op.writtenVersion() : Output.VERSION_UNKNOWN;
            if (after == null || (versionsIncrease && version != Output.VERSION_UNKNOWN && version <= maxVersion)) {
                continue;
            }
            List<Op> rest = new ArrayList<>(remaining);
            rest.remove(op);
            if (search(rest, after, version == Output.VERSION_UNKNOWN ? maxVersion : version)) {
                return true;
            }
        }
        return false;
    }

    /** No op still to place, with a deadline, completed before {@code op} was invoked. */
    private static boolean mayGoNext(Op op, List<Op> remaining) {
        return remaining.stream().noneMatch(a -> !a.openEnded() && a.completedAt() < op.invokedAt());
    }

    /** The state after {@code op}, or null if it cannot take effect (an open-ended CAS only as applied). */
    private State apply(State state, Op op) {
        return switch (op.kind()) {
            case READ -> sees(state, op.output()) ? state : null;
            case WRITE -> new State(true, op.call().value(), op.writtenVersion());
            case DELETE -> new State(false, null, op.writtenVersion());
            case CAS -> {
                boolean met = op.call().expectsAbsent() ? !state.present() : matches(state, op.call().expectedVersion());
                if (op.mayHaveTakenEffect()) {
                    yield met ? new State(true, op.call().value(), op.writtenVersion()) : null;
                }
                boolean mayFail = op.call().expectsAbsent() ? state.present()
                        : state.version() == Output.VERSION_UNKNOWN || state.version() != op.call().expectedVersion();
                yield mayFail ? state : null;
            }
        };
    }

    private boolean sees(State state, Output read) {
        boolean value = read.value() == null ? !state.present()
                : state.present() && Objects.equals(read.value(), state.value());
        return value && (!read.versionKnown() || matches(state, read.version()));
    }

    private boolean matches(State state, long version) {
        return state.version() == Output.VERSION_UNKNOWN ? !claimed.contains(version) : state.version() == version;
    }
}
