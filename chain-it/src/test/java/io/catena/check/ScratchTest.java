package io.catena.check;

import java.util.List;
import org.junit.jupiter.api.Test;

class ScratchTest {
    static History stripVersions(History source) {
        History copy = new History();
        for (Op op : source.ops()) {
            Output out = op.output() == null ? null : new Output(op.output().value(), Output.VERSION_UNKNOWN, op.output().applied());
            Call call = op.kind() == Op.Kind.CAS && !op.call().expectsAbsent() ? Call.casIfAbsent(op.key(), op.call().value()) : op.call();
            switch (op.outcome()) {
                case OK -> copy.addOk(op.client(), call, op.invokedAt(), op.completedAt(), out);
                case FAIL -> copy.addFail(op.client(), call, op.invokedAt(), op.completedAt());
                case INFO -> copy.addInfo(op.client(), call, op.invokedAt());
            }
        }
        return copy;
    }
    @Test
    void stats() throws Exception {
        var m = CheckerTest.class.getDeclaredMethod("withOneStaleRead", History.class);
        m.setAccessible(true);
        for (int seed = 0; seed < 15; seed++) {
            History stripped = new RegisterWorkload(seed, 10, List.of("k"), false).run(500);
            History corrupted = (History) m.invoke(null, stripped);
            StringBuilder line = new StringBuilder("seed " + seed);
            for (History h : List.of(stripped, corrupted)) {
                long t = System.nanoTime();
                Report r = new Linearizability(50_000_000, true).checkAll(h);
                line.append(String.format(" | %s %d steps %d ms", r.verdict(), r.steps(), (System.nanoTime() - t) / 1_000_000));
            }
            System.out.println(line);
        }
    }
}
