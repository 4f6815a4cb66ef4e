package io.catena.node.runtime;

import io.catena.config.Role;
import io.catena.node.core.ReplicaStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayDeque;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * A node's metrics registry and the gauges read from the replica (docs/operations.md). The replica stays free of
 * Micrometer: {@link #refresh} takes one {@link ReplicaStatus} per scrape, on the event loop that owns the
 * replica, and every gauge reads that snapshot, so the values of one scrape agree with each other. Storage and
 * transport count their own events in the same registry.
 *
 * <p><b>Replication lag in seconds</b> is the age of the oldest entry this node holds durable that it does not
 * yet know committed: the runtime records when each durable position was reached ({@link #durableThrough}), and
 * a scrape reports now minus the time the first position past committedSeq became durable here (0 when
 * everything here is committed). At the head it is how long the oldest write in flight has been waiting for the
 * tail; at the tail it is always 0. The record keeps at most {@link #SAMPLES_MAX} positions, at most one per
 * millisecond: when it is full, newer positions are not recorded, which can only make the lag read low after
 * the oldest recorded position commits.
 */
final class NodeMetrics {

    static final int SAMPLES_MAX = 4_096;

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    /** Durable positions not yet known committed: pairs (seq, durable at ms), seq increasing. */
    private final ArrayDeque<long[]> durableAt = new ArrayDeque<>();
    private Supplier<ReplicaStatus> statusSource;
    private LongSupplier leaseLeftMsSource;
    private LongSupplier clockMs;
    private ReplicaStatus status;
    private long leaseLeftMs;
    private double lagSeconds;

    NodeMetrics(String nodeId) {
        registry.config().commonTags("node", nodeId);
    }

    PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Registers the replica gauges; call once the replica exists, on its event loop. */
    void bindReplica(Supplier<ReplicaStatus> statusSource, LongSupplier leaseLeftMsSource, LongSupplier clockMs) {
        this.statusSource = statusSource;
        this.leaseLeftMsSource = leaseLeftMsSource;
        this.clockMs = clockMs;
        refresh();
        gauge("catena.node.applied.seq", "highest seq durable in this node's log", s -> s.appliedSeq());
        gauge("catena.node.committed.seq", "highest seq this node knows committed", s -> s.committedSeq());
        gauge("catena.node.compacted.seq", "the log holds no entry at or before this seq", s -> s.compactedSeq());
        gauge("catena.node.epoch", "epoch of the configuration this node holds", s -> s.epoch());
        gauge("catena.node.waiting.writes", "client writes waiting for their commit or durability",
                s -> s.waitingWrites());
        gauge("catena.node.ready", "1 while GET /ready answers 200: in a configuration with a valid lease",
                s -> s.role() != Role.OUTSIDE && leaseLeftMs > 0 ? 1 : 0);
        gauge("catena.node.lease.remaining.seconds", "time left on the master's lease (+Inf on a static chain)",
                s -> s.leaseUntilMs() == Long.MAX_VALUE ? Double.POSITIVE_INFINITY : leaseLeftMs / 1000.0);
        gauge("catena.replication.lag.entries", "entries durable here that this node does not yet know committed",
                s -> Math.max(0, s.appliedSeq() - s.committedSeq()));
        gauge("catena.replication.lag.seconds", "age of the oldest entry durable here and not yet known committed",
                s -> lagSeconds);
        gauge("catena.replication.successor.lag.entries",
                "entries durable here that the successor is not known to hold durable (0 without a successor)",
                NodeMetrics::successorLagEntries);
    }

    /**
     * The successor holds durable what it acknowledged on the current link, and everything committed (a committed
     * entry is durable on every node of the chain); between links only the latter is known.
     */
    private static double successorLagEntries(ReplicaStatus status) {
        if (status.successor() == null) {
            return 0;
        }
        long known = status.downstream() == null ? status.committedSeq()
                : Math.max(status.committedSeq(), status.downstream().successorDurableSeq());
        return Math.max(0, status.appliedSeq() - known);
    }

    private void gauge(String name, String description, ToDoubleFunction<ReplicaStatus> value) {
        Gauge.builder(name, this, metrics -> value.applyAsDouble(metrics.status)).description(description)
                .register(registry);
    }

    /** Takes the replica's state for the coming scrape; on the replica's event loop. */
    void refresh() {
        status = statusSource.get();
        leaseLeftMs = leaseLeftMsSource.getAsLong();
        forgetThrough(status.committedSeq());
        long[] oldest = durableAt.peekFirst();
        lagSeconds = oldest == null ? 0 : Math.max(0, clockMs.getAsLong() - oldest[1]) / 1000.0;
    }

    /**
     * Storage reported the log durable through {@code appliedSeq} with data committed through {@code committedSeq}
     * at {@code nowMs}; on the replica's event loop. A log that got shorter (a truncation) forgets the positions
     * past its new end; the entries up to the new end keep the time they became durable.
     */
    void durableThrough(long appliedSeq, long committedSeq, long nowMs) {
        forgetThrough(committedSeq);
        long[] newest = durableAt.peekLast();
        if (newest != null && newest[0] >= appliedSeq) {
            truncateTo(appliedSeq);
            return;
        }
        if (appliedSeq <= committedSeq || durableAt.size() >= SAMPLES_MAX) {
            return;
        }
        if (newest != null && newest[1] == nowMs) {
            newest[0] = appliedSeq; // the same millisecond: one position covers both
            return;
        }
        durableAt.addLast(new long[] {appliedSeq, nowMs});
    }

    private void truncateTo(long appliedSeq) {
        long[] cut = null;
        while (!durableAt.isEmpty() && durableAt.peekLast()[0] > appliedSeq) {
            cut = durableAt.pollLast();
        }
        if (cut != null && (durableAt.isEmpty() || durableAt.peekLast()[0] < appliedSeq)) {
            durableAt.addLast(new long[] {appliedSeq, cut[1]});
        }
    }

    private void forgetThrough(long committedSeq) {
        while (!durableAt.isEmpty() && durableAt.peekFirst()[0] <= committedSeq) {
            durableAt.pollFirst();
        }
    }

    void close() {
        registry.close();
    }
}
