package io.catena.faults;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the suite reads from a node's log: the line its storage writer logs when it fails (docs/storage.md). */
final class NodeLog {

    /** LmdbStorage: "storage writer for DIR failed; nothing after appliedSeq=N committedSeq=M is durable". */
    static final Pattern STORAGE_FAILED = Pattern.compile("storage writer for .* failed; nothing after appliedSeq=(\\d+)");

    private NodeLog() {
    }

    static long size(Path log) {
        try {
            return Files.exists(log) ? Files.size(log) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The appliedSeq of the first storage failure logged after byte {@code from}, if any. */
    static OptionalLong durableSeqAtStorageFailure(Path log, long from) {
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            byte[] bytes = new byte[(int) Math.max(0, file.length() - from)];
            file.seek(from);
            file.readFully(bytes);
            Matcher matcher = STORAGE_FAILED.matcher(new String(bytes, StandardCharsets.UTF_8));
            return matcher.find() ? OptionalLong.of(Long.parseLong(matcher.group(1))) : OptionalLong.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + log, e);
        }
    }
}
