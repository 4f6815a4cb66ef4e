package io.catena.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The linearizability checker on hand-made histories of one key ({@code "k"}) unless stated. Times are in
 * arbitrary units; clients are c1, c2, ...
 */
class CheckerTest {

    static final String K = "k";
    /** Performance bounds, with room for a slow CI machine: the searches take a few ms each. */
    static final long ONE_KEY_500_OPS_MS_MAX = 1_000;
    static final long FIFTY_KEYS_200_OPS_MS_MAX = 2_000;

    private final History history = new History();
    private final Linearizability checker = new Linearizability();

    // ---- linearizable

    @Test
    @DisplayName("sequential writes and reads that each see the last write are linearizable")
    void sequentialHistoryIsLinearizable() {
        history.addOk(1, Call.write(K, "a"), 0, 10, Output.written(1));
        history.addOk(2, Call.read(K), 20, 30, Output.read("a", 1));
        history.addOk(1, Call.write(K, "b"), 40, 50, Output.written(2));
        history.addOk(2, Call.read(K), 60, 70, Output.read("b", 2));

        KeyResult result = checkK();

        assertThat(result.verdict()).as(result.render()).isEqualTo(Verdict.OK);
        assertThat(result.longestPrefix()).as("the witness").extracting(Op::id).containsExactly(0, 1, 2, 3);
    }

    @ParameterizedTest(name = "seeing \"{0}\"")
    @ValueSource(strings = {"a", "b"})
    @DisplayName("a read overlapping two overlapping writes may see either of them")
    void readOverlappingTwoWritesMaySeeEither(String seen) {
        history.addOk(1, Call.write(K, "a"), 0, 100, Output.written());
        history.addOk(2, Call.write(K, "b"), 10, 90, Output.written());
        history.addOk(3, Call.read(K), 20, 80, Output.read(seen));

        assertOk();
    }

    @Test
    @DisplayName("a write whose client timed out (INFO) may be seen long after the client gave up")
    void infoWriteMayBeSeenLater() {
        history.addInfo(1, Call.write(K, "a"), 0);
        history.addOk(2, Call.read(K), 10, 20, Output.absent());
        history.addOk(2, Call.read(K), 1_000, 1_010, Output.read("a"));

        assertOk();
    }

    @Test
    @DisplayName("a write whose client timed out (INFO) may never take effect")
    void infoWriteMayNeverTakeEffect() {
        history.addOk(1, Call.write(K, "a"), 0, 10, Output.written(1));
        history.addInfo(1, Call.write(K, "b"), 20);
        history.addOk(2, Call.read(K), 30, 40, Output.read("a", 1));
        history.addOk(2, Call.read(K), 1_000, 1_010, Output.read("a", 1));

        assertOk();
    }

    @Test
    @DisplayName("an op still outstanding when the history is checked counts as INFO")
    void outstandingOpCountsAsInfo() {
        history.invoke(1, Call.write(K, "a"), 0);
        history.addOk(2, Call.read(K), 10, 20, Output.read("a"));

        assertOk();
        assertThat(history.ops().get(0).outcome()).isEqualTo(Op.Outcome.INFO);
    }

    @Test
    @DisplayName("a read after a completed delete sees no value")
    void readAfterDeleteSeesNoValue() {
        history.addOk(1, Call.write(K, "a"), 0, 10, Output.written(1));
        history.addOk(1, Call.delete(K), 20, 30, Output.written(2));
        history.addOk(2, Call.read(K), 40, 50, Output.absent());

        assertOk();
    }

    @Test
    @DisplayName("a CAS applies against the current version and is rejected against an overwritten one")
    void casAppliesAgainstCurrentVersionAndIsRejectedAgainstOldOne() {
        history.addOk(1, Call.write(K, "a"), 0, 10, Output.written(1));
        history.addOk(2, Call.cas(K, 1, "b"), 20, 30, Output.written(2));
        history.addOk(3, Call.cas(K, 1, "c"), 40, 50, Output.casRejected());
        history.addOk(4, Call.read(K), 60, 70, Output.read("b", 2));

        assertOk();
    }

