package io.catena.faults;

import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;

/**
 * A client with a stale view during a zombie phase: it keeps talking to the cut-off node, writes if it was the
 * head, reads if it was the tail, every {@link #INTERVAL_MS}, on the phase's registers (so the linearizability
 * check covers what the zombie answers), and counts the answers by status. Once its lease has run out the zombie
 * must refuse ({@code 503}); the superseded-epoch and linearizability checks catch anything it should not have
 * acknowledged or served.
 */
final class ZombieProbe implements AutoCloseable {

    static final long INTERVAL_MS = 100;
    /**
     * A zombie head that still holds its lease accepts a write and waits for a commit that cannot come; the probe
     * gives up after this (the write is then INFO) so that it asks again once the lease has run out.
     */
    static final Duration REQUEST_TIMEOUT = Duration.ofMillis(800);
    /** History client number of the probe; the workloads' clients are numbered from 0. */
    static final int CLIENT = 1_000;

    private final Map<Integer, Integer> statuses = new TreeMap<>();
    private final Thread thread;
    private volatile boolean stopped;

    private ZombieProbe(RegisterWorkload registers, ChainClient zombie, boolean writes, long seed) {
        Random random = new Random(seed);
        this.thread = new Thread(() -> {
            for (long i = 0; !stopped; i++) {
                String key = registers.key(random);
                int status = writes ? registers.write(zombie, CLIENT, key, "zombie-" + seed + "-" + i)
                        : registers.read(zombie, CLIENT, key);
                synchronized (statuses) {
                    statuses.merge(status, 1, Integer::sum);
                }
                LockSupport.parkNanos(INTERVAL_MS * 1_000_000);
            }
        }, "zombie-probe");
        thread.setDaemon(true);
    }

    static ZombieProbe start(RegisterWorkload registers, ChainClient zombie, boolean writes, long seed) {
        ZombieProbe probe = new ZombieProbe(registers, zombie, writes, seed);
        probe.thread.start();
        return probe;
    }

    /** Answers by HTTP status ({@code -1}: none). */
    Map<Integer, Integer> statuses() {
        synchronized (statuses) {
            return Map.copyOf(statuses);
        }
    }

    int refusals() {
        return statuses().getOrDefault(503, 0);
    }

    @Override
    public void close() {
        stopped = true;
        try {
            thread.join(REQUEST_TIMEOUT.toMillis() + BoundHttp.CONNECT_TIMEOUT.toMillis() + 2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
