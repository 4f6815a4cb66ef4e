package io.catena.membership;

import com.hazelcast.cluster.InitialMembershipEvent;
import com.hazelcast.cluster.InitialMembershipListener;
import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.core.LifecycleEvent.LifecycleState;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Membership} on an embedded Hazelcast member, used for membership only: discovery through member
 * attributes, failure detection through heartbeats, and the oldest master as the active-master hint. No Hazelcast
 * data structure (map, topic, lock, CP) is created, here or anywhere in Catena.
 *
 * <p>Events. Hazelcast reports members joining and leaving; this class turns each into one {@code memberUp} or
 * {@code memberDown} per member incarnation (member UUID), ignores members without Catena attributes, and
 * serialises the callbacks. After a split-brain merge, when Hazelcast rebuilds this member under a new UUID
 * without reporting the old members as gone, the view is reconciled: incarnations no longer present are reported
 * down, new ones up.
 */
public final class HazelcastMembership implements Membership {

    private static final Logger LOG = LoggerFactory.getLogger(HazelcastMembership.class);

    static {
        // Hazelcast's static loggers (HazelcastInstanceFactory and others, created before any Config is read)
        // look only at the system property; without it they write java.util.logging lines to stderr.
        if (System.getProperty(HazelcastProperties.LOGGING_TYPE) == null) {
            System.setProperty(HazelcastProperties.LOGGING_TYPE, HazelcastProperties.LOGGING_TYPE_SLF4J);
        }
    }

    /**
     * How long a starting member asks the seeds for a master before claiming mastership itself (Hazelcast's
     * TCP-IP "connection timeout", default 5, used only by the join loop). It bounds how long a cold start of the
     * whole cluster takes to form; too short and members still booting are not waited for, which makes separate
     * clusters that only the next merge (every {@link MembershipSettings#mergeIntervalSeconds()}) reunites.
     */
    static final int JOIN_ATTEMPT_SECONDS = 2;

    private final MembershipSettings settings;
    private final MemberInfo selfDescription;

    /** Guards {@link #instance}, {@link #listener}, {@link #delivered} and {@link #closed}; callbacks run under it. */
    private final Object lock = new Object();
    private HazelcastInstance instance;
    private Membership.Listener listener;
    /** The incarnations reported up and not yet down, by member UUID. */
    private final Map<String, MemberInfo> delivered = new LinkedHashMap<>();
    private boolean closed;