    @Test
    @DisplayName("a CAS if absent applies on a fresh key and is rejected once the key has a value")
    void casIfAbsentAppliesOnlyOnce() {
        history.addOk(1, Call.casIfAbsent(K, "a"), 0, 10, Output.written(1));
        history.addOk(2, Call.casIfAbsent(K, "b"), 20, 30, Output.casRejected());
        history.addOk(3, Call.read(K), 40, 50, Output.read("a", 1));

        assertOk();
    }

    @Test
    @DisplayName("ops that touch at one instant count as concurrent, so either order is allowed")
    void opsTouchingAtOneInstantAreConcurrent() {
        history.addOk(1, Call.write(K, "a"), 0, 10, Output.written(1));
        history.addOk(2, Call.read(K), 10, 20, Output.absent());

        assertOk();
    }

    @Test
    @DisplayName("an acknowledged write marked may-be-lost (ack=head) may vanish")
    void mayBeLostWriteMayVanish() {
        history.addOk(1, Call.write(K, "a"), 0, 10, Output.written(1));
        history.addOkMayBeLost(1, Call.write(K, "b"), 20, 30, Output.written(2));
        history.addOk(2, Call.read(K), 40, 50, Output.read("a", 1));

        assertOk();
    }

    @Test
    @DisplayName("an acknowledged write marked may-be-lost may also reach the tail after its acknowledgement")
    void mayBeLostWriteMayTakeEffectLate() {
        history.addOkMayBeLost(1, Call.write(K, "a"), 0, 10, Output.written(1));
        history.addOk(2, Call.read(K), 20, 30, Output.absent());
        history.addOk(2, Call.read(K), 40, 50, Output.read("a", 1));

        assertOk();
    }

    @Test
    @DisplayName("a failed (FAIL) write is ignored")
    void failedWriteIsIgnored() {
        history.addFail(1, Call.write(K, "a"), 0, 10);
        history.addOk(2, Call.read(K), 20, 30, Output.absent());

        assertOk();
    }

    // ---- not linearizable

    @Test
    @DisplayName("a read after a completed write that sees the value before it is a violation")
    void staleReadIsViolation() {
        history.addOk(1, Call.write(K, "a"), 0, 10, Output.written(1));
        history.addOk(1, Call.write(K, "b"), 20, 30, Output.written(2));
        Op stale = history.addOk(2, Call.read(K), 40, 50, Output.read("a", 1));

        KeyResult result = checkK();

        assertThat(result.verdict()).as(result.render()).isEqualTo(Verdict.VIOLATION);
        assertThat(result.steps()).as("evident from real-time order, no search").isZero();
        assertThat(result.involved()).extracting(Op::id).containsExactly(0, 1, stale.id());
        assertThat(result.explanation()).contains("key \"k\"", "a read saw \"a\", but #1 overwrote it");
    }

    @Test
    @DisplayName("a read of an overwritten version, while a concurrent write puts the same value again, is refuted"
            + " by the search and explained by the longest prefix and the ops that could not follow it")
    void readOfOverwrittenVersionIsExplained() {
        history.addOk(1, Call.write(K, "a"), 0, 10, Output.written(1));
        history.addOk(1, Call.write(K, "b"), 20, 30, Output.written(2));
        history.addOk(2, Call.write(K, "a"), 20, 100, Output.written(3));
        history.addOk(3, Call.read(K), 40, 50, Output.read("a", 1));

        KeyResult result = checkK();

        assertThat(result.verdict()).as(result.render()).isEqualTo(Verdict.VIOLATION);
        assertThat(result.steps()).isPositive();
        assertThat(result.longestPrefix()).extracting(Op::id).containsExactly(0, 1, 2);
        assertThat(result.explanation()).contains("3 of 4 ops", "holding \"a\" (v3, from #2)",
                "#3 c3 [40, 50] READ -> \"a\" v1: saw \"a\" (v1), but the key holds \"a\" (v3, from #2)");
    }

    @Test
    @DisplayName("a read of a value that no write wrote is a violation found without searching")
    void readOfNeverWrittenValueIsViolation() {
        history.addOk(1, Call.write(K, "a"), 0, 10, Output.written(1));
        history.addOk(2, Call.read(K), 20, 30, Output.read("zz"));

        KeyResult result = checkK();

        assertThat(result.verdict()).isEqualTo(Verdict.VIOLATION);
        assertThat(result.steps()).isZero();
        assertThat(result.explanation()).contains("\"zz\"", "no write that may have taken effect wrote");
    }

