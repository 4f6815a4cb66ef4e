package io.catena.client.bench;

import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * What a run measured: latencies of the answered reads and writes (microseconds, HdrHistogram), counts, and the
 * failures by error code. Only operations that started (or, open loop, were due) inside the measured window
 * count; the warmup's are dropped.
 */
public record BenchResult(BenchConfig config, double measuredSec, Histogram reads, Histogram writes,
                          long readsNotFound, Map<String, Long> errors) {

    static final double[] PERCENTILES = {50, 90, 99, 99.9};

    public BenchResult {
        errors = Map.copyOf(new TreeMap<>(errors));
    }

    public long ops() {
        return reads.getTotalCount() + writes.getTotalCount();
    }

    public long errorCount() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    public double opsPerSec() {
        return ops() / measuredSec;
    }

    public Histogram all() {
        Histogram all = new Histogram(3);
        all.add(reads);
        all.add(writes);
        return all;
    }

    /** The report printed at the end of a run. */
    public String text() {
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "catena bench: %s, %d connections, %.1f s measured after %.1f s warmup%n",
                config.openLoop() ? String.format(Locale.ROOT, "open loop at %.0f ops/s (latency from each"
                        + " request's intended start)", config.ratePerSec()) : "closed loop",
                config.connections(), measuredSec, config.warmup().toMillis() / 1000.0));
        text.append(String.format(Locale.ROOT, "workload: %d keys, %d-byte values, %.0f%% reads (consistency %s),"
                        + " writes ack %s%n", config.keys(), config.valueBytes(), config.readRatio() * 100,
                config.consistency().name().toLowerCase(Locale.ROOT), config.ack() == null ? "all" : config.ack()));
        text.append(String.format(Locale.ROOT, "ops: %d answered, %.1f ops/s: %d reads (%d not found), %d writes;"
                        + " errors: %d%n", ops(), opsPerSec(), reads.getTotalCount(), readsNotFound,
                writes.getTotalCount(), errorCount()));
        text.append(String.format(Locale.ROOT, "%-12s %9s %9s %9s %9s %9s%n", "latency ms", "p50", "p90", "p99",
                "p99.9", "max"));
        text.append(row("all", all())).append(row("reads", reads)).append(row("writes", writes));
        if (!errors.isEmpty()) {
            StringBuilder line = new StringBuilder("errors:");
            errors.forEach((code, count) -> line.append(' ').append(code).append('=').append(count));
            text.append(line).append('\n');
        }
        return text.toString();
    }

    public JsonObject json() {
        JsonObject latency = new JsonObject().put("all", latencyJson(all())).put("reads", latencyJson(reads))
                .put("writes", latencyJson(writes));
        JsonObject errorJson = new JsonObject();
        errors.forEach(errorJson::put);
        return new JsonObject()
                .put("mode", config.openLoop() ? "open" : "closed")
                .put("ratePerSec", config.openLoop() ? config.ratePerSec() : null)
                .put("connections", config.connections())
                .put("durationSec", measuredSec)
                .put("warmupSec", config.warmup().toMillis() / 1000.0)
                .put("keys", config.keys())
                .put("valueBytes", config.valueBytes())
                .put("readRatio", config.readRatio())
                .put("ack", config.ack() == null ? "all" : config.ack().wire())
                .put("consistency", config.consistency().name().toLowerCase(Locale.ROOT))
                .put("ops", ops())
                .put("opsPerSec", opsPerSec())
                .put("reads", reads.getTotalCount())
                .put("readsNotFound", readsNotFound)
                .put("writes", writes.getTotalCount())
                .put("errors", errorCount())
                .put("errorsByCode", errorJson)
                .put("latencyMs", latency);
    }

    private static String row(String name, Histogram histogram) {
        if (histogram.getTotalCount() == 0) {
            return String.format(Locale.ROOT, "%-12s %9s%n", name, "-");
        }
        StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-12s", name));
        for (double percentile : PERCENTILES) {
            row.append(String.format(Locale.ROOT, " %9.3f", ms(histogram.getValueAtPercentile(percentile))));
        }
        return row.append(String.format(Locale.ROOT, " %9.3f%n", ms(histogram.getMaxValue()))).toString();
    }

    private static JsonObject latencyJson(Histogram histogram) {
        JsonObject json = new JsonObject().put("count", histogram.getTotalCount());
        if (histogram.getTotalCount() > 0) {
            for (double percentile : PERCENTILES) {
                json.put("p" + (percentile == Math.rint(percentile) ? Long.toString((long) percentile)
                        : Double.toString(percentile)), ms(histogram.getValueAtPercentile(percentile)));
            }
            json.put("max", ms(histogram.getMaxValue())).put("mean", histogram.getMean() / 1000.0);
        }
        return json;
    }

    private static double ms(long micros) {
        return micros / 1000.0;
    }
}