    public HazelcastMembership(MembershipSettings settings, MemberInfo self) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.selfDescription = Objects.requireNonNull(self, "self");
        if (self.memberUuid() != null) {
            throw new IllegalArgumentException("describe self without a member UUID (Hazelcast assigns it): " + self);
        }
        if (settings.lite() != (self.kind() == MemberInfo.Kind.NODE)) {
            LOG.warn("membership: {} joins as a {} member; nodes are expected to be lite and masters full",
                    self, settings.lite() ? "lite" : "full");
        }
    }

    /**
     * The Hazelcast configuration for {@code self} under {@code settings}: TCP-IP join through the seeds only
     * (multicast and auto-detection off; cloud discovery and the REST endpoint are off by default), one port and
     * every socket bound to the bind address, {@code self}'s attributes, the heartbeat and merge timing from the
     * settings, and the subsystems Catena does not use switched off (Jet, metrics, phone home, health monitor,
     * slow-operation detector, memcache); see {@link HazelcastProperties}.
     */
    public static Config config(MembershipSettings settings, MemberInfo self) {
        Config config = new Config();
        config.setClusterName(settings.clusterName());
        config.setInstanceName("catena-" + self.id() + "-" + settings.bindPort());
        config.setLiteMember(settings.lite());
        HazelcastProperties.forSettings(settings).forEach(config::setProperty);
        self.attributes().forEach(config.getMemberAttributeConfig()::setAttribute);

        NetworkConfig network = config.getNetworkConfig();
        network.setPort(settings.bindPort()).setPortAutoIncrement(false).setPortCount(1);
        network.setPublicAddress(settings.bind());
        // Only the bind host may be picked; the property hazelcast.local.localAddress is what pins it (see
        // HazelcastProperties), since interface matching alone fails for 127.0.0.2 and the like.
        network.getInterfaces().clear().setEnabled(true).addInterface(settings.bindHost());
        network.getMemcacheProtocolConfig().setEnabled(false);

        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setMembers(new ArrayList<>(settings.seeds()))
                .setConnectionTimeoutSeconds(JOIN_ATTEMPT_SECONDS);

        config.getJetConfig().setEnabled(false);
        config.getMetricsConfig().setEnabled(false);
        return config;
    }

    @Override
    public void start(Membership.Listener listener) {
        Objects.requireNonNull(listener, "listener");
        synchronized (lock) {
            if (closed || this.listener != null) {
                throw new IllegalStateException("membership of " + selfDescription.id() + " was already "
                        + (closed ? "closed" : "started"));
            }
            this.listener = listener;
        }
        long startNs = System.nanoTime();
        HazelcastInstance started;
        try {
            started = Hazelcast.newHazelcastInstance(config(settings, selfDescription));
        } catch (RuntimeException e) {
            throw new IllegalStateException("membership of " + selfDescription.id() + " could not start on "
                    + settings.bind() + ": " + e.getMessage(), e);
        }
        boolean closedMeanwhile;
        synchronized (lock) {
            closedMeanwhile = closed;
            if (!closedMeanwhile) {
                instance = started;
            }
        }
        if (closedMeanwhile) {
            started.shutdown();
            throw new IllegalStateException("membership of " + selfDescription.id() + " was closed while starting");
        }
        started.getLifecycleService().addLifecycleListener(this::onLifecycle);
        // The initial event (on this thread) and later events are consistent: Hazelcast registers the listener
        // and takes the member snapshot under its cluster lock.
        started.getCluster().addMembershipListener(new Events());
        LOG.info("membership: {} joined cluster '{}' at {} in {} ms ({} members)", self(), settings.clusterName(),
                settings.bind(), (System.nanoTime() - startNs) / 1_000_000, started.getCluster().getMembers().size());
    }

    @Override
    public MemberInfo self() {
        HazelcastInstance current = current();
        if (current == null) {
            return selfDescription;
        }
        try {
            return selfDescription.withMemberUuid(current.getCluster().getLocalMember().getUuid().toString());
        } catch (HazelcastInstanceNotActiveException e) {
            return selfDescription;
        }
    }

    @Override
    public List<MemberInfo> members() {
        HazelcastInstance current = current();
        if (current == null) {
            return List.of();
        }
        try {
            return describeAll(current.getCluster().getMembers());
        } catch (HazelcastInstanceNotActiveException e) {
            return List.of();
        }
    }

    @Override
    public void close() {
        HazelcastInstance toStop;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            toStop = instance;
            instance = null;
            delivered.clear();
        }
        if (toStop != null) {
            toStop.shutdown();
            LOG.info("membership: {} left cluster '{}'", selfDescription, settings.clusterName());
        }
    }

    private HazelcastInstance current() {
        synchronized (lock) {
            return instance;
        }
    }

    private void up(Member member) {
        Optional<MemberInfo> info = describe(member);
        if (info.isEmpty()) {
            return;
        }
        synchronized (lock) {
            if (closed || delivered.putIfAbsent(info.get().memberUuid(), info.get()) != null) {
                return;
            }
            LOG.info("membership: member up: {}", info.get());
            notify(info.get(), true);
        }
    }

    private void down(String memberUuid) {
        synchronized (lock) {
            MemberInfo gone = closed ? null : delivered.remove(memberUuid);
            if (gone == null) {
                return;
            }
            LOG.info("membership: member down: {}", gone);
            notify(gone, false);
        }
    }

    /** Called under {@link #lock}: callbacks are serialised and never made after {@link #close}. */
    private void notify(MemberInfo member, boolean up) {
        try {
            if (up) {
                listener.memberUp(member);
            } else {
                listener.memberDown(member);
            }
        } catch (RuntimeException e) {
            LOG.error("membership: listener failed on member{} of {}", up ? "Up" : "Down", member, e);
        }
    }

    /** After a merge Hazelcast rebuilt the member list without removal events: report the difference. */
    private void reconcile() {
        HazelcastInstance current = current();
        if (current == null) {
            return;
        }
        Collection<Member> present;
        try {
            present = current.getCluster().getMembers();
        } catch (HazelcastInstanceNotActiveException e) {
            return;
        }
        List<String> presentUuids = present.stream().map(m -> m.getUuid().toString()).toList();
        List<String> stale;
        synchronized (lock) {
            stale = delivered.keySet().stream().filter(uuid -> !presentUuids.contains(uuid)).toList();
        }
        stale.forEach(this::down);
        present.forEach(this::up);
    }

    private void onLifecycle(LifecycleEvent event) {
        LifecycleState state = event.getState();
        if (state == LifecycleState.MERGED || state == LifecycleState.MERGE_FAILED) {
            LOG.warn("membership: {} after a split brain ({}); reconciling the view", selfDescription.id(), state);
            reconcile();
        } else if (state == LifecycleState.SHUTTING_DOWN) {
            boolean expected;
            synchronized (lock) {
                expected = closed;
            }
            if (!expected) {
                LOG.error("membership: Hazelcast is shutting down {} on its own: this process no longer sees the "
                        + "cluster nor is seen by it", selfDescription);
            }
        }
    }

    private static List<MemberInfo> describeAll(Collection<Member> members) {
        List<MemberInfo> infos = new ArrayList<>(members.size());
        for (Member member : members) {
            describe(member).ifPresent(infos::add);
        }
        return List.copyOf(infos);
    }

    private static Optional<MemberInfo> describe(Member member) {
        try {
            return MemberInfo.fromAttributes(member.getAttributes(), member.getUuid().toString());
        } catch (IllegalArgumentException e) {
            LOG.warn("membership: ignoring member {} at {}: {}", member.getUuid(), member.getAddress(), e.getMessage());
            return Optional.empty();
        }
    }

    /** Translates Hazelcast's membership events; runs on Hazelcast threads (the initial event on start's). */
    private final class Events implements InitialMembershipListener {

        @Override
        public void init(InitialMembershipEvent event) {
            event.getMembers().forEach(HazelcastMembership.this::up);
        }

        @Override
        public void memberAdded(MembershipEvent event) {
            up(event.getMember());
        }

        @Override
        public void memberRemoved(MembershipEvent event) {
            down(event.getMember().getUuid().toString());
        }
    }
}