    @Test
    @DisplayName("a read of a value that only a failed (FAIL) write wrote is a violation")
    void readOfFailedWriteIsViolation() {
        history.addFail(1, Call.write(K, "a"), 0, 10);
        history.addOk(2, Call.read(K), 20, 30, Output.read("a"));

        assertViolation();
    }

    @Test
    @DisplayName("a read whose version belongs to a write of another value is a violation")
    void readWithAnotherWritesVersionIsViolation() {
        history.addOk(1, Call.write(K, "a"), 0, 10, Output.written(1));
        history.addOk(1, Call.write(K, "b"), 20, 30, Output.written(2));
        history.addOk(2, Call.read(K), 40, 50, Output.read("b", 1));

        assertViolation();
    }

    @Test
    @DisplayName("two sequential reads seeing the newer then the older of two completed writes is a violation")
    void nonMonotonicReadsAreViolation() {
        history.addOk(1, Call.write(K, "a"), 0, 30, Output.written());
        history.addOk(2, Call.write(K, "b"), 0, 30, Output.written());
        history.addOk(3, Call.read(K), 40, 50, Output.read("b"));
        history.addOk(3, Call.read(K), 60, 70, Output.read("a"));

        assertViolation();
    }

    @Test
    @DisplayName("an acknowledged write that no later read sees is a violation (a lost write)")
    void lostAcknowledgedWriteIsViolation() {
        history.addOk(1, Call.write(K, "a"), 0, 10, Output.written(1));
        history.addOk(2, Call.read(K), 20, 30, Output.absent());

        assertViolation();
    }

    @Test
    @DisplayName("a CAS that applied against a version already overwritten is a violation")
    void casAgainstOverwrittenVersionIsViolation() {
        history.addOk(1, Call.write(K, "a"), 0, 10, Output.written(1));
        history.addOk(1, Call.write(K, "b"), 20, 30, Output.written(2));
        history.addOk(2, Call.cas(K, 1, "c"), 40, 50, Output.written(3));

        KeyResult result = checkK();

        assertThat(result.verdict()).as(result.render()).isEqualTo(Verdict.VIOLATION);
        assertThat(result.explanation()).contains("applied expecting v1, but the key holds \"b\" (v2, from #1)");
    }

    @Test
    @DisplayName("a write whose client timed out (INFO) that is seen and then unseen is a violation")
    void infoWriteSeenThenUnseenIsViolation() {
        history.addInfo(1, Call.write(K, "a"), 0);
        history.addOk(2, Call.read(K), 10, 20, Output.read("a"));
        history.addOk(2, Call.read(K), 30, 40, Output.absent());

        assertViolation();
    }

    @Test
    @DisplayName("two writes claiming one version are a violation")
    void twoWritesWithOneVersionAreViolation() {
        history.addOk(1, Call.write(K, "a"), 0, 10, Output.written(7));
        history.addOk(2, Call.write(K, "b"), 20, 30, Output.written(7));

        assertViolation();
    }

    @Test
    @DisplayName("a write that took effect after a write of a higher version is a violation, unless versions need"
            + " only be unique")
    void versionsOutOfOrderAreViolationUnlessOnlyUnique() {
        history.addOk(1, Call.write(K, "a"), 0, 10, Output.written(2));
        history.addOk(1, Call.write(K, "b"), 20, 30, Output.written(1));
        history.addOk(2, Call.read(K), 40, 50, Output.read("b", 1));

        KeyResult increasing = checkK();
        KeyResult unique = new Linearizability(Linearizability.STEPS_MAX_DEFAULT, false).check(K, history.ops());

        assertThat(increasing.verdict()).as(increasing.render()).isEqualTo(Verdict.VIOLATION);
        assertThat(increasing.explanation()).contains("versions increase, and #1 c1 [20, 30] WRITE \"b\" -> ok v1"
                + " must take effect first");
        assertThat(unique.verdict()).as(unique.render()).isEqualTo(Verdict.OK);
    }

    // ---- limits and reporting

