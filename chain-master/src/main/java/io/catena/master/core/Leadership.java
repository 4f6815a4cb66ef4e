package io.catena.master.core;

import io.catena.config.ChainConfiguration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A master's ballot state machine, the proposer's side (docs/master.md, "Several masters"), pure: the membership
 * hint, the acceptors' answers and ticks in; messages to the masters and what became of the leadership out. Every
 * transition is in this class:
 *
 * <pre>
 *   FOLLOWER --(oldest master, not backing off)--> PREPARING   send Prepare(b) to every master, b above all seen
 *   PREPARING --(majority of Promise(b))--> RECOVERING        re-propose the highest accepted configuration under b
 *   PREPARING --(majority, nothing ever accepted)--> LEADING  elected with no configuration
 *   RECOVERING --(majority of Accepted(b, epoch))--> LEADING  elected with that configuration (it is chosen)
 *   any --(Nack with a higher ballot)--> FOLLOWER             deposed; backs off before trying again
 *   LEADING --(no majority confirmed for confirmMs)--> FOLLOWER  cut off; backs off, so the nodes look elsewhere
 *   any --(no longer the oldest master)--> FOLLOWER
 * </pre>
 *
 * A leader proposes one configuration at a time ({@link #propose}); each becomes chosen, and is reported in {@link
 * Step#chosen}, once a majority has accepted it. Nothing may be pushed to the nodes before it is chosen. A leader
 * re-sends its Prepare every probe interval; it may grant leases only while a majority has promised a probe sent
 * within {@code confirmMs} ({@link #mayGrantLeases}).
 *
 * <p><b>Quiet after election</b> ({@link #mayPublish}). A new leader shows the nodes nothing, neither the
 * configuration it recovered nor a lease, until every lease another leader may have granted has run out: the
 * recovered configuration may have been accepted by a minority long ago, and meanwhile another leader may have
 * granted leases on an older configuration to a node it removes (the simulation found this: a zombie tail read
 * stale data). A lone master has no other leader: it publishes at once.
 */
public final class Leadership {

    private static final Logger log = LoggerFactory.getLogger(Leadership.class);

    public enum Role { FOLLOWER, PREPARING, RECOVERING, LEADING }

    /** One message to one master (this one included). */
    public record Outgoing(String to, BallotMessage message) {
    }

    /**
     * What one input produced, to carry out in this order: if {@code elected} is set, start a coordinator from it;
     * push each of {@code chosen} (in order); send {@code messages}; if {@code deposed}, drop the coordinator. (A
     * lone master's messages to itself are answered at once and may choose the next proposal: what was chosen
     * before must be pushed first.)
     */
    public record Step(List<Outgoing> messages, ChainConfiguration elected, List<Install> chosen, boolean deposed) {
        static final Step NONE = new Step(List.of(), null, List.of(), false);
    }

    private final String masterId;
    private final LeadershipSettings settings;
    private final Acceptor localAcceptor;
    private Role role = Role.FOLLOWER;
    private Ballot ballot = Ballot.ZERO;
    private Ballot highestSeen;
    private boolean activeHint;
    private long notBeforeMs = Long.MIN_VALUE;
    private long lastProbeMs = Long.MIN_VALUE;
    private long electedAtMs;
    /** Phase 1: the promises for {@link #ballot}, by master. */
    private final Map<String, BallotMessage.Promise> promises = new HashMap<>();
    /** The latest probe each master promised under {@link #ballot}: a majority of them confirms the leadership. */
    private final Map<String, Long> confirmedProbeMs = new HashMap<>();
    private ChainConfiguration chosen = ChainConfiguration.NONE;
    /** The proposal in flight (the recovered configuration while RECOVERING, with a null install). */
    private BallotMessage.Accept inFlight;
    private Install inFlightInstall;
    private final Set<String> acceptedBy = new HashSet<>();
    private final Deque<Install> queued = new ArrayDeque<>();

    public Leadership(String masterId, LeadershipSettings settings, Acceptor localAcceptor) {
        this.masterId = Objects.requireNonNull(masterId, "masterId");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.localAcceptor = Objects.requireNonNull(localAcceptor, "localAcceptor");
        if (!settings.masterIds().contains(masterId)) {
            throw new IllegalArgumentException("master " + masterId + " is not one of " + settings.masterIds());
        }
        this.highestSeen = localAcceptor.state().promised();
    }

    // ---------------------------------------------------------------- inputs

    /** The membership hint: whether this master is the oldest master member. */
    public Step onActiveHint(long nowMs, boolean active) {
        activeHint = active;
        if (!active && role != Role.FOLLOWER) {
            return stepDown("it is no longer the oldest master in the membership", 0, nowMs);
        }
        return tryToLead(nowMs);
    }

    public Step onTick(long nowMs) {
        if (role == Role.FOLLOWER) {
            return tryToLead(nowMs);
        }
        if (role == Role.LEADING && !settings.alone() && !confirmedWithin(nowMs)) {
            return stepDown("no majority has confirmed its ballot for " + settings.confirmMs() + " ms",
                    settings.backoffMs(), nowMs);
        }
        if (nowMs - lastProbeMs < settings.probeIntervalMs()) {
            return Step.NONE;
        }
        List<Outgoing> messages = new ArrayList<>(probe(nowMs));
        if (inFlight != null) { // an acceptor may have missed it
            settings.masterIds().stream().filter(id -> !acceptedBy.contains(id))
                    .forEach(id -> messages.add(new Outgoing(id, inFlight)));
        }
        return new Step(messages, null, List.of(), false);
    }

    public Step onMessage(long nowMs, BallotMessage message) {
        if (message instanceof BallotMessage.Promise promise) {
            return onPromise(nowMs, promise);
        } else if (message instanceof BallotMessage.Accepted accepted) {
            return onAccepted(nowMs, accepted);
        } else if (message instanceof BallotMessage.Nack nack) {
            return onNack(nowMs, nack);
        }
        throw new AssertionError("a leader is not sent " + message);
    }

    /**
     * Proposes the coordinator's next configuration: it is chosen (and returned in a later {@link Step#chosen})
     * once a majority accepted it. Only a leader proposes, in epoch order.
     */
    public Step propose(Install install) {
        if (role != Role.LEADING) {
            throw new IllegalStateException("master " + masterId + " is " + role + ", not leading: it proposes"
                    + " nothing (epoch " + install.configuration().epoch() + ")");
        }
        long expected = nextEpoch();
        if (install.configuration().epoch() != expected) {
            throw new IllegalStateException("proposal of epoch " + install.configuration().epoch() + " out of"
                    + " order: expected " + expected);
        }
        queued.add(install);
        return inFlight == null ? new Step(sendNext(), null, List.of(), false) : Step.NONE;
    }

    // ---------------------------------------------------------------- transitions

    private Step tryToLead(long nowMs) {
        if (role != Role.FOLLOWER || !activeHint || nowMs < notBeforeMs) {
            return Step.NONE;
        }
        Ballot seen = highestSeen.isAbove(localAcceptor.state().promised()) ? highestSeen
                : localAcceptor.state().promised();
        ballot = Ballot.above(seen, masterId);
        highestSeen = ballot;
        role = Role.PREPARING;
        promises.clear();
        confirmedProbeMs.clear();
        log.info("master {} is the oldest master: preparing ballot {} with {}", masterId, ballot,
                settings.masterIds());
        return new Step(probe(nowMs), null, List.of(), false);
    }

    private List<Outgoing> probe(long nowMs) {
        lastProbeMs = nowMs;
        BallotMessage.Prepare prepare = new BallotMessage.Prepare(ballot, nowMs);
        return settings.masterIds().stream().map(id -> new Outgoing(id, prepare)).toList();
    }

    private Step onPromise(long nowMs, BallotMessage.Promise promise) {
        if (role == Role.FOLLOWER || !promise.ballot().equals(ballot)) {
            return Step.NONE; // an answer to an earlier ballot
        }
        confirmedProbeMs.merge(promise.from(), promise.probeMs(), Math::max);
        if (role != Role.PREPARING) {
            return Step.NONE;
        }
        promises.put(promise.from(), promise);
        if (promises.size() < settings.majority()) {
            return Step.NONE;
        }
        BallotMessage.Promise latest = promises.values().stream().max(Comparator
                .comparingLong((BallotMessage.Promise p) -> p.accepted().epoch())
                .thenComparing(BallotMessage.Promise::acceptedBallot)).orElseThrow();
        if (latest.accepted().isNone()) {
            return elected(ChainConfiguration.NONE, nowMs);
        }
        role = Role.RECOVERING;
        log.info("master {}: a majority {} promised ballot {}; re-proposing the latest accepted epoch {} (accepted"
                + " by {} under {})", masterId, promises.keySet(), ballot, latest.accepted().epoch(), latest.from(),
                latest.acceptedBallot());
        inFlight = new BallotMessage.Accept(ballot, latest.accepted());
        inFlightInstall = null;
        acceptedBy.clear();
        return new Step(broadcast(inFlight), null, List.of(), false);
    }

    private Step onAccepted(long nowMs, BallotMessage.Accepted accepted) {
        if (inFlight == null || !accepted.ballot().equals(ballot)
                || accepted.epoch() != inFlight.configuration().epoch()) {
            return Step.NONE;
        }
        acceptedBy.add(accepted.from());
        if (acceptedBy.size() < settings.majority()) {
            return Step.NONE;
        }
        chosen = inFlight.configuration();
        Install install = inFlightInstall;
        inFlight = null;
        inFlightInstall = null;
        if (role == Role.RECOVERING) {
            return elected(chosen, nowMs);
        }
        return new Step(sendNext(), null, List.of(install), false);
    }

    private Step onNack(long nowMs, BallotMessage.Nack nack) {
        if (nack.promised().isAbove(highestSeen)) {
            highestSeen = nack.promised();
        }
        if (role == Role.FOLLOWER || !nack.ballot().equals(ballot) || !nack.promised().isAbove(ballot)) {
            return Step.NONE; // stale, or an acceptor that already holds a later epoch: not counted, not a defeat
        }
        return stepDown("master " + nack.from() + " has promised the higher ballot " + nack.promised(),
                settings.backoffMs(), nowMs);
    }

    private Step elected(ChainConfiguration configuration, long nowMs) {
        role = Role.LEADING;
        electedAtMs = nowMs;
        chosen = configuration;
        log.info("master {} leads under ballot {} (majority of {}); the chosen configuration is epoch {}", masterId,
                ballot, settings.masterIds(), configuration.epoch());
        return new Step(List.of(), configuration, List.of(), false);
    }

    private Step stepDown(String why, long backoffMs, long nowMs) {
        log.warn("master {} stops leading under ballot {}: {}{}", masterId, ballot, why,
                queued.isEmpty() && inFlightInstall == null ? "" : "; proposals not chosen are dropped");
        boolean wasLeading = role == Role.LEADING;
        role = Role.FOLLOWER;
        inFlight = null;
        inFlightInstall = null;
        queued.clear();
        acceptedBy.clear();
        promises.clear();
        confirmedProbeMs.clear();
        notBeforeMs = backoffMs == 0 ? Long.MIN_VALUE : nowMs + backoffMs;
        return new Step(List.of(), null, List.of(), wasLeading);
    }


    private List<Outgoing> sendNext() {
        inFlightInstall = queued.poll();
        if (inFlightInstall == null) {
            return List.of();
        }
        inFlight = new BallotMessage.Accept(ballot, inFlightInstall.configuration());
        acceptedBy.clear();
        return broadcast(inFlight);
    }

    private List<Outgoing> broadcast(BallotMessage message) {
        return settings.masterIds().stream().map(id -> new Outgoing(id, message)).toList();
    }

    /** The epoch of the next proposal: after the chosen one and those in flight or queued. */
    public long nextEpoch() {
        if (!queued.isEmpty()) {
            return queued.peekLast().configuration().epoch() + 1;
        }
        return (inFlight != null ? inFlight.configuration().epoch() : chosen.epoch()) + 1;
    }

    // ---------------------------------------------------------------- queries

    public Role role() {
        return role;
    }

    public Ballot ballot() {
        return ballot;
    }

    public boolean leading() {
        return role == Role.LEADING;
    }

    /** The last configuration this master knows to be chosen (as leader); NONE when it never led. */
    public ChainConfiguration chosen() {
        return chosen;
    }

    /**
     * Whether a lease granted now is safe: this master leads and a majority promised its ballot in answer to a
     * probe sent within {@code confirmMs}. Any other master's ballot was then promised by a majority only after
     * that probe was sent, and it waits out {@code confirmMs} plus a lease before its first change. A lone master
     * is its own majority: nothing can depose it.
     */
    public boolean mayGrantLeases(long nowMs) {
        return mayPublish(nowMs) && (settings.alone() || confirmedWithin(nowMs));
    }

    /**
     * Whether the nodes may see this leader's configuration now: it leads, and (unless alone) the leases other
     * leaders may have granted have run out: {@link #takeoverExtraMs} plus {@code leaseWaitMs} since its election.
     */
    public boolean mayPublish(long nowMs) {
        return role == Role.LEADING
                && (settings.alone() || nowMs >= electedAtMs + takeoverExtraMs() + settings.leaseWaitMs());
    }

    private boolean confirmedWithin(long nowMs) {
        List<Long> probes = confirmedProbeMs.values().stream().sorted(Comparator.reverseOrder()).toList();
        return probes.size() >= settings.majority()
                && nowMs - probes.get(settings.majority() - 1) < settings.confirmMs();
    }

    /**
     * What a new leader adds to the lease it waits out before its first change (0 for a lone master): the
     * confirmation window, plus a quarter for clock rates (the deposed leader counts the window on its clock, this
     * one on its own; like {@code leaseMarginMs}, the quarter covers rates differing by 10 % and more).
     */
    public long takeoverExtraMs() {
        return settings.alone() ? 0 : settings.confirmMs() + settings.confirmMs() / 4;
    }
}
