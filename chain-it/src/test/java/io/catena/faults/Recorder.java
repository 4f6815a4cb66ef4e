package io.catena.faults;

import io.catena.check.Call;
import io.catena.check.History;
import io.catena.check.Output;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What every client records: the register history for the linearizability check, each acknowledged write with
 * the node that acknowledged it (for the recovery times and the superseded-epoch check), the latency of every
 * OK op by phase, and the op counts by outcome. Thread-safe.
 */
final class Recorder {

    /**
     * A write the chain acknowledged: invoked and answered at these {@link System#nanoTime()}s by {@code node}
     * ({@code host:port}) with {@code seq}.
     */
    record Ack(String key, long invokedNs, long completedNs, String node, long seq) {
    }

    private final History history = new History();
    private final ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();
    private final Map<String, List<Long>> latencyMsByPhase = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();
    private volatile String phase = "start";

    History history() {
        return history;
    }

    void phase(String name) {
        phase = name;
    }

    String phase() {
        return phase;
    }

    // ------------------------------------------------------------ register ops (checked for linearizability)

    int invoke(int client, Call call) {
        return history.invoke(client, call, System.nanoTime());
    }

    void ok(int id, Output output, long invokedNs) {
        history.ok(id, output, System.nanoTime());
        okOp(invokedNs);
    }

    void fail(int id) {
        history.fail(id, System.nanoTime());
        count("fail");
    }

    void info(int id, Output learned) {
        history.info(id, learned);
        count("info");
    }

    // ------------------------------------------------------------ any op

    /** An op that completed OK, register or set; its latency goes to the current phase. */
    void okOp(long invokedNs) {
        long ms = (System.nanoTime() - invokedNs) / 1_000_000;
        latencyMsByPhase.computeIfAbsent(phase, p -> Collections.synchronizedList(new ArrayList<>())).add(ms);
        count("ok");
    }

    void count(String outcome) {
        outcomes.computeIfAbsent(outcome, o -> new AtomicLong()).incrementAndGet();
    }

    void acknowledged(String key, long invokedNs, String node, long seq) {
        acks.add(new Ack(key, invokedNs, System.nanoTime(), node, seq));
    }

    List<Ack> acks() {
        return List.copyOf(acks);
    }

    long outcomes(String outcome) {
        AtomicLong count = outcomes.get(outcome);
        return count == null ? 0 : count.get();
    }

    Map<String, List<Long>> latencyMsByPhase() {
        synchronized (latencyMsByPhase) {
            Map<String, List<Long>> copy = new LinkedHashMap<>();
            latencyMsByPhase.forEach((p, list) -> copy.put(p, List.copyOf(list)));
            return copy;
        }
    }

    /**
     * The longest time, in ms, between {@code fromNs} and {@code toNs} in which no write was acknowledged: the
     * outage a fault caused (from its injection to the recovery).
     */
    long longestGapMs(long fromNs, long toNs) {
        long[] ends = acks.stream().mapToLong(Ack::completedNs).filter(ns -> ns > fromNs && ns < toNs).sorted()
                .toArray();
        long gapNs = 0;
        long last = fromNs;
        for (long end : ends) {
            gapNs = Math.max(gapNs, end - last);
            last = end;
        }
        return Math.max(gapNs, toNs - last) / 1_000_000;
    }

    /** The end of the first acknowledged write invoked at or after {@code ns}, if any. */
    long firstAckAfter(long ns) {
        return acks.stream().filter(a -> a.invokedNs() >= ns).mapToLong(Ack::completedNs).min().orElse(-1);
    }
}
