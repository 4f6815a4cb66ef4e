package io.catena.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A wall-clock offset for one process with libfaketime: the process starts with it preloaded, reading its
 * offset from a file ({@code FAKETIME_TIMESTAMP_FILE}, re-read each second), so the offset can jump mid-run.
 * The monotonic clock is left alone ({@code FAKETIME_DONT_FAKE_MONOTONIC=1}): the JVM's {@code nanoTime} and its
 * timed waits keep real time, only {@code currentTimeMillis} and {@code Instant.now} move.
 *
 * <p>Measured with libfaketime 0.9.10 and Java 17: with {@code FAKETIME_DONT_FAKE_MONOTONIC=1} alone every timed
 * wait of the JVM ({@code Object.wait(ms)}, {@code parkNanos}, which wait on CLOCK_MONOTONIC condition variables)
 * returns at once, so the process spins: Vert.x, Hazelcast and the JIT then burn a core each and a node takes
 * minutes to start. {@code FAKETIME_FORCE_MONOTONIC_FIX=0} turns off the wrapper's rewrite of those waits and they
 * wait as long as asked again.
 */
final class ClockSkew {

    static final Path LIBFAKETIME = Path.of("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1");

    private final Path file;

    ClockSkew(Path file) {
        this.file = file;
        set(0);
    }

    static boolean available() {
        return Files.isReadable(LIBFAKETIME);
    }

    /** The environment that makes a process follow this offset. */
    Map<String, String> env() {
        return Map.of("LD_PRELOAD", LIBFAKETIME.toString(),
                "FAKETIME_TIMESTAMP_FILE", file.toString(),
                "FAKETIME_DONT_FAKE_MONOTONIC", "1",
                "FAKETIME_FORCE_MONOTONIC_FIX", "0",
                "FAKETIME_CACHE_DURATION", "1");
    }

    /** Moves the process's wall clock {@code seconds} away from the real one (0: back to real time). */
    void set(long seconds) {
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, (seconds >= 0 ? "+" : "") + seconds + "\n");
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
