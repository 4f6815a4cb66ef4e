package io.catena.check;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ScratchTest {
    @Test
    void stats() throws Exception {
        var m = CheckerTest.class.getDeclaredMethod("withOneStaleRead", History.class);
        m.setAccessible(true);
        for (int seed : new int[] {42, 1, 2, 3, 4, 5}) {
            History generated = new RegisterWorkload(seed, 10, List.of("k")).run(500);
            History corrupted = (History) m.invoke(null, generated);
            System.out.println("seed " + seed + " open-ended by kind: " + generated.ops().stream()
                    .filter(Op::openEnded).collect(Collectors.groupingBy(Op::kind, Collectors.counting())));
            for (boolean inc : new boolean[] {true, false}) {
                for (History h : List.of(generated, corrupted)) {
                    long t = System.nanoTime();
                    List<Op> checked = h.ops().stream()
                            .filter(op -> op.outcome() != Op.Outcome.FAIL)
                            .filter(op -> op.kind() != Op.Kind.READ || op.outcome() == Op.Outcome.OK)
                            .sorted(java.util.Comparator.comparingLong(Op::invokedAt).thenComparingInt(Op::id))
                            .toList();
                    var o = new Search(checked, new RegisterModel(checked), inc, 50_000_000).run();
                    System.out.printf("  versionsIncrease=%s %s steps=%d memo=%d prefix=%d %d ms%n", inc, o.verdict(),
                            o.steps(), o.memoSize(), o.prefix().length, (System.nanoTime() - t) / 1_000_000);
                }
            }
        }
    }
}
