package io.catena.faults;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Client loops run on threads of their own until {@link #stop()}; each loop is given its client number and runs
 * one op per call. After an op that was not OK a client pauses {@link #RETRY_PAUSE_MS} so that a dead node is not
 * hammered.
 */
final class ClientThreads {

    static final long RETRY_PAUSE_MS = 50;
    static final long STOP_WAIT_MS = 15_000;

    /** One op of client {@code client}; returns whether it completed OK. */
    interface Step {
        boolean run(int client, long i);
    }

    private final AtomicBoolean stopped = new AtomicBoolean();
    private final List<String> errors = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new ArrayList<>();

    void start(String name, int client, Step step) {
        Thread thread = new Thread(() -> {
            try {
                for (long i = 0; !stopped.get(); i++) {
                    if (!step.run(client, i)) {
                        LockSupport.parkNanos(RETRY_PAUSE_MS * 1_000_000);
                    }
                }
            } catch (RuntimeException e) {
                errors.add(Thread.currentThread().getName() + " stopped: " + e);
                throw e;
            }
        }, name + "-" + client);
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
    }

    /** What ended a client loop early: a harness bug, which fails the run. */
    List<String> errors() {
        return List.copyOf(errors);
    }

    /** Stops every loop and waits for its op in flight to end. */
    void stop() {
        stopped.set(true);
        for (Thread thread : threads) {
            try {
                thread.join(STOP_WAIT_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
