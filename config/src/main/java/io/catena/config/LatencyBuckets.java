package io.catena.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Histogram bucket bounds for latency timers (docs/operations.md): 1, 2.5 and 5 times each power of ten. A
 * dozen or two buckets per series keep a scrape small, where Micrometer's default percentile histogram has
 * about 70.
 */
public final class LatencyBuckets {

    private LatencyBuckets() {
    }

    /** The bounds from the first at or past {@code firstNanos} through the first at or past {@code lastNanos}. */
    public static Duration[] of(long firstNanos, long lastNanos) {
        if (firstNanos <= 0 || lastNanos < firstNanos || lastNanos > Long.MAX_VALUE / 100) {
            throw new IllegalArgumentException("bounds " + firstNanos + ".." + lastNanos + " ns");
        }
        List<Duration> bounds = new ArrayList<>();
        for (long tenth = 1; ; tenth *= 10) { // 10, 25 and 50 tenths: 1, 2.5 and 5 times a power of ten ns
            for (long bound : new long[] {10 * tenth, 25 * tenth, 50 * tenth}) {
                if (bound >= firstNanos) {
                    bounds.add(Duration.ofNanos(bound));
                }
                if (bound >= lastNanos) {
                    return bounds.toArray(new Duration[0]);
                }
            }
        }
    }
}
