package io.catena.check;

import java.util.List;

/**
 * The verdict on one key's history.
 *
 * @param explanation   empty when OK; otherwise what went wrong, in terms of ops and states
 * @param longestPrefix the longest sequence of ops the search linearized, in linearization order: a witness
 *                      when OK (open-ended ops left out are not in it), the point it got stuck otherwise
 * @param involved      when not OK, the ops that could not be linearized next: the op whose completion
 *                      blocked the search, and the ops pending with it
 * @param ops           every op of the key as given to the checker, FAIL ones included
 * @param steps         search steps taken (see {@link Linearizability#stepsMax()})
 */
public record KeyResult(String key, Verdict verdict, String explanation, List<Op> longestPrefix, List<Op> involved,
                        List<Op> ops, long steps) {

    public KeyResult {
        longestPrefix = List.copyOf(longestPrefix);
        involved = List.copyOf(involved);
        ops = List.copyOf(ops);
    }

    public boolean isOk() {
        return verdict == Verdict.OK;
    }

    /** The explanation followed by a timeline of the ops involved. */
    public String render() {
        return (explanation.isEmpty() ? "key " + Call.quote(key) + ": " + verdict : explanation) + "\n"
                + Timeline.render(this);
    }
}
