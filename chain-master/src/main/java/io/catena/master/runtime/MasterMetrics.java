package io.catena.master.runtime;

import io.catena.config.ChainConfiguration;
import io.catena.master.core.ChainView;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The master's metrics registry (docs/operations.md). The coordinator stays free of Micrometer: the runtime
 * counts the installs it carries out ({@link #installed}), and {@link #refresh} reads the coordinator's
 * {@link ChainView} once per scrape, on the event loop that owns it, into per-node gauges.
 *
 * <p>A <b>failure detection</b> is a node of the previous configuration that the next one leaves out: the
 * coordinator removes a node from the chain only once it has failed (left the membership or stopped reporting)
 * and its lease has expired.
 */
final class MasterMetrics {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter configurationChanges;
    private final Counter failuresDetected;
    private final List<NodeGauge> nodeGauges = new ArrayList<>();
    private final Supplier<ChainView> viewSource;
    private ChainConfiguration installed;
    private ChainView view;

    /** One gauge per node of the view, labelled by node id and role. */
    private record NodeGauge(MultiGauge gauge, ToDoubleFunction<ChainView.NodeView> value) {
    }

    /**
     * @param stored     the configuration the master starts from (the baseline for failure detections)
     * @param viewSource the coordinator's view; called on the runtime's event loop only
     */
    MasterMetrics(String masterId, ChainConfiguration stored, Supplier<ChainView> viewSource) {
        registry.config().commonTags("master", masterId);
        this.installed = stored;
        this.viewSource = viewSource;
        configurationChanges = Counter.builder("catena.master.configuration.changes")
                .description("configurations (epochs) this master installed: stored, then pushed").register(registry);
        failuresDetected = Counter.builder("catena.master.failures.detected")
                .description("nodes removed from the chain because they failed and their lease expired")
                .register(registry);
        Gauge.builder("catena.master.epoch", this, m -> m.view.epoch())
                .description("epoch of the configuration this master has installed (0: none yet)").register(registry);
        Gauge.builder("catena.master.chain.nodes", this, m -> m.view.chain().size())
                .description("nodes in the current chain").register(registry);
        nodeGauge("catena.master.node.lag.entries",
                "entries the node's last report is behind the chain's most advanced node (catch-up progress)",
                ChainView.NodeView::lag);
        nodeGauge("catena.master.node.applied.seq", "appliedSeq in the node's last report",
                ChainView.NodeView::appliedSeq);
        nodeGauge("catena.master.node.alive", "1 while the node is a member and reports within the report timeout",
                node -> node.alive() ? 1 : 0);
        nodeGauge("catena.master.node.lease.remaining.seconds", "how long the master still honours the node's lease",
                node -> node.leaseLeftMs() / 1000.0);
        refresh();
    }

    PrometheusMeterRegistry registry() {
        return registry;
    }

    private void nodeGauge(String name, String description, ToDoubleFunction<ChainView.NodeView> value) {
        nodeGauges.add(new NodeGauge(MultiGauge.builder(name).description(description).register(registry), value));
    }

    /** The runtime stored {@code next}: one configuration change, and a failure detection per node it drops. */
    void installed(ChainConfiguration next) {
        configurationChanges.increment();
        Set<String> dropped = new HashSet<>(installed.chainIds());
        dropped.removeAll(next.chainIds());
        failuresDetected.increment(dropped.size());
        installed = next;
    }

    /** Reads the coordinator's view into the gauges before a scrape (event loop only). */
    void refresh() {
        view = viewSource.get();
        List<ChainView.NodeView> nodes = new ArrayList<>(view.chain());
        for (ChainView.LearnerView learner : view.learners()) {
            // a learner's lag is its catch-up progress: how far it is behind the tail's commit point
            nodes.add(new ChainView.NodeView(learner.node(), io.catena.config.Role.LEARNER, learner.alive(),
                    learner.member(), learner.reportedEpoch(), learner.appliedSeq(), learner.appliedSeq(),
                    learner.lagEntries(), 0, false));
        }
        nodes.addAll(view.others());
        for (NodeGauge nodeGauge : nodeGauges) {
            List<MultiGauge.Row<?>> rows = new ArrayList<>();
            for (ChainView.NodeView node : nodes) {
                double value = nodeGauge.value().applyAsDouble(node);
                rows.add(MultiGauge.Row.of(Tags.of("node", node.node().id(), "role", node.role().wireName()), value));
            }
            nodeGauge.gauge().register(rows, true);
        }
    }

    void close() {
        registry.close();
    }
}