    @Test
    @DisplayName("a search that exceeds stepsMax is UNKNOWN, neither OK nor a violation")
    void exceedingStepsMaxIsUnknown() {
        IntStream.range(0, 10).forEach(i -> history.addOk(i, Call.write(K, "v" + i), 0, 100, Output.written()));
        history.addOk(1, Call.read(K), 200, 210, Output.read("v0"));

        Report report = new Linearizability(5, true).checkAll(history);

        assertThat(report.verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(report.isOk()).isFalse();
        assertThat(report.unknowns().get(0).explanation()).contains("stepsMax 5");
    }

    @Test
    @DisplayName("checkAll checks each key alone and reports only the keys that are not linearizable")
    void checkAllReportsPerKey() {
        history.addOk(1, Call.write("x", "a"), 0, 10, Output.written(1));
        history.addOk(2, Call.write("y", "a"), 0, 10, Output.written(2));
        history.addOk(1, Call.read("x"), 20, 30, Output.read("a", 1));
        history.addOk(2, Call.read("y"), 20, 30, Output.absent());

        Report report = checker.checkAll(history);

        assertThat(report.verdict()).isEqualTo(Verdict.VIOLATION);
        assertThat(report.results()).extracting(KeyResult::key).containsExactly("x", "y");
        assertThat(report.violations()).extracting(KeyResult::key).containsExactly("y");
        assertThat(report.render()).startsWith("VIOLATION: 2 keys, 1 violations").contains("key \"y\"")
                .doesNotContain("key \"x\"");
    }

    @Test
    @DisplayName("a rendered violation shows one line per op with client, interval, kind, input and output")
    void renderedViolationHasTimeline() {
        history.addOk(1, Call.write(K, "a"), 0, 30, Output.written());
        history.addOk(2, Call.write(K, "b"), 0, 30, Output.written());
        history.addInfo(3, Call.casIfAbsent(K, "c"), 5);
        history.addOk(4, Call.read(K), 40, 50, Output.read("b"));
        history.addOk(4, Call.read(K), 60, 70, Output.read("a"));

        String rendered = checkK().render();

        System.out.println(rendered);
        assertThat(rendered).contains(
                "#0  c1      [0, 30]", "WRITE   \"a\"", "ok",
                "#2  c3      [5, inf]", "CAS     if absent -> \"c\"", "info",
                "#4  c4      [60, 70]", "READ", "\"a\"");
        assertThat(rendered.lines().filter(line -> line.matches("^[1-3] .*"))).as("ops in the prefix")
                .hasSize(3);
        assertThat(rendered.lines().filter(line -> line.matches("^ +\\* .*"))).as("ops marked involved")
                .hasSize(2);
    }

    // ---- performance

    @Test
    @DisplayName("500 ops of 10 concurrent clients on one key check in well under a second")
    void oneKeyWithHeavyConcurrencyIsFast() {
        History generated = new RegisterWorkload(42, 10, List.of(K)).run(500);

        long startNs = System.nanoTime();
        Report report = checker.checkAll(generated);
        long elapsedMs = (System.nanoTime() - startNs) / 1_000_000;

        System.out.printf("one key, 500 ops: %s in %d ms, %d steps%n", report.verdict(), elapsedMs, report.steps());
        assertThat(report.verdict()).as(report.render()).isEqualTo(Verdict.OK);
        assertThat(elapsedMs).isLessThan(ONE_KEY_500_OPS_MS_MAX);
    }

    @Test
    @DisplayName("one stale read among 500 ops of 10 concurrent clients is found in well under a second")
    void staleReadInLargeHistoryIsFoundFast() {
        History generated = new RegisterWorkload(42, 10, List.of(K)).run(500);
        History corrupted = withOneStaleRead(generated);

        long startNs = System.nanoTime();
        Report report = checker.checkAll(corrupted);
        long elapsedMs = (System.nanoTime() - startNs) / 1_000_000;

        System.out.printf("one key, 500 ops, one stale read: %s in %d ms, %d steps%n", report.verdict(), elapsedMs,
                report.steps());
        assertThat(report.verdict()).isEqualTo(Verdict.VIOLATION);
        assertThat(elapsedMs).isLessThan(ONE_KEY_500_OPS_MS_MAX);
    }

    @Test
    @DisplayName("the search alone refutes one stale read among 500 ops of 10 concurrent clients in well under a"
            + " second")
    void searchAloneRefutesStaleReadInLargeHistoryFast() {
        List<Op> corrupted = withOneStaleRead(new RegisterWorkload(42, 10, List.of(K)).run(500)).ops();
        RegisterModel model = new RegisterModel(corrupted);

        long startNs = System.nanoTime();
        Search.Outcome outcome = new Search(corrupted, model, true, Linearizability.STEPS_MAX_DEFAULT).run();
        long elapsedMs = (System.nanoTime() - startNs) / 1_000_000;

        System.out.printf("search alone, one key, 500 ops, one stale read: %s in %d ms, %d steps%n",
                outcome.verdict(), elapsedMs, outcome.steps());
        assertThat(outcome.verdict()).isEqualTo(Search.Verdict.VIOLATION);
        assertThat(elapsedMs).isLessThan(ONE_KEY_500_OPS_MS_MAX);
    }

    @Test
    @DisplayName("500 ops of 10 concurrent clients that record no versions check in well under a second")
    void oneKeyWithoutVersionsIsFast() {
        History generated = new RegisterWorkload(42, 10, List.of(K), false).run(500);

        long startNs = System.nanoTime();
        Report report = checker.checkAll(generated);
        long elapsedMs = (System.nanoTime() - startNs) / 1_000_000;

        System.out.printf("one key, 500 ops, no versions: %s in %d ms, %d steps%n", report.verdict(), elapsedMs,
                report.steps());
        assertThat(report.verdict()).as(report.render()).isEqualTo(Verdict.OK);
        assertThat(elapsedMs).isLessThan(ONE_KEY_500_OPS_MS_MAX);
    }

    @Test
    @DisplayName("50 keys of 200 ops each check in under 2 s in total")
    void fiftyKeysAreFast() {
        List<String> keys = IntStream.range(0, 50).mapToObj(i -> "key-" + i).toList();
        History generated = new RegisterWorkload(7, 10 * keys.size(), keys).run(200 * keys.size());

        long startNs = System.nanoTime();
        Report report = checker.checkAll(generated);
        long elapsedMs = (System.nanoTime() - startNs) / 1_000_000;

        System.out.printf("50 keys, 10000 ops: %s in %d ms, %d steps%n", report.verdict(), elapsedMs, report.steps());
        assertThat(report.results()).hasSize(50);
        assertThat(report.verdict()).as(report.render()).isEqualTo(Verdict.OK);
        assertThat(elapsedMs).isLessThan(FIFTY_KEYS_200_OPS_MS_MAX);
    }

    // ---- helpers

    private KeyResult checkK() {
        return checker.check(K, history.byKey().get(K));
    }

    private void assertOk() {
        KeyResult result = checkK();
        assertThat(result.verdict()).as(result.render()).isEqualTo(Verdict.OK);
    }

    private void assertViolation() {
        KeyResult result = checkK();
        assertThat(result.verdict()).as(result.render()).isEqualTo(Verdict.VIOLATION);
        assertThat(result.explanation()).contains("key \"k\"");
    }

    /**
     * A copy of {@code source} in which the last read that saw a value, and started after an earlier write of
     * another value completed, sees that older value instead.
     */
    private static History withOneStaleRead(History source) {
        List<Op> ops = source.ops();
        int victim = -1;
        String older = null;
        for (Op read : ops) {
            if (read.kind() != Op.Kind.READ || read.output().value() == null) {
                continue;
            }
            for (Op write : ops) {
                if (write.kind() == Op.Kind.WRITE && write.outcome() == Op.Outcome.OK
                        && write.completedAt() < read.invokedAt() - RegisterWorkload.OP_DURATION_MAX * 2L
                        && !write.call().value().equals(read.output().value())) {
                    victim = read.id();
                    older = write.call().value();
                }
            }
        }
        History copy = new History();
        for (Op op : ops) {
            Output output = op.id() == victim ? Output.read(older) : op.output();
            switch (op.outcome()) {
                case OK -> copy.addOk(op.client(), op.call(), op.invokedAt(), op.completedAt(), output);
                case FAIL -> copy.addFail(op.client(), op.call(), op.invokedAt(), op.completedAt());
                case INFO -> copy.addInfo(op.client(), op.call(), op.invokedAt());
            }
        }
        return copy;
    }
}
