package io.catena.check;

import java.util.List;
import org.junit.jupiter.api.Test;

class ScratchTest {
    @Test
    void stats() throws Exception {
        var m = CheckerTest.class.getDeclaredMethod("withOneStaleRead", History.class);
        m.setAccessible(true);
        for (int seed = 0; seed < 30; seed++) {
            History generated = new RegisterWorkload(seed, 10, List.of("k")).run(500);
            History corrupted = (History) m.invoke(null, generated);
            StringBuilder line = new StringBuilder("seed " + seed);
            for (boolean inc : new boolean[] {true, false}) {
                for (History h : List.of(generated, corrupted)) {
                    long t = System.nanoTime();
                    Report r = new Linearizability(50_000_000, inc).checkAll(h);
                    line.append(String.format(" | %s %s %d steps %d ms", inc ? "inc" : "uniq", r.verdict(), r.steps(),
                            (System.nanoTime() - t) / 1_000_000));
                }
            }
            System.out.println(line);
        }
    }
}
