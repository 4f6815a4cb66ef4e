package io.catena.membership;

import java.util.List;
import java.util.Optional;

/**
 * The membership port: who is in the cluster, who left, and which master is the active one. Implementations:
 * {@link HazelcastMembership} (production). Hazelcast is used for membership only; no safety property may rest
 * on this view, which can be stale or split under a partition (DESIGN.md §7): epochs, leases and master ballots
 * are what keep the cluster safe. The view is a hint for discovery, failure detection and routing.
 *
 * <p>Members are reported per incarnation ({@link MemberInfo#memberUuid()}); see {@link MemberInfo} for how the
 * same id can be up twice for a moment and how a listener should key its state.
 */
public interface Membership extends AutoCloseable {

    /**
     * Joins the cluster and starts reporting. Blocks until this member has joined: about 1 s to join a running
     * cluster or to find no one and form a cluster alone, several seconds when every member starts at once and
     * they must first agree on who is the oldest. The listener first
     * gets {@code memberUp} for every member already present, oldest first, this member included, then one
     * {@code memberUp} and at most one {@code memberDown} per incarnation as they come and go. May be called once.
     *
     * @throws IllegalStateException if already started or closed, or if the member cannot start (port in use...)
     */
    void start(Listener listener);

    /** This process's member; its {@code memberUuid} is null before {@link #start} and may change on a merge. */
    MemberInfo self();

    /** The current view, oldest member first; empty before {@link #start} and after {@link #close}. */
    List<MemberInfo> members();

    /** The active-master hint: the oldest master in {@link #members()} (the first MASTER in that list). */
    default Optional<MemberInfo> oldestMaster() {
        return members().stream().filter(MemberInfo::isMaster).findFirst();
    }

    /** Leaves the cluster. Idempotent; no callback is made once it has begun. */
    @Override
    void close();

    /**
     * Membership changes, one incarnation at a time.
     *
     * <p><b>Threading.</b> Callbacks come on the membership implementation's threads (for Hazelcast: the
     * thread that called {@link #start} for the initial members, then Hazelcast's event threads). They are never
     * concurrent with each other and arrive in order, up before down for each incarnation. Keep them short and do
     * not block or call back into a core from them: hand the event to your own thread (an event loop, a queue)
     * and act there.
     */
    interface Listener {

        /** {@code member} has joined (or was present when this member started). */
        void memberUp(MemberInfo member);

        /**
         * {@code member} (the same value earlier given to {@link #memberUp}) left or was declared dead by
         * heartbeat timeout. Another incarnation with the same id may already be up: compare {@code memberUuid}.
         */
        void memberDown(MemberInfo member);
    }
}
