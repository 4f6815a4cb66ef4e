package io.catena.it.staticchain;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A controllable TCP proxy on 127.0.0.1, for cluster tests: it listens on a free port and pipes every accepted
 * connection to {@code target}. {@link #hold()} stops forwarding in both directions without dropping anything
 * (a pump keeps the chunk it has read, the rest waits in the kernel's socket buffers); {@link #release()}
 * forwards it all, in order. Connections stay open while held, so neither end notices anything but silence.
 *
 * <p>Blocking sockets, one daemon thread per direction of each connection; {@link #close()} closes the listener
 * and every connection.
 */
final class TcpProxy implements AutoCloseable {

    private static final int CHUNK_BYTES = 64 * 1024;

    private final InetSocketAddress target;
    private final ServerSocket listener;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Object gate = new Object();
    private boolean held; // guarded by gate
    private volatile boolean closed;

    private TcpProxy(InetSocketAddress target, ServerSocket listener) {
        this.target = target;
        this.listener = listener;
    }

    /** Starts a proxy on a free loopback port, forwarding to {@code 127.0.0.1:targetPort}. */
    static TcpProxy start(int targetPort) {
        try {
            InetAddress loopback = InetAddress.getByName("127.0.0.1");
            ServerSocket listener = new ServerSocket(0, 50, loopback);
            TcpProxy proxy = new TcpProxy(new InetSocketAddress(loopback, targetPort), listener);
            daemon("tcp-proxy-accept-" + listener.getLocalPort(), proxy::acceptLoop).start();
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a proxy to port " + targetPort, e);
        }
    }

    int port() {
        return listener.getLocalPort();
    }

    int targetPort() {
        return target.getPort();
    }

    /** Stops forwarding bytes in both directions; they are kept, not dropped. */
    void hold() {
        synchronized (gate) {
            held = true;
        }
    }

    /** Resumes forwarding, starting with whatever was held. */
    void release() {
        synchronized (gate) {
            held = false;
            gate.notifyAll();
        }
    }

    @Override
    public void close() {
        closed = true;
        release(); // wake pumps waiting at the gate so that they see the proxy is closed
        closeQuietly(listener);
        for (Socket socket : sockets) {
            closeQuietly(socket);
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // the listener was closed
            }
            Socket server = new Socket();
            sockets.add(client);
            sockets.add(server);
            try {
                server.connect(target, 2_000);
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
            } catch (IOException e) {
                // The target is down: refuse the client the way the target would have.
                closeQuietly(client);
                closeQuietly(server);
                continue;
            }
            String name = "tcp-proxy-" + port() + "-" + client.getPort();
            daemon(name + "-up", () -> pump(client, server)).start();
            daemon(name + "-down", () -> pump(server, client)).start();
        }
    }

    /**
     * Copies {@code from} to {@code to}, waiting at the gate before every write. The end of either stream, or an
     * error on either socket, ends the whole connection: chain links never half-close.
     */
    private void pump(Socket from, Socket to) {
        byte[] chunk = new byte[CHUNK_BYTES];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int read = in.read(chunk); read >= 0; read = in.read(chunk)) {
                awaitOpenGate();
                if (closed) {
                    return;
                }
                out.write(chunk, 0, read);
                out.flush();
            }
        } catch (IOException e) {
            // One side reset or closed: end the other as well (below).
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            sockets.remove(from);
            sockets.remove(to);
        }
    }

    private void awaitOpenGate() throws InterruptedException {
        synchronized (gate) {
            while (held && !closed) {
                gate.wait();
            }
        }
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
            // closing on the way out: nothing more to do
        }
    }
}
