package io.catena.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The simulated network between named processes. Two kinds of traffic:
 * <ul>
 *   <li><b>streams</b> (replication links, like TCP): per direction in order, never duplicated; a partition or a
 *       crash breaks them (both ends hear it), a clog holds their bytes until released;</li>
 *   <li><b>datagrams</b> (reports, pushes, client requests, like one HTTP exchange each): delayed independently,
 *       may be reordered, dropped, or (if the sender allows it) duplicated; a partition drops them.</li>
 * </ul>
 * Delivery of anything happens only while the receiving process is in the same incarnation it was sent to.
 */
final class SimNetwork {

    /** A process the network delivers to. */
    interface Process {
        String name();

        /** Changes on every restart, so that traffic for a dead incarnation is never delivered. */
        long incarnation();

        boolean isUp();
    }

    /** One direction of a stream. */
    static final class StreamEnd {
        final Process owner;
        final long linkId;
        StreamEnd peer;
        boolean open = true;
        long lastDeliveryMs;

        StreamEnd(Process owner, long linkId) {
            this.owner = owner;
            this.linkId = linkId;
        }
    }

    /** What a stream end's owner hears: bytes (a frame) and the stream's end. */
    interface StreamListener {
        void onData(StreamEnd end, Object payload);

        void onClosed(StreamEnd end);
    }

    private final Sim sim;
    private final Set<String> cut = new HashSet<>();
    private final Set<String> clogged = new HashSet<>();
    private final Map<String, List<Runnable>> held = new HashMap<>();
    private final List<StreamEnd> streams = new ArrayList<>();
    double dropProbability = 0.0;
    double duplicateProbability = 0.0;
    long delayMinMs = 0;
    long delayMaxMs = 2;

    SimNetwork(Sim sim) {
        this.sim = sim;
    }

    private static String pair(String a, String b) {
        return a.compareTo(b) < 0 ? a + "|" + b : b + "|" + a;
    }

    boolean isCut(String a, String b) {
        return cut.contains(pair(a, b));
    }

    /** Cuts traffic between a and b: datagrams are dropped, streams between them break. */
    void partition(String a, String b) {
        cut.add(pair(a, b));
        for (StreamEnd end : List.copyOf(streams)) {
            if (end.open && end.peer != null && pair(end.owner.name(), end.peer.owner.name()).equals(pair(a, b))) {
                breakStream(end);
            }
        }
    }

    void heal(String a, String b) {
        cut.remove(pair(a, b));
    }

    void healAll() {
        cut.clear();
        for (String key : List.copyOf(clogged)) {
            unclog(key.split(">")[0], key.split(">")[1]);
        }
    }

    /** Holds everything sent from a to b until {@link #unclog}. */
    void clog(String from, String to) {
        clogged.add(from + ">" + to);
    }

    void unclog(String from, String to) {
        String key = from + ">" + to;
        clogged.remove(key);
        List<Runnable> waiting = held.remove(key);
        if (waiting != null) {
            for (Runnable delivery : waiting) {
                delivery.run();
            }
        }
    }

    Set<String> clogs() {
        return Set.copyOf(clogged);
    }

    private long delay() {
        return sim.between(delayMinMs, delayMaxMs);
    }

    /** Sends a datagram; {@code deliver} runs at the receiver unless dropped, cut, or the receiver restarted. */
    void datagram(Process from, Process to, boolean mayDuplicate, Runnable deliver) {
        int copies = mayDuplicate && sim.chance(duplicateProbability) ? 2 : 1;
        for (int i = 0; i < copies; i++) {
            if (isCut(from.name(), to.name()) || sim.chance(dropProbability)) {
                continue;
            }
            long incarnation = to.incarnation();
            Runnable delivery = () -> sim.after(delay(), () -> {
                if (to.isUp() && to.incarnation() == incarnation && !isCut(from.name(), to.name())) {
                    deliver.run();
                }
            });
            sendOrHold(from.name(), to.name(), delivery);
        }
    }

    private void sendOrHold(String from, String to, Runnable delivery) {
        String key = from + ">" + to;
        if (clogged.contains(key)) {
            held.computeIfAbsent(key, k -> new ArrayList<>()).add(delivery);
        } else {
            delivery.run();
        }
    }

    /**
     * Opens a stream from {@code from} to {@code to}. Calls {@code connected} with both ends, or
     * {@code refused} when the target is down or cut off.
     */
    void connect(Process from, long fromLinkId, Process to, long toLinkId, StreamListener fromListener,
                 StreamListener toListener, Runnable refused) {
        long fromIncarnation = from.incarnation();
        long toIncarnation = to.incarnation();
        sim.after(delay(), () -> {
            if (!from.isUp() || from.incarnation() != fromIncarnation) {
                return;
            }
            if (!to.isUp() || to.incarnation() != toIncarnation || isCut(from.name(), to.name())) {
                refused.run();
                return;
            }
            StreamEnd a = new StreamEnd(from, fromLinkId);
            StreamEnd b = new StreamEnd(to, toLinkId);
            a.peer = b;
            b.peer = a;
            listeners.put(a, fromListener);
            listeners.put(b, toListener);
            streams.add(a);
            streams.add(b);
            toListener.onData(b, OPENED);
            fromListener.onData(a, OPENED);
        });
    }

    /** The first "payload" each end hears: the stream is open. */
    static final Object OPENED = new Object();

    private final Map<StreamEnd, StreamListener> listeners = new HashMap<>();

    /** Sends on a stream; in order, after the previous payload in the same direction. */
    void send(StreamEnd end, Object payload) {
        if (!end.open) {
            return;
        }
        StreamEnd receiver = end.peer;
        long incarnation = receiver.owner.incarnation();
        Runnable delivery = () -> {
            long at = Math.max(sim.now() + delay(), receiver.lastDeliveryMs);
            receiver.lastDeliveryMs = at;
            sim.at(at, () -> {
                if (receiver.open && receiver.owner.isUp() && receiver.owner.incarnation() == incarnation) {
                    listeners.get(receiver).onData(receiver, payload);
                }
            });
        };
        sendOrHold(end.owner.name(), receiver.owner.name(), delivery);
    }

    /** Closes a stream from one end: both ends hear it (the closing one too, as a real transport reports). */
    void close(StreamEnd end) {
        if (end.open) {
            breakStream(end);
        }
    }

    private void breakStream(StreamEnd end) {
        for (StreamEnd side : List.of(end, end.peer)) {
            if (!side.open) {
                continue;
            }
            side.open = false;
            streams.remove(side);
            long incarnation = side.owner.incarnation();
            StreamListener listener = listeners.remove(side);
            sim.after(delay(), () -> {
                if (side.owner.isUp() && side.owner.incarnation() == incarnation) {
                    listener.onClosed(side);
                }
            });
        }
    }

    /** A crash: every stream of the process breaks; its peers hear it. */
    void crashed(Process process) {
        for (StreamEnd end : List.copyOf(streams)) {
            if (end.open && end.owner == process) {
                breakStream(end);
            }
        }
    }
}
