package io.catena.sim;

import java.util.PriorityQueue;
import java.util.Random;

/**
 * The simulation's clock and event queue: one thread, simulated milliseconds, every random choice drawn from
 * one seeded {@link Random}. Events at the same time run in the order they were scheduled, so a seed always
 * gives the same trace.
 */
final class Sim {

    private record Event(long atMs, long order, Runnable action) {
    }

    final Random random;
    private final PriorityQueue<Event> queue = new PriorityQueue<>((a, b) -> a.atMs != b.atMs
            ? Long.compare(a.atMs, b.atMs) : Long.compare(a.order, b.order));
    private long nowMs;
    private long order;
    private long steps;

    Sim(long seed) {
        this.random = new Random(seed);
    }

    long now() {
        return nowMs;
    }

    long steps() {
        return steps;
    }

    void at(long atMs, Runnable action) {
        queue.add(new Event(Math.max(atMs, nowMs), order++, action));
    }

    void after(long delayMs, Runnable action) {
        at(nowMs + delayMs, action);
    }

    /** Runs events until {@code untilMs}; {@code afterEach} runs after every event (the invariant checks). */
    void runUntil(long untilMs, Runnable afterEach) {
        while (!queue.isEmpty() && queue.peek().atMs <= untilMs) {
            Event event = queue.poll();
            nowMs = event.atMs;
            event.action.run();
            steps++;
            afterEach.run();
        }
        nowMs = Math.max(nowMs, untilMs);
    }

    /** A uniformly drawn delay in [minMs, maxMs]. */
    long between(long minMs, long maxMs) {
        return minMs + (long) (random.nextDouble() * (maxMs - minMs + 1));
    }

    boolean chance(double probability) {
        return random.nextDouble() < probability;
    }
}
