package io.catena.check;

import java.util.Objects;

/**
 * One operation in a history, as one client saw it: what it asked ({@link Call}), when it asked and when it
 * heard back, and what it heard.
 *
 * <p>Times are any monotonic clock shared by all clients of one history (nanoseconds, or simulated ms); an
 * operation is concurrent with another unless one completed strictly before the other was invoked.
 *
 * @param id          dense, assigned by {@link History} in the order it recorded the invocations
 * @param client      the process or client that issued it (for the report only)
 * @param completedAt {@link #NEVER} for INFO: an op whose outcome is unknown may take effect at any time after
 *                    its invocation, or not at all
 * @param output      for OK, what the client got; for INFO, what it learned, if anything; for FAIL, {@code null}
 * @param mayBeLost   an OK WRITE, DELETE or applied CAS acknowledged at a level that does not survive every
 *                    failure (e.g. ack=head): the checker treats it like INFO
 */
public record Op(int id, int client, Call call, long invokedAt, long completedAt, Outcome outcome, Output output,
                 boolean mayBeLost) {

    /** The completion time of an op whose outcome is unknown: it is never too late for it to take effect. */
    public static final long NEVER = Long.MAX_VALUE;

    public enum Kind {
        WRITE, DELETE, READ, CAS;

        boolean mutates() {
            return this != READ;
        }
    }

    public enum Outcome {
        /** Completed, with an output. */
        OK,
        /** Surely had no effect (e.g. refused before it was sequenced). */
        FAIL,
        /** Unknown (timed out, connection lost): it may take effect at any time after its invocation, or never. */
        INFO
    }

    public Op {
        Objects.requireNonNull(call, "call");
        Objects.requireNonNull(outcome, "outcome");
        if (completedAt < invokedAt) {
            throw new IllegalArgumentException("op " + id + " completed at " + completedAt + " before its invocation at "
                    + invokedAt);
        }
        if ((outcome == Outcome.INFO) != (completedAt == NEVER)) {
            throw new IllegalArgumentException("op " + id + ": exactly the INFO ops complete at NEVER");
        }
        if (outcome == Outcome.OK) {
            Objects.requireNonNull(output, "an OK op has an output");
            if (call.kind() != Kind.CAS && call.kind() != Kind.READ && !output.applied()) {
                throw new IllegalArgumentException("op " + id + ": a " + call.kind() + " cannot be rejected; FAIL it");
            }
            if (call.kind() != Kind.READ && output.value() != null) {
                throw new IllegalArgumentException("op " + id + ": only a READ outputs a value");
            }
        }
        if (outcome == Outcome.FAIL && output != null) {
            throw new IllegalArgumentException("op " + id + ": a FAIL op has no output");
        }
        if (mayBeLost && !call.kind().mutates()) {
            throw new IllegalArgumentException("op " + id + ": only a WRITE, DELETE or CAS may be lost");
        }
    }

    public String key() {
        return call.key();
    }

    public Kind kind() {
        return call.kind();
    }

    /** Whether the op may have changed the store: it was not refused, and (if a CAS) not known to be rejected. */
    boolean mayHaveTakenEffect() {
        if (!kind().mutates() || outcome == Outcome.FAIL) {
            return false;
        }
        return outcome == Outcome.INFO || output.applied();
    }

    /**
     * Whether the checker may place this op's effect at any time after its invocation, or drop it: INFO ops,
     * and acknowledged writes that {@link #mayBeLost}.
     */
    boolean openEnded() {
        return outcome == Outcome.INFO || (mayBeLost && mayHaveTakenEffect());
    }

    /** The version this op's effect carries, if it took effect and the client knows it. */
    long writtenVersion() {
        return output == null ? Output.VERSION_UNKNOWN : output.version();
    }

    Op completed(long at, Outcome outcomeNow, Output outputNow) {
        return new Op(id, client, call, invokedAt, at, outcomeNow, outputNow, mayBeLost);
    }

    Op markedMayBeLost() {
        return new Op(id, client, call, invokedAt, completedAt, outcome, output, true);
    }

    /** The outcome and output as reports show them: {@code ok v3}, {@code "a" v2}, {@code rejected}, {@code info}. */
    String renderOutcome() {
        return switch (outcome) {
            case OK -> output.render(kind()) + (mayBeLost ? " (may be lost)" : "");
            case FAIL -> "fail";
            case INFO -> "info" + (output != null && output.versionKnown() ? " v" + output.version() : "");
        };
    }

    /** {@code [invokedAt, completedAt]}, with {@code inf} for {@link #NEVER}. */
    String renderInterval() {
        return "[" + invokedAt + ", " + (completedAt == NEVER ? "inf" : Long.toString(completedAt)) + "]";
    }

    /** One line: {@code #3 c2 [40, 50] READ -> "a" v1}. */
    @Override
    public String toString() {
        String in = call.render();
        return "#" + id + " c" + client + " " + renderInterval() + " " + kind() + (in.isEmpty() ? "" : " " + in)
                + " -> " + renderOutcome();
    }
}
