package io.catena.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a system command (nft, mount) to completion and fails loudly, with its output, unless it succeeds. */
final class Commands {

    static final long TIMEOUT_S = 20;

    private Commands() {
    }

    static String run(List<String> command, String stdin) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (stdin != null) {
                process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(TIMEOUT_S, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output
                        + (stdin == null ? "" : "\ninput:\n" + stdin));
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command, e);
        }
    }

    /** As {@link #run}, ignoring failure: for cleanup. */
    static void runQuietly(List<String> command) {
        try {
            run(command, null);
        } catch (RuntimeException e) {
            // cleanup of something that may not exist
        }
    }
}
