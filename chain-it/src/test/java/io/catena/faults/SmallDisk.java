package io.catena.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A tmpfs mounted for one node's data dir, so that its disk can be made full ({@link #fill()}: the size shrunk
 * to what is in use) and then roomy again ({@link #enlarge()}). Unmounted by {@link #close()} and by a JVM
 * shutdown hook.
 */
final class SmallDisk implements AutoCloseable {

    static final long ROOMY_BYTES = 512L << 20;
    /** tmpfs sizes round up to pages. */
    static final long PAGE_BYTES = 4096;

    private final Path mountPoint;

    SmallDisk(Path mountPoint) {
        this.mountPoint = mountPoint;
        try {
            Files.createDirectories(mountPoint);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Commands.run(List.of("mount", "-t", "tmpfs", "-o", "size=" + ROOMY_BYTES, "tmpfs", mountPoint.toString()),
                null);
        Runtime.getRuntime().addShutdownHook(new Thread(this::unmount, "tmpfs-cleanup"));
    }

    Path dataDir() {
        return mountPoint.resolve("data");
    }

    /** Shrinks the file system to the pages in use: the next write that needs a new page fails (ENOSPC). */
    void fill() {
        long used = usedBytes();
        remount(Math.max(PAGE_BYTES, used));
    }

    void enlarge() {
        remount(ROOMY_BYTES);
    }

    long usedBytes() {
        try {
            var store = Files.getFileStore(mountPoint);
            return store.getTotalSpace() - store.getUnallocatedSpace();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void remount(long bytes) {
        Commands.run(List.of("mount", "-o", "remount,size=" + bytes, mountPoint.toString()), null);
    }

    @Override
    public void close() {
        unmount();
    }

    private void unmount() {
        Commands.runQuietly(List.of("umount", "-l", mountPoint.toString()));
    }
}
