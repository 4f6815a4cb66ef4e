package io.catena.node.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.catena.config.ChainConfiguration;
import io.catena.config.NodeDescriptor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;

/**
 * A test harness: three real {@link ChainReplica}s wired through a deterministic in-memory network and storage, driven event by
 * event. Events on one link keep their order; events on different links and storage completions interleave in
 * an order drawn from a seed. Crashes drop a node's volatile state and keep its log.
 */
final class ScenarioCluster {

    static final ChainConfiguration THREE = ChainConfiguration.of(1,
            List.of(ChainReplicaTest.N1, ChainReplicaTest.N2, ChainReplicaTest.N3));
    static final ReplicaLimits LIMITS = new ReplicaLimits(10_000, 8, 4_096, 1_000_000, 10);

    /** One node: a replica plus the durable state it would find after a crash. */
    static final class Node {
        final String id;
        final TreeMap<Long, LogEntry> log = new TreeMap<>();
        long committedSeq;
        long persistCount;
        ChainConfiguration storedConfiguration = THREE;
        ChainReplica replica;

        Node(String id) {
            this.id = id;
        }
    }

    /** A queued event for one node; {@code channel} keeps per-link and per-storage FIFO order. */
    record Event(String node, String channel, Runnable action) {
    }

    final Map<String, Node> nodes = new LinkedHashMap<>();
    final List<Event> queue = new ArrayList<>();
    final Map<Long, WriteOutcome> outcomes = new HashMap<>();
    final Map<Long, String> written = new HashMap<>();
    ChainConfiguration current = THREE;
    final Map<String, String> linkPeers = new HashMap<>();
    final Random random;
    long nextInboundId = -1;
    long nextRequestId = 1;
    long nowMs;

    ScenarioCluster(long seed) {
        this.random = new Random(seed);
        for (NodeDescriptor descriptor : THREE.chain()) {
            nodes.put(descriptor.id(), new Node(descriptor.id()));
        }
        nodes.values().forEach(this::boot);
    }

    void boot(Node node) {
        long applied = node.log.isEmpty() ? 0 : node.log.lastKey();
        long epoch = node.log.isEmpty() ? 0 : node.log.lastEntry().getValue().entryEpoch();
        node.replica = new ChainReplica(node.id, node.storedConfiguration, LIMITS, reader(node), applied, epoch,
                node.committedSeq);
        node.persistCount = 0;
        node.replica.onLease(nowMs, node.storedConfiguration.epoch(), Long.MAX_VALUE);
        apply(node, node.replica.start(nowMs));
    }

    /** The node's durable log, and its committed data derived from it (the latest committed entry per key). */
    static LogReader reader(Node node) {
        return new LogReader() {
            @Override
            public Optional<LogEntry> entry(long seq) {
                return Optional.ofNullable(node.log.get(seq));
            }

            @Override
            public long committedSeqOf(byte[] key) {
                for (LogEntry entry : node.log.headMap(node.committedSeq, true).descendingMap().values()) {
                    if (java.util.Arrays.equals(entry.key(), key)) {
                        return entry.op() == Op.PUT ? entry.seq() : 0;
                    }
                }
                return 0;
            }

            /** The committed data, replayed from the log (these scenarios never compact it). */
            @Override
            public SnapshotSource openSnapshot() {
                java.util.TreeMap<String, SnapshotItem> data = new java.util.TreeMap<>();
                for (LogEntry entry : node.log.headMap(node.committedSeq, true).values()) {
                    String key = new String(entry.key(), java.nio.charset.StandardCharsets.ISO_8859_1);
                    if (entry.op() == Op.PUT) {
                        data.put(key, new SnapshotItem(entry.key(), entry.seq(), entry.value()));
                    } else {
                        data.remove(key);
                    }
                }
                LogEntry last = node.log.get(node.committedSeq);
                return new io.catena.node.storage.InMemoryStorage.ListSnapshot(node.committedSeq,
                        last == null ? 0 : last.entryEpoch(), new java.util.ArrayList<>(data.values()));
            }
        };
    }

    void apply(Node node, Effects effects) {
        for (Effect.Persist persist : effects.persists()) {
            if (persist.configuration() != null) {
                node.storedConfiguration = persist.configuration();
            }
            if (persist.truncateAfter() >= 0) {
                assertThat(persist.truncateAfter()).as("never truncate committed entries")
                        .isGreaterThanOrEqualTo(node.committedSeq);
                node.log.tailMap(persist.truncateAfter(), false).clear();
            }
            for (LogEntry entry : persist.append()) {
                assertThat(node.log.isEmpty() ? 1 : node.log.lastKey() + 1).isEqualTo(entry.seq());
                node.log.put(entry.seq(), entry);
            }
            node.committedSeq = Math.max(node.committedSeq, persist.commitUpTo());
            long applied = node.log.isEmpty() ? 0 : node.log.lastKey();
            long committed = node.committedSeq;
            long count = ++node.persistCount;
            ChainReplica owner = node.replica;
            enqueue(node.id, node.id + "/storage", () -> {
                if (owner == node.replica) {
                    apply(node, node.replica.onDurable(count, applied, committed));
                }
            });
        }
        for (Effect effect : effects.network()) {
            network(node, effect);
        }
        for (Effect.Reply reply : effects.replies()) {
            outcomes.put(reply.requestId(), reply.outcome());
        }
    }

