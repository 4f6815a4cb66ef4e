import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Redis side of bench/compare.sh: wrk speaks HTTP only, so this closed-loop driver plays its part for Redis.
 * Each of CONNECTIONS threads, on its own connection, sends {@code SET key:<n> <value>} and {@code WAIT <replicas> 0}
 * pipelined, reads both replies, and counts the write once WAIT reports at least REPLICAS replicas (otherwise, or on
 * a Redis error, it counts an error). Keys are drawn uniformly from KEYS, values are VALUE_BYTES bytes, as in
 * bench/put.lua. Prints one line in wrk_once's form: {@code ops_per_s p50_ms p99_ms errors}.
 *
 * <pre>java bench/RedisSetWait.java HOST PORT CONNECTIONS SECONDS [REPLICAS=2] [KEYS=10000] [VALUE_BYTES=100]</pre>
 */
public final class RedisSetWait {

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: java bench/RedisSetWait.java HOST PORT CONNECTIONS SECONDS [REPLICAS] [KEYS] "
                    + "[VALUE_BYTES]");
            System.exit(2);
        }
        InetSocketAddress address = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        int connections = Integer.parseInt(args[2]);
        long deadline = System.nanoTime() + Long.parseLong(args[3]) * 1_000_000_000L;
        int replicas = args.length > 4 ? Integer.parseInt(args[4]) : 2;
        int keys = args.length > 5 ? Integer.parseInt(args[5]) : 10_000;
        byte[] value = new byte[args.length > 6 ? Integer.parseInt(args[6]) : 100];
        Arrays.fill(value, (byte) 'x');

        AtomicLong errors = new AtomicLong();
        List<Loop> loops = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            loops.add(new Loop(address, deadline, replicas, keys, value, errors));
        }
        long start = System.nanoTime();
        loops.forEach(Thread::start);
        for (Loop loop : loops) {
            loop.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;

        long[] all = loops.stream().flatMapToLong(loop -> Arrays.stream(loop.latencies, 0, loop.count)).toArray();
        Arrays.sort(all);
        System.out.printf("%.0f %.3f %.3f %d%n", all.length / seconds, percentileMs(all, 0.50),
                percentileMs(all, 0.99), errors.get() + loops.stream().filter(loop -> loop.failure != null).count());
        loops.stream().filter(loop -> loop.failure != null).findFirst()
                .ifPresent(loop -> System.err.println("RedisSetWait: a connection failed: " + loop.failure));
    }

    private static double percentileMs(long[] sortedNanos, double quantile) {
        if (sortedNanos.length == 0) {
            return Double.NaN;
        }
        return sortedNanos[(int) Math.min(sortedNanos.length - 1, Math.ceil(quantile * sortedNanos.length) - 1)]
                / 1e6;
    }

    /** One connection's closed loop; latencies of acknowledged writes in nanoseconds. */
    private static final class Loop extends Thread {
        private final InetSocketAddress address;
        private final long deadline;
        private final int replicas;
        private final int keys;
        private final byte[] value;
        private final AtomicLong errors;
        long[] latencies = new long[1 << 16];
        int count;
        Exception failure;

        Loop(InetSocketAddress address, long deadline, int replicas, int keys, byte[] value, AtomicLong errors) {
            this.address = address;
            this.deadline = deadline;
            this.replicas = replicas;
            this.keys = keys;
            this.value = value;
            this.errors = errors;
        }

        @Override
        public void run() {
            try (Socket socket = new Socket()) {
                socket.setTcpNoDelay(true);
                socket.connect(address, 5_000);
                OutputStream out = socket.getOutputStream();
                InputStream in = new BufferedInputStream(socket.getInputStream());
                byte[] wait = command("WAIT".getBytes(StandardCharsets.US_ASCII),
                        Integer.toString(replicas).getBytes(StandardCharsets.US_ASCII), new byte[] {'0'});
                while (System.nanoTime() < deadline) {
                    byte[] key = ("key:" + ThreadLocalRandom.current().nextInt(keys)).getBytes(StandardCharsets.US_ASCII);
                    byte[] set = command("SET".getBytes(StandardCharsets.US_ASCII), key, value);
                    long sent = System.nanoTime();
                    out.write(concat(set, wait));
                    out.flush();
                    String setReply = readLine(in);
                    String waitReply = readLine(in);
                    if (!setReply.equals("+OK") || !waitReply.startsWith(":")
                            || Long.parseLong(waitReply.substring(1)) < replicas) {
                        errors.incrementAndGet();
                        continue;
                    }
                    record(System.nanoTime() - sent);
                }
            } catch (IOException | RuntimeException e) {
                failure = e;
            }
        }

        private void record(long nanos) {
            if (count == latencies.length) {
                latencies = Arrays.copyOf(latencies, count * 2);
            }
            latencies[count++] = nanos;
        }

        /** A RESP array of bulk strings. */
        private static byte[] command(byte[]... parts) {
            StringBuilder head = new StringBuilder();
            List<byte[]> chunks = new ArrayList<>();
            head.append('*').append(parts.length).append("\r\n");
            for (byte[] part : parts) {
                head.append('$').append(part.length).append("\r\n");
                chunks.add(head.toString().getBytes(StandardCharsets.US_ASCII));
                chunks.add(part);
                head.setLength(0);
                head.append("\r\n");
            }
            chunks.add(head.toString().getBytes(StandardCharsets.US_ASCII));
            return concat(chunks.toArray(new byte[0][]));
        }

        private static byte[] concat(byte[]... parts) {
            int length = 0;
            for (byte[] part : parts) {
                length += part.length;
            }
            byte[] all = new byte[length];
            int at = 0;
            for (byte[] part : parts) {
                System.arraycopy(part, 0, all, at, part.length);
                at += part.length;
            }
            return all;
        }

        /** One simple-string, error or integer reply line, without its CRLF. */
        private static String readLine(InputStream in) throws IOException {
            StringBuilder line = new StringBuilder();
            int b;
            while ((b = in.read()) != '\r') {
                if (b < 0) {
                    throw new IOException("Redis closed the connection");
                }
                line.append((char) b);
            }
            if (in.read() != '\n') {
                throw new IOException("a reply line without LF");
            }
            return line.toString();
        }
    }
}
