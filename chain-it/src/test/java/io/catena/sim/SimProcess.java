package io.catena.sim;

/** What every crashable simulated process shares: whether it is up, and which incarnation it is in. */
abstract class SimProcess implements SimNetwork.Process {

    private boolean up;
    private long incarnation;

    @Override
    public final long incarnation() {
        return incarnation;
    }

    @Override
    public final boolean isUp() {
        return up;
    }

    /** A (re)start: traffic and timers of the previous incarnation are never delivered to this one. */
    final void beginIncarnation() {
        up = true;
        incarnation++;
    }

    final void markDown() {
        up = false;
    }
}
