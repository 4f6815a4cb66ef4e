package io.catena.sim;

import io.catena.config.ChainConfiguration;
import io.catena.config.NodeDescriptor;
import io.catena.node.core.Op;
import io.catena.node.core.ReadDecision;
import io.catena.node.core.WriteOutcome;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A client process: one operation at a time (writes of unique values, deletes, reads), sent to the head or the
 * tail of the latest configuration it knows, following one redirect; half of the reads are strong reads at a
 * random node of the chain (CRAQ: a dirty key is answered with the tail's committed version, asked over the
 * network). Every operation is recorded with its
 * invocation and completion time and what the client can honestly say about it:
 * <ul>
 *   <li>a write answered {@code Committed} is OK; {@code Rejected} (nothing was assigned) is FAIL;
 *       {@code OutcomeUnknown} or no answer is INFO (it may take effect, at any time after it was sent);</li>
 *   <li>a read answered with data is OK; a read refused or unanswered is FAIL (reads change nothing).</li>
 * </ul>
 */
final class SimClient implements SimNetwork.Process {

    /** One recorded operation; {@code completeMs} is Long.MAX_VALUE for INFO. */
    record Recorded(String client, String key, Kind kind, String value, long invokeMs, long completeMs,
                    Outcome outcome, String readValue, long seq) {
    }

    enum Kind { WRITE, DELETE, READ }

    enum Outcome { OK, FAIL, INFO }

    static final long WRITE_TIMEOUT_MS = 4_000;
    static final long READ_TIMEOUT_MS = 1_000;
    static final int KEYS_PER_WINDOW = 3;
    static final int OPS_PER_WINDOW = 300;

    private final String name;
    private final SimCluster cluster;
    private final Sim sim;
    private final List<Recorded> history;
    private final int[] opCounter;
    private boolean running = true;
    private int sequence;

