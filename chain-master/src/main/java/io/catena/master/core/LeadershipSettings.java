package io.catena.master.core;

import java.util.List;

/**
 * How the masters elect and confirm their leader (docs/master.md, "Several masters").
 *
 * @param masterIds        every master of the group, this one included (1, 3, 5...: an odd number)
 * @param probeIntervalMs  how often the leader re-sends its Prepare to confirm that a majority still follows it
 * @param confirmMs        a leader grants leases only within this long of sending the last probe a majority
 *                         promised; a new leader adds it to the lease it waits out before its first change
 * @param backoffMs        how long a master that was refused (a higher ballot exists) waits before it tries to
 *                         lead again, so that two masters that both believe they are the oldest do not take
 *                         turns deposing each other at every probe
 * @param leaseWaitMs      a lease plus its margin ({@code leaseMs + leaseMarginMs}): how long every lease another
 *                         leader may have granted can still run once it can grant no more
 */
public record LeadershipSettings(List<String> masterIds, long probeIntervalMs, long confirmMs, long backoffMs,
                                 long leaseWaitMs) {

    public LeadershipSettings {
        masterIds = List.copyOf(masterIds);
        if (masterIds.isEmpty() || masterIds.size() % 2 == 0 || masterIds.stream().distinct().count()
                != masterIds.size()) {
            throw new IllegalArgumentException("masters must be an odd number of distinct ids, got " + masterIds);
        }
        if (probeIntervalMs < 1 || confirmMs <= probeIntervalMs || backoffMs < 0 || leaseWaitMs < 0) {
            throw new IllegalArgumentException("need probeIntervalMs >= 1, confirmMs > probeIntervalMs, backoffMs"
                    + " >= 0, leaseWaitMs >= 0: " + this);
        }
    }

    /** A lone master: its own majority. */
    public static LeadershipSettings single(String masterId) {
        return new LeadershipSettings(List.of(masterId), 100, 1_000, 0, 0);
    }

    public int majority() {
        return masterIds.size() / 2 + 1;
    }

    public boolean alone() {
        return masterIds.size() == 1;
    }
}
