package io.catena.faults;

import io.catena.check.Report;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a run found, written as {@code report.json}: {@code faults} (kind -> count), {@code ops} (ok, fail, info),
 * {@code lostWrites}, {@code linearizable}, {@code recoverMs} (kind -> list: the longest time without an
 * acknowledged write from the injection until the cluster recovered after the heal), {@code latencyMs} (phase -> p50, p99 of OK ops), and the
 * details: every fault injected, stale-epoch rejections per zombie phase, reads served during disk-full, the final
 * digests, and {@code violations} (empty on a pass).
 */
final class FaultReport {

    private final Profile profile;
    private final long seed;
    private final Map<String, Integer> faults = new LinkedHashMap<>();
    private final Map<String, List<Long>> recoverMs = new LinkedHashMap<>();
    private final JsonArray faultLog = new JsonArray();
    private final JsonObject zombies = new JsonObject();
    private final JsonArray diskFull = new JsonArray();
    private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    private final JsonObject json = new JsonObject();
    private long lostWrites = -1;
    private long setAcknowledged;
    private boolean linearizable;
    private String linearizabilitySummary = "not checked";

    FaultReport(Profile profile, long seed) {
        this.profile = profile;
        this.seed = seed;
    }

    void fault(Fault fault, String victim, String phase, long recoveredMs) {
        faults.merge(fault.kind().label, 1, Integer::sum);
        recoverMs.computeIfAbsent(fault.kind().label, k -> new ArrayList<>()).add(recoveredMs);
        faultLog.add(new JsonObject().put("phase", phase).put("fault", fault.name()).put("victim", victim)
                .put("recoverMs", recoveredMs));
    }

    /** A zombie phase: what the zombie answered a stale client, and stale-epoch frames the nodes rejected. */
    void zombie(String phase, Map<Integer, Integer> statuses, long staleFramesRejected) {
        JsonObject answers = new JsonObject();
        statuses.forEach((status, count) -> answers.put(status == -1 ? "none" : Integer.toString(status), count));
        zombies.put(phase, new JsonObject().put("answersToStaleClient", answers)
                .put("staleFramesRejected", staleFramesRejected));
    }

    /** One disk-full fault: reads served meanwhile, and whether the node's writer hit ENOSPC (and stopped). */
    void diskFull(long readsOk, boolean storageFailed) {
        diskFull.add(new JsonObject().put("readsOk", readsOk).put("storageFailed", storageFailed));
    }

    void violation(String what) {
        violations.add(what);
    }

    void lostWrites(long lost, long acknowledged) {
        lostWrites = lost;
        setAcknowledged = acknowledged;
    }

    void linearizability(Report report) {
        linearizable = report.isOk();
        linearizabilitySummary = report.render().lines().findFirst().orElse("");
        if (!linearizable) {
            violations.add("not linearizable: " + report.render());
        }
    }

    void digests(Map<String, JsonObject> digests) {
        JsonObject all = new JsonObject();
        digests.forEach(all::put);
        json.put("digests", all);
    }

    List<String> violations() {
        return List.copyOf(violations);
    }

    boolean passed() {
        return violations.isEmpty();
    }

    int faultCount() {
        return faults.values().stream().mapToInt(Integer::intValue).sum();
    }

    void finish(Recorder recorder, long durationMs) {
        JsonObject latency = new JsonObject();
        recorder.latencyMsByPhase().forEach((phase, ms) -> latency.put(phase, percentiles(ms)));
        JsonObject recover = new JsonObject();
        recoverMs.forEach((kind, list) -> recover.put(kind, new JsonArray(List.copyOf(list))));
        json.put("profile", profile.name().toLowerCase()).put("seed", seed).put("durationMs", durationMs)
                .put("faults", new JsonObject(new LinkedHashMap<>(faults)))
                .put("ops", new JsonObject().put("ok", recorder.outcomes("ok")).put("fail", recorder.outcomes("fail"))
                        .put("info", recorder.outcomes("info")))
                .put("lostWrites", lostWrites).put("setAcknowledged", setAcknowledged)
                .put("linearizable", linearizable).put("linearizability", linearizabilitySummary)
                .put("recoverMs", recover).put("latencyMs", latency)
                .put("zombies", zombies).put("diskFull", diskFull)
                .put("faultLog", faultLog).put("violations", new JsonArray(List.copyOf(violations)))
                .put("passed", passed());
    }

    void write(Path file) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, json.encodePrettily() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** The one-line human summary. */
    String summary() {
        JsonObject ops = json.getJsonObject("ops", new JsonObject());
        return (passed() ? "PASS" : "FAIL (" + violations.size() + " violations)") + ": " + faultCount()
                + " faults " + faults + ", ops ok=" + ops.getLong("ok") + " fail=" + ops.getLong("fail") + " info="
                + ops.getLong("info") + ", lost writes " + lostWrites + ", linearizable " + linearizable + ", "
                + json.getLong("durationMs", 0L) / 1000 + " s (profile " + profile.name().toLowerCase() + ", seed "
                + seed + ")";
    }

    private static JsonObject percentiles(List<Long> ms) {
        List<Long> sorted = new ArrayList<>(ms);
        Collections.sort(sorted);
        return new JsonObject().put("count", sorted.size()).put("p50", at(sorted, 0.50)).put("p99", at(sorted, 0.99));
    }

    private static long at(List<Long> sorted, double quantile) {
        return sorted.isEmpty() ? -1 : sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(quantile * sorted.size()) - 1));
    }
}