    void network(Node from, Effect effect) {
        if (effect instanceof Effect.Connect connect && nodes.get(connect.successor().id()).replica == null) {
            ChainReplica replica = from.replica;
            enqueue(from.id, from.id + "#" + connect.linkId(), () -> {
                if (replica == from.replica) {
                    apply(from, from.replica.onLinkDown(nowMs, connect.linkId()));
                }
            });
        } else if (effect instanceof Effect.Connect connect) {
            String to = connect.successor().id();
            long inbound = nextInboundId--;
            linkPeers.put(from.id + "#" + connect.linkId(), to + "#" + inbound);
            linkPeers.put(to + "#" + inbound, from.id + "#" + connect.linkId());
            ChainReplica replica = from.replica;
            enqueue(from.id, from.id + "#" + connect.linkId(), () -> {
                if (replica == from.replica) {
                    apply(from, from.replica.onLinkUp(connect.linkId()));
                }
            });
        } else if (effect instanceof Effect.Send send) {
            String peer = linkPeers.get(from.id + "#" + send.linkId());
            if (peer != null) {
                String[] parts = peer.split("#");
                Node to = nodes.get(parts[0]);
                long linkId = Long.parseLong(parts[1]);
                enqueue(to.id, from.id + "#" + send.linkId(), () -> {
                    if (linkPeers.containsKey(peer) && to.replica != null) {
                        apply(to, to.replica.onFrame(linkId, send.frame()));
                    }
                });
            }
        } else if (effect instanceof Effect.Close close) {
            cut(from, from.id + "#" + close.linkId());
        }
    }

    /** Breaks a link: both ends hear linkDown (the closing end too, as a real transport reports it). */
    void cut(Node node, String end) {
        String peer = linkPeers.remove(end);
        if (peer == null) {
            return;
        }
        linkPeers.remove(peer);
        for (String side : List.of(end, peer)) {
            String[] parts = side.split("#");
            Node owner = nodes.get(parts[0]);
            ChainReplica replica = owner.replica;
            enqueue(owner.id, side, () -> {
                if (replica == owner.replica) {
                    apply(owner, owner.replica.onLinkDown(nowMs, Long.parseLong(parts[1])));
                }
            });
        }
    }

    void enqueue(String node, String channel, Runnable action) {
        queue.add(new Event(node, channel, action));
    }

    /** Runs one event: a random channel's oldest event, so channels keep FIFO order. */
    boolean step() {
        if (queue.isEmpty()) {
            return false;
        }
        Event pick = queue.get(random.nextInt(queue.size()));
        for (Event event : queue) {
            if (event.channel().equals(pick.channel())) {
                pick = event;
                break;
            }
        }
        queue.remove(pick);
        pick.action().run();
        return true;
    }

    void runToQuiescence() {
        for (int i = 0; i < 1_000_000 && (step() || tick()); i++) {
            // keep going
        }
    }

    /** Advances time when nothing else is queued; returns whether that produced new events. */
    boolean tick() {
        nowMs += LIMITS.reconnectDelayMs();
        for (Node node : nodes.values()) {
            if (node.replica != null) {
                apply(node, node.replica.onTick(nowMs));
            }
        }
        return !queue.isEmpty();
    }

    long write(String key, String value) {
        long requestId = nextRequestId++;
        written.put(requestId, key + "=" + value);
        Node head = nodes.get(current.head().id());
        if (head.replica == null) {
            outcomes.put(requestId, new WriteOutcome.Rejected("head is down"));
            return requestId;
        }
        apply(head, head.replica.onClientWrite(nowMs, requestId, Op.PUT, key.getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8)));
        return requestId;
    }

    /** Kill -9: volatile state and queued events are gone, the log stays; links break. */
    void crash(String id) {
        Node node = nodes.get(id);
        queue.removeIf(event -> event.node().equals(id));
        for (String end : new ArrayList<>(linkPeers.keySet())) {
            if (end.startsWith(id + "#") && linkPeers.containsKey(end)) {
                cut(node, end);
            }
        }
        queue.removeIf(event -> event.node().equals(id));
        node.replica = null;
    }

    void restart(String id) {
        boot(nodes.get(id));
    }

    /** The master's push: every live node hears the new configuration. */
    void install(ChainConfiguration next) {
        current = next;
        for (Node node : nodes.values()) {
            if (node.replica != null) {
                apply(node, node.replica.onConfiguration(nowMs, next));
                node.replica.onLease(nowMs, next.epoch(), Long.MAX_VALUE);
            }
        }
    }

    /** Every write answered Committed(seq) is at that seq, with its value, in every log of the chain. */
    void assertAcknowledgedWritesPresent() {
        outcomes.forEach((request, outcome) -> {
            if (outcome instanceof WriteOutcome.Committed committed) {
                for (NodeDescriptor member : current.chain()) {
                    LogEntry entry = nodes.get(member.id()).log.get(committed.seq());
                    assertThat(entry).as("acknowledged request %d at %s", request, member.id()).isNotNull();
                    assertThat(new String(entry.key(), StandardCharsets.UTF_8) + "="
                            + new String(entry.value(), StandardCharsets.UTF_8)).isEqualTo(written.get(request));
                }
            }
        });
    }

    /** The chain's logs are identical and fully committed. */
    void assertChainConverged() {
        Node head = nodes.get(current.head().id());
        for (NodeDescriptor member : current.chain()) {
            Node node = nodes.get(member.id());
            assertThat(node.log).as("log of %s", node.id).isEqualTo(head.log);
            assertThat(node.committedSeq).as("committed at %s", node.id)
                    .isEqualTo(head.log.isEmpty() ? 0 : head.log.lastKey());
        }
    }

    void assertConverged(int writes) {
        Node head = nodes.get("n1");
        for (Node node : nodes.values()) {
            assertThat(node.log).as("log of %s", node.id).isEqualTo(head.log);
            assertThat(node.committedSeq).as("committed at %s", node.id).isEqualTo(head.log.lastKey());
        }
        for (long request = 1; request <= writes; request++) {
            assertThat(outcomes.get(request)).as("request %d", request).isInstanceOf(WriteOutcome.Committed.class);
        }
    }
}
