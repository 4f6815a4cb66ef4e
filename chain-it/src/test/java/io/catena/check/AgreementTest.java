package io.catena.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The search, with all its prunings, agrees with the brute-force definition ({@link BruteForce}) on random
 * small histories: few values (so they repeat), few versions, INFO and FAIL ops, may-be-lost writes, CASes,
 * and intervals that overlap and touch.
 */
class AgreementTest {

    static final int HISTORIES = 4_000;
    static final int OPS_MAX = 7;
    static final List<String> VALUES = List.of("a", "b", "c");

    @ParameterizedTest(name = "versionsIncrease = {0}")
    @ValueSource(booleans = {true, false})
    @DisplayName("on 4000 random histories of up to 7 ops, the search finds a linearization iff one exists")
    void searchAgreesWithBruteForce(boolean versionsIncrease) {
        Random random = new Random(20_241_124L + (versionsIncrease ? 1 : 0));
        Linearizability checker = new Linearizability(Linearizability.STEPS_MAX_DEFAULT, versionsIncrease);
        int linearizable = 0;
        for (int i = 0; i < HISTORIES; i++) {
            History history = randomHistory(random);
            List<Op> ops = history.ops();
            boolean expected = new BruteForce(ops, versionsIncrease).linearizable();

            KeyResult result = checker.check("k", ops);

            assertThat(result.verdict()).as("history %d:\n%s", i, result.render())
                    .isEqualTo(expected ? Verdict.OK : Verdict.VIOLATION);
            linearizable += expected ? 1 : 0;
        }
        System.out.printf("agreement (versionsIncrease=%s): %d of %d histories linearizable%n", versionsIncrease,
                linearizable, HISTORIES);
        assertThat(linearizable).as("both verdicts are exercised").isBetween(HISTORIES / 10, HISTORIES * 9 / 10);
    }

    private static History randomHistory(Random random) {
        History history = new History();
        int n = 1 + random.nextInt(OPS_MAX);
        List<Long> versions = new ArrayList<>(LongStream.rangeClosed(1, OPS_MAX).boxed().toList());
        Collections.shuffle(versions, random);
        for (int i = 0; i < n; i++) {
            long invokedAt = random.nextInt(12);
            long completedAt = invokedAt + random.nextInt(6);
            Call call = randomCall(random);
            int outcome = random.nextInt(10);
            if (outcome == 0) {
                history.addFail(i, call, invokedAt, completedAt);
            } else if (outcome <= 2 && call.kind() != Op.Kind.READ) {
                int id = history.invoke(i, call, invokedAt);
                history.info(id, random.nextBoolean() ? Output.written(versions.get(i)) : null);
            } else {
                Output output = randomOutput(random, call, versions.get(i));
                Op op = history.addOk(i, call, invokedAt, completedAt, output);
                if (call.kind().mutates() && output.applied() && random.nextInt(5) == 0) {
                    history.markMayBeLost(op.id());
                }
            }
        }
        return history;
    }

    private static Call randomCall(Random random) {
        String value = VALUES.get(random.nextInt(VALUES.size()));
        return switch (random.nextInt(5)) {
            case 0, 1 -> Call.write("k", value);
            case 2 -> Call.read("k");
            case 3 -> Call.delete("k");
            default -> random.nextBoolean() ? Call.casIfAbsent("k", value) : Call.cas("k", 1 + random.nextInt(4), value);
        };
    }

    /** Versions, when known, are a write's own (unique); reads name one of a few, or none. */
    private static Output randomOutput(Random random, Call call, long ownVersion) {
        long version = random.nextInt(3) == 0 ? Output.VERSION_UNKNOWN : ownVersion;
        return switch (call.kind()) {
            case WRITE, DELETE -> Output.written(version);
            case CAS -> random.nextBoolean() ? Output.written(version) : Output.casRejected();
            case READ -> {
                int seen = random.nextInt(VALUES.size() + 1);
                long named = random.nextBoolean() ? Output.VERSION_UNKNOWN : 1 + random.nextInt(4);
                yield seen == VALUES.size() ? Output.absent() : Output.read(VALUES.get(seen), named);
            }
        };
    }
}
