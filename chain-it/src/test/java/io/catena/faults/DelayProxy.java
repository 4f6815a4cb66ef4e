package io.catena.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntSupplier;

/**
 * A TCP proxy in front of one node's replication port, on the node's own address, that delays every chunk by
 * {@link #delayMs(long)} (0: none) in each direction, keeping the order. The node advertises the proxy's port as
 * its replication address, so its predecessor's link runs through here. The target port is asked at each accepted
 * connection ({@code targetPort}), and the connection to it leaves from the node's address as well.
 *
 * <p>Per direction of each connection one thread reads and stamps chunks and one writes each when it is due.
 */
final class DelayProxy implements AutoCloseable {

    private static final int CHUNK_BYTES = 64 * 1024;

    private record Chunk(long dueNs, byte[] bytes) {
    }

    private final InetAddress host;
    private final IntSupplier targetPort;
    private final ServerSocket listener;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile long delayNs;
    private volatile boolean closed;

    private DelayProxy(InetAddress host, IntSupplier targetPort, ServerSocket listener) {
        this.host = host;
        this.targetPort = targetPort;
        this.listener = listener;
    }

    /** Listens on a free port of {@code host}; forwards to {@code host:targetPort}. */
    static DelayProxy start(String host, IntSupplier targetPort) {
        try {
            InetAddress address = InetAddress.getByName(host);
            DelayProxy proxy = new DelayProxy(address, targetPort, new ServerSocket(0, 50, address));
            daemon("delay-proxy-" + host, proxy::acceptLoop).start();
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a proxy on " + host, e);
        }
    }

    int port() {
        return listener.getLocalPort();
    }

    void delayMs(long ms) {
        delayNs = ms * 1_000_000;
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket from = listener.accept();
                Socket to = new Socket();
                to.bind(new InetSocketAddress(host, 0));
                to.connect(new InetSocketAddress(host, targetPort.getAsInt()), 2_000);
                sockets.add(from);
                sockets.add(to);
                pipe(from, to);
                pipe(to, from);
            } catch (IOException e) {
                // the target is down or the proxy closed: the caller reconnects
            }
        }
    }

    private void pipe(Socket in, Socket out) throws IOException {
        BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
        InputStream source = in.getInputStream();
        OutputStream sink = out.getOutputStream();
        daemon("delay-proxy-read", () -> {
            byte[] buffer = new byte[CHUNK_BYTES];
            try {
                for (int n; (n = source.read(buffer)) > 0; ) {
                    queue.add(new Chunk(System.nanoTime() + delayNs, Arrays.copyOf(buffer, n)));
                }
            } catch (IOException e) {
                // closed
            }
            queue.add(new Chunk(0, null));
        }).start();
        daemon("delay-proxy-write", () -> {
            try {
                for (Chunk chunk = queue.take(); chunk.bytes() != null; chunk = queue.take()) {
                    for (long left; (left = chunk.dueNs() - System.nanoTime()) > 0; ) {
                        LockSupport.parkNanos(left); // may return early: wait again until due
                    }
                    sink.write(chunk.bytes());
                    sink.flush();
                }
            } catch (IOException | InterruptedException e) {
                // closed
            }
            closeQuietly(in);
            closeQuietly(out);
        }).start();
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(listener);
        sockets.forEach(DelayProxy::closeQuietly);
    }

    private static Thread daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        return thread;
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // already closed
        }
    }
}
