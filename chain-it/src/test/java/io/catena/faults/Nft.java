package io.catena.faults;

import java.util.List;

/**
 * Network faults with nft rules in the suite's own table, {@code inet catena_faults}, between our own
 * {@code 127.0.0.x} addresses only: every rule names a source and a destination address (loss names one of
 * them) in 127.0.0.0/8. Rules sit in the output hook, which sees loopback packets as they are sent. The table is
 * deleted by {@link #close()} and by a JVM shutdown hook.
 */
final class Nft implements AutoCloseable {

    static final String NFT = "/usr/sbin/nft";
    static final String TABLE = "catena_faults";

    Nft() {
        delete();
        Commands.run(List.of(NFT, "-f", "-"), "table inet " + TABLE + " {\n"
                + "  chain output { type filter hook output priority 0; policy accept; }\n}\n");
        Runtime.getRuntime().addShutdownHook(new Thread(Nft::delete, "nft-table-cleanup"));
    }

    static boolean available() {
        return new java.io.File(NFT).canExecute();
    }

    /** Drops every packet between {@code a} and each of {@code others}, both ways. */
    void cut(String a, List<String> others) {
        StringBuilder rules = new StringBuilder();
        for (String b : others) {
            rules.append(rule("ip saddr " + loopback(a) + " ip daddr " + loopback(b) + " drop"));
            rules.append(rule("ip saddr " + loopback(b) + " ip daddr " + loopback(a) + " drop"));
        }
        Commands.run(List.of(NFT, "-f", "-"), rules.toString());
    }

    /** Drops {@code percent}% of the packets from and to {@code address}, at random. */
    void loss(String address, int percent) {
        if (percent < 1 || percent > 99) {
            throw new IllegalArgumentException("loss percent in 1..99, not " + percent);
        }
        String host = loopback(address);
        Commands.run(List.of(NFT, "-f", "-"),
                rule("ip saddr " + host + " numgen random mod 100 < " + percent + " drop")
                        + rule("ip daddr " + host + " numgen random mod 100 < " + percent + " drop"));
    }

    /** Removes every rule: the network is whole again. */
    void heal() {
        Commands.run(List.of(NFT, "flush", "chain", "inet", TABLE, "output"), null);
    }

    @Override
    public void close() {
        delete();
    }

    private static void delete() {
        Commands.runQuietly(List.of(NFT, "delete", "table", "inet", TABLE));
    }

    private static String rule(String body) {
        return "add rule inet " + TABLE + " output " + body + "\n";
    }

    /** The address itself, refused unless it is in 127.0.0.0/8: nothing here may touch other traffic. */
    private static String loopback(String address) {
        if (!address.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}")) {
            throw new IllegalArgumentException("nft rules are for 127.0.0.0/8 only, not " + address);
        }
        return address;
    }
}
