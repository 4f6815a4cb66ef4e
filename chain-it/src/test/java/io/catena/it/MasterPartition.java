package io.catena.it;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A partition between masters' loopback addresses, as nft rules in a table of our own ({@code inet
 * catena_masters_test}): every packet from one side's addresses to the other's is dropped, in both directions.
 * Nothing else is touched; {@link #close()} deletes the table. Needs root and {@code /usr/sbin/nft}.
 */
final class MasterPartition implements AutoCloseable {

    static final String NFT = "/usr/sbin/nft";
    static final String TABLE = "catena_masters_test";

    private MasterPartition() {
    }

    /** Cuts every address of {@code side} from every address of {@code other}. */
    static MasterPartition cut(List<String> side, List<String> other) {
        deleteTable(); // a table left by a crashed run
        List<String> script = new ArrayList<>(List.of(
                "add table inet " + TABLE,
                "add chain inet " + TABLE + " output { type filter hook output priority 0; policy accept; }"));
        for (String a : side) {
            for (String b : other) {
                script.add("add rule inet " + TABLE + " output ip saddr " + a + " ip daddr " + b + " drop");
                script.add("add rule inet " + TABLE + " output ip saddr " + b + " ip daddr " + a + " drop");
            }
        }
        run(List.of(NFT, "-f", "-"), String.join("\n", script) + "\n");
        return new MasterPartition();
    }

    @Override
    public void close() {
        deleteTable();
    }

    private static void deleteTable() {
        try {
            Process process = new ProcessBuilder(NFT, "delete", "table", "inet", TABLE).redirectErrorStream(true)
                    .start();
            process.getInputStream().readAllBytes();
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + NFT + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void run(List<String> command, String input) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().write(input.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(),
                    java.nio.charset.StandardCharsets.UTF_8);
            if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output + "\nscript:\n"
                        + input);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + NFT + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + NFT, e);
        }
    }
}
