package io.catena.master.core;

import io.catena.config.ChainConfiguration;
import io.catena.config.HostPort;
import io.catena.config.NodeDescriptor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Masters' acceptors and leaderships wired by a message queue the test drives: messages to a master in {@code down}
 * are lost, {@link #deliverAll} delivers in order. Records every chosen configuration per master.
 */
final class MasterGroup {

    static final LeadershipSettings SETTINGS = new LeadershipSettings(List.of("m1", "m2", "m3"), 100, 1_000,
            2_000, 0);

    final Map<String, Acceptor> acceptors = new LinkedHashMap<>();
    final Map<String, Leadership> leaders = new LinkedHashMap<>();
    final Map<String, ChainConfiguration> elected = new LinkedHashMap<>();
    final List<ChainConfiguration> chosen = new ArrayList<>();
    final Set<String> down = new HashSet<>();
    final Set<String> deposed = new HashSet<>();
    private final Deque<Runnable> queue = new ArrayDeque<>();
    long nowMs;

    MasterGroup(LeadershipSettings settings) {
        for (String id : settings.masterIds()) {
            Acceptor acceptor = new Acceptor(id, AcceptorState.INITIAL);
            acceptors.put(id, acceptor);
            leaders.put(id, new Leadership(id, settings, acceptor));
        }
    }

    MasterGroup() {
        this(SETTINGS);
    }

    static ChainConfiguration configuration(long epoch, String... ids) {
        List<NodeDescriptor> chain = new ArrayList<>();
        for (String id : ids) {
            int n = Integer.parseInt(id.substring(1));
            chain.add(new NodeDescriptor(id, new HostPort("127.0.0.1", 7000 + n), new HostPort("127.0.0.1",
                    7100 + n)));
        }
        return ChainConfiguration.of(epoch, chain);
    }

    static Install install(ChainConfiguration configuration) {
        return new Install(configuration, configuration.chain(), "test");
    }

    void carryOut(String from, Leadership.Step step) {
        if (step.elected() != null) {
            elected.put(from, step.elected());
        }
        chosen.addAll(step.chosen().stream().map(Install::configuration).toList());
        if (step.deposed()) {
            deposed.add(from);
        }
        for (Leadership.Outgoing outgoing : step.messages()) {
            queue.add(() -> receive(from, outgoing.to(), outgoing.message()));
        }
    }

    private void receive(String from, String to, BallotMessage message) {
        if (down.contains(to) || down.contains(from)) {
            return;
        }
        Acceptor acceptor = acceptors.get(to);
        if (message instanceof BallotMessage.Prepare prepare) {
            answer(to, from, acceptor.onPrepare(prepare));
        } else if (message instanceof BallotMessage.Accept accept) {
            answer(to, from, acceptor.onAccept(accept));
        } else {
            carryOut(to, leaders.get(to).onMessage(nowMs, message));
        }
    }

    private void answer(String acceptor, String leader, Acceptor.Outcome outcome) {
        queue.add(() -> receive(acceptor, leader, outcome.answer()));
    }

    void deliverAll() {
        while (!queue.isEmpty()) {
            queue.poll().run();
        }
    }

    /** Delivers one queued message, the i-th in the queue (for interleavings). */
    void deliverOne(int index) {
        List<Runnable> all = new ArrayList<>(queue);
        Runnable next = all.remove(index);
        queue.clear();
        queue.addAll(all);
        next.run();
    }

    int queued() {
        return queue.size();
    }

    void hint(String id, boolean active) {
        carryOut(id, leaders.get(id).onActiveHint(nowMs, active));
    }

    void propose(String id, ChainConfiguration configuration) {
        carryOut(id, leaders.get(id).propose(install(configuration)));
    }

    void tick(String id) {
        carryOut(id, leaders.get(id).onTick(nowMs));
    }
}
