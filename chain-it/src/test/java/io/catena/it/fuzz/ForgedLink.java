package io.catena.it.fuzz;

import io.catena.node.core.Frame;
import io.catena.node.transport.FrameCodec;
import io.vertx.core.buffer.Buffer;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * A client that dials a node's replication port from 127.0.0.1 and speaks the frame protocol (FrameCodec) with
 * forged contents: what a confused or hostile process could send, pretending to be the node's predecessor.
 */
final class ForgedLink implements AutoCloseable {

    private final Socket socket;
    private final DataInputStream in;

    private ForgedLink(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
    }

    static ForgedLink open(String host, int port) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress("127.0.0.1", 0));
        socket.connect(new InetSocketAddress(host, port), 2_000);
        socket.setSoTimeout((int) RawHttp.SILENCE_MAX.toMillis());
        return new ForgedLink(socket);
    }

    void send(Frame... frames) throws IOException {
        for (Frame frame : frames) {
            socket.getOutputStream().write(FrameCodec.encode(frame).getBytes());
        }
        socket.getOutputStream().flush();
    }

    /** The next frame from the node; fails if the node closes or stays silent instead. */
    Frame read() throws IOException {
        int length = in.readInt();
        byte[] body = new byte[length];
        in.readFully(body);
        return FrameCodec.decode(Buffer.buffer(body));
    }

    /**
     * Reads until the node closes the link and returns the frames it sent before; fails if it is still open after
     * {@link RawHttp#SILENCE_MAX} of silence.
     */
    List<Frame> awaitClosedByNode() throws IOException {
        List<Frame> frames = new ArrayList<>();
        try {
            while (true) {
                frames.add(read());
            }
        } catch (EOFException | SocketException closed) {
            return frames; // FIN or reset: closed either way
        } catch (SocketTimeoutException open) {
            throw new AssertionError("the node kept the forged link open; it sent " + frames);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
