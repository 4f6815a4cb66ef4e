package io.catena.master.runtime;

import io.catena.membership.MemberInfo;
import io.catena.membership.Membership;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * An in-memory {@link Membership} the test scripts: the members present at start, then {@link #up} and
 * {@link #down} as the test decides. Callbacks run on the calling thread, one at a time, like Hazelcast's.
 * {@link #holdStart()} makes {@code start} block until {@link #releaseStart()}, like a slow cluster join.
 */
final class FakeMembership implements Membership {

    private final MemberInfo self;
    private final List<MemberInfo> members = new ArrayList<>();
    private final CountDownLatch startGate = new CountDownLatch(1);
    private volatile boolean holdStart;
    private Listener listener;
    private boolean started;
    private boolean closed;

    FakeMembership(MemberInfo self, List<MemberInfo> present) {
        this.self = self.withMemberUuid("uuid-" + self.id());
        members.addAll(present);
    }

    FakeMembership holdStart() {
        holdStart = true;
        return this;
    }

    void releaseStart() {
        startGate.countDown();
    }

    @Override
    public void start(Listener listener) {
        if (holdStart) {
            try {
                if (!startGate.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the test never released the membership start");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        synchronized (this) {
            if (started || closed) {
                throw new IllegalStateException("already started or closed");
            }
            started = true;
            this.listener = listener;
            members.add(self);
            members.forEach(listener::memberUp);
        }
    }

    synchronized void up(MemberInfo member) {
        members.add(member);
        if (listener != null && !closed) {
            listener.memberUp(member);
        }
    }

    synchronized void down(MemberInfo member) {
        members.remove(member);
        if (listener != null && !closed) {
            listener.memberDown(member);
        }
    }

    @Override
    public MemberInfo self() {
        return self;
    }

    @Override
    public synchronized List<MemberInfo> members() {
        return started && !closed ? List.copyOf(members) : List.of();
    }

    @Override
    public synchronized void close() {
        closed = true;
    }
}
