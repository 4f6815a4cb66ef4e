package io.catena.node.storage;

import io.catena.config.LatencyBuckets;
import io.catena.node.core.Effect;
import io.catena.node.core.LogEntry;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What a storage writer records per committed write transaction (docs/operations.md): entries and bytes appended
 * (the group-commit batch size) and how long the commit took, fsync included. Recorded on the writer's thread.
 */
final class WriterMetrics {

    private final DistributionSummary entries;
    private final DistributionSummary bytes;
    private final Timer commit;

    WriterMetrics(MeterRegistry registry, int batchEntriesMax, long batchBytesMax) {
        entries = DistributionSummary.builder("catena.storage.batch.entries")
                .description("log entries appended per write transaction (0: it only moved the commit point)")
                .baseUnit("entries").serviceLevelObjectives(bounds(1, 2, batchEntriesMax)).register(registry);
        bytes = DistributionSummary.builder("catena.storage.batch.bytes")
                .description("bytes of log entries appended per write transaction")
                .baseUnit("bytes").serviceLevelObjectives(bounds(256, 4, batchBytesMax)).register(registry);
        commit = Timer.builder("catena.storage.commit")
                .description("time to commit one write transaction, with its fsync unless syncPolicy=none")
                .serviceLevelObjectives(LatencyBuckets.of(25_000, 10_000_000_000L))
                .register(registry);
    }

    void record(List<Effect.Persist> batch, long commitNanos) {
        long entryCount = 0;
        long byteCount = 0;
        for (Effect.Persist persist : batch) {
            entryCount += persist.append().size();
            for (LogEntry entry : persist.append()) {
                byteCount += entry.sizeBytes();
            }
        }
        entries.record(entryCount);
        bytes.record(byteCount);
        commit.record(commitNanos, TimeUnit.NANOSECONDS);
    }

    /** Bucket bounds first, first * factor, ... up to the first bound at or past {@code max}. */
    static double[] bounds(long first, long factor, long max) {
        List<Double> bounds = new ArrayList<>();
        for (long bound = first; ; bound *= factor) {
            bounds.add((double) bound);
            if (bound >= max) {
                return bounds.stream().mapToDouble(Double::doubleValue).toArray();
            }
        }
    }
}
