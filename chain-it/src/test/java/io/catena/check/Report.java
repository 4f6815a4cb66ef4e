package io.catena.check;

import java.util.List;
import java.util.stream.Collectors;

/** The verdicts on every key of a history; the history is linearizable iff every key's is (P-compositionality). */
public record Report(List<KeyResult> results) {

    public Report {
        results = List.copyOf(results);
    }

    /** VIOLATION if any key has one, else UNKNOWN if any key is undecided, else OK. */
    public Verdict verdict() {
        if (results.stream().anyMatch(r -> r.verdict() == Verdict.VIOLATION)) {
            return Verdict.VIOLATION;
        }
        return results.stream().anyMatch(r -> r.verdict() == Verdict.UNKNOWN) ? Verdict.UNKNOWN : Verdict.OK;
    }

    public boolean isOk() {
        return verdict() == Verdict.OK;
    }

    public List<KeyResult> violations() {
        return results.stream().filter(r -> r.verdict() == Verdict.VIOLATION).toList();
    }

    public List<KeyResult> unknowns() {
        return results.stream().filter(r -> r.verdict() == Verdict.UNKNOWN).toList();
    }

    public long steps() {
        return results.stream().mapToLong(KeyResult::steps).sum();
    }

    /** One summary line, then every key that is not OK rendered with its timeline. */
    public String render() {
        String summary = verdict() + ": " + results.size() + " keys, " + violations().size() + " violations, "
                + unknowns().size() + " unknown, " + results.stream().mapToInt(r -> r.ops().size()).sum() + " ops, "
                + steps() + " steps";
        return results.stream().filter(r -> !r.isOk()).map(KeyResult::render)
                .collect(Collectors.joining("\n", summary + "\n", ""));
    }

    @Override
    public String toString() {
        return render();
    }
}