    SimClient(String name, SimCluster cluster, List<Recorded> history, int[] opCounter) {
        this.name = name;
        this.cluster = cluster;
        this.sim = cluster.sim;
        this.history = history;
        this.opCounter = opCounter;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long incarnation() {
        return 1;
    }

    @Override
    public boolean isUp() {
        return true;
    }

    void start() {
        sim.after(sim.between(0, 50), this::next);
    }

    void stop() {
        running = false;
    }

    private void next() {
        if (!running) {
            return;
        }
        int window = opCounter[0]++ / OPS_PER_WINDOW;
        String key = "k" + (window * KEYS_PER_WINDOW + sim.random.nextInt(KEYS_PER_WINDOW));
        double draw = sim.random.nextDouble();
        if (draw < 0.55) {
            write(key, Kind.WRITE, name + "-" + (++sequence));
        } else if (draw < 0.62) {
            write(key, Kind.DELETE, null);
        } else if (draw < 0.81) {
            read(key);
        } else {
            strongRead(key);
        }
    }

    private void done(Recorded recorded) {
        history.add(recorded);
        if (recorded.outcome() != Outcome.OK) {
            forgetRouting();
        }
        sim.after(sim.between(0, 20), this::next);
    }

    private ChainConfiguration known = ChainConfiguration.NONE;

    /**
     * The configuration this client routes by: a cached copy, refreshed now and then and after any trouble, so
     * that some requests reach nodes that are no longer head or tail (as real clients with stale routing do).
     */
    private ChainConfiguration latest() {
        if (known.isNone() || sim.chance(0.05)) {
            known = cluster.latestChosen;
        }
        return known;
    }

    private void forgetRouting() {
        known = ChainConfiguration.NONE;
    }

    // ------------------------------------------------------------ writes

    private void write(String key, Kind kind, String value) {
        long invokeMs = sim.now();
        boolean[] finished = {false};
        ChainConfiguration configuration = latest();
        if (configuration.isNone()) {
            done(new Recorded(name, key, kind, value, invokeMs, sim.now(), Outcome.FAIL, null, 0));
            return;
        }
        sendWrite(configuration.head(), key, kind, value, invokeMs, finished, true);
        sim.after(WRITE_TIMEOUT_MS, () -> {
            if (!finished[0]) {
                finished[0] = true;
                done(new Recorded(name, key, kind, value, invokeMs, Long.MAX_VALUE, Outcome.INFO, null, 0));
            }
        });
    }

    private void sendWrite(NodeDescriptor target, String key, Kind kind, String value, long invokeMs,
                           boolean[] finished, boolean mayRedirect) {
        SimNode node = cluster.node(target.id());
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        byte[] valueBytes = value == null ? new byte[0] : value.getBytes(StandardCharsets.UTF_8);
        Op op = kind == Kind.WRITE ? Op.PUT : Op.DELETE;
        cluster.network.datagram(this, node, false, () -> node.write(op, keyBytes, valueBytes,
                outcome -> cluster.network.datagram(node, this, false, () -> {
                    if (finished[0]) {
                        return;
                    }
                    if (outcome instanceof WriteOutcome.NotHead notHead && mayRedirect) {
                        sendWrite(notHead.head(), key, kind, value, invokeMs, finished, false);
                        return;
                    }
                    finished[0] = true;
                    done(recordWrite(key, kind, value, invokeMs, outcome));
                })));
    }

    private Recorded recordWrite(String key, Kind kind, String value, long invokeMs, WriteOutcome outcome) {
        if (outcome instanceof WriteOutcome.Committed committed) {
            return new Recorded(name, key, kind, value, invokeMs, sim.now(), Outcome.OK, null, committed.seq());
        }
        if (outcome instanceof WriteOutcome.OutcomeUnknown) {
            return new Recorded(name, key, kind, value, invokeMs, Long.MAX_VALUE, Outcome.INFO, null, 0);
        }
        return new Recorded(name, key, kind, value, invokeMs, sim.now(), Outcome.FAIL, null, 0);
    }

    // ------------------------------------------------------------ reads

    private void read(String key) {
        long invokeMs = sim.now();
        boolean[] finished = {false};
        ChainConfiguration configuration = latest();
        if (configuration.isNone()) {
            done(new Recorded(name, key, Kind.READ, null, invokeMs, sim.now(), Outcome.FAIL, null, 0));
            return;
        }
        sendRead(configuration.tail(), key, invokeMs, finished, true);
        sim.after(READ_TIMEOUT_MS, () -> {
            if (!finished[0]) {
                finished[0] = true;
                done(new Recorded(name, key, Kind.READ, null, invokeMs, sim.now(), Outcome.FAIL, null, 0));
            }
        });
    }

    private void strongRead(String key) {
        long invokeMs = sim.now();
        boolean[] finished = {false};
        ChainConfiguration configuration = latest();
        if (configuration.isNone()) {
            done(new Recorded(name, key, Kind.READ, null, invokeMs, sim.now(), Outcome.FAIL, null, 0));
            return;
        }
        List<NodeDescriptor> chain = configuration.chain();
        SimNode node = cluster.node(chain.get(sim.random.nextInt(chain.size())).id());
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        cluster.network.datagram(this, node, false, () -> {
            String[] seen = {null};
            ReadDecision decision = node.strongRead(keyBytes, value -> seen[0] = text(value));
            if (decision instanceof ReadDecision.AskTail askTail) {
                askTail(node, cluster.node(askTail.tail().id()), keyBytes, invokeMs, finished, key);
                return;
            }
            cluster.network.datagram(node, this, false, () -> finishRead(key, invokeMs, finished,
                    decision instanceof ReadDecision.Serve, seen[0]));
        });
        sim.after(READ_TIMEOUT_MS, () -> finishRead(key, invokeMs, finished, false, null));
    }

    /** CRAQ's version query: the node asks the tail for the committed value and relays it. */
    private void askTail(SimNode node, SimNode tail, byte[] keyBytes, long invokeMs, boolean[] finished, String key) {
        cluster.network.datagram(node, tail, false, () -> {
            String[] seen = {null};
            ReadDecision decision = tail.read(keyBytes, value -> seen[0] = text(value));
            cluster.network.datagram(tail, node, false, () -> cluster.network.datagram(node, this, false,
                    () -> finishRead(key, invokeMs, finished, decision instanceof ReadDecision.Serve, seen[0])));
        });
    }

    private void finishRead(String key, long invokeMs, boolean[] finished, boolean served, String value) {
        if (finished[0]) {
            return;
        }
        finished[0] = true;
        done(new Recorded(name, key, Kind.READ, null, invokeMs, sim.now(), served ? Outcome.OK : Outcome.FAIL,
                served ? value : null, 0));
    }

    private static String text(byte[] value) {
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }

    private void sendRead(NodeDescriptor target, String key, long invokeMs, boolean[] finished,
                          boolean mayRedirect) {
        SimNode node = cluster.node(target.id());
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        cluster.network.datagram(this, node, false, () -> {
            String[] seen = {null};
            ReadDecision decision = node.read(keyBytes,
                    value -> seen[0] = value == null ? null : new String(value, StandardCharsets.UTF_8));
            cluster.network.datagram(node, this, false, () -> {
                if (finished[0]) {
                    return;
                }
                if (decision instanceof ReadDecision.Redirect redirect && mayRedirect) {
                    sendRead(redirect.tail(), key, invokeMs, finished, false);
                    return;
                }
                finished[0] = true;
                Outcome outcome = decision instanceof ReadDecision.Serve ? Outcome.OK : Outcome.FAIL;
                done(new Recorded(name, key, Kind.READ, null, invokeMs, sim.now(), outcome, seen[0], 0));
            });
        });
    }
}
