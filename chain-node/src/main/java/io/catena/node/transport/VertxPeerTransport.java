package io.catena.node.transport;

import io.catena.config.HostPort;
import io.catena.node.core.Frame;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link PeerTransport} over Vert.x TCP: one connection per link, length-prefixed {@link FrameCodec} frames,
 * pipelined (a frame is written as soon as it is sent; nothing waits for a reply). Must be created on the
 * replica's Vert.x context so that every callback runs on that context's event loop.
 *
 * <p>Outbound connections originate from this node's own replication host, so that fault tests can cut links
 * between per-node loopback addresses.
 */
public final class VertxPeerTransport implements PeerTransport {

    private static final Logger log = LoggerFactory.getLogger(VertxPeerTransport.class);

    private final Vertx vertx;
    private final int frameBytesMax;
    private final NetClient client;
    private final Map<Long, NetSocket> sockets = new HashMap<>();
    private final Set<Long> connecting = new HashSet<>();
    private NetServer server;
    private Listener listener;
    private long nextInboundLinkId = -1;
    /** Addresses this transport has linked to since it started: a later link to one of them is a reconnect. */
    private final Set<HostPort> linkedBefore = new HashSet<>();
    private Counter connects;
    private Counter reconnects;
    private Counter connectFailures;
    private Counter accepted;

    public VertxPeerTransport(Vertx vertx, String localHost, int frameBytesMax, int connectTimeoutMs) {
        this.vertx = vertx;
        this.frameBytesMax = frameBytesMax;
        this.client = vertx.createNetClient(new NetClientOptions()
                .setLocalAddress(localHost)
                .setConnectTimeout(connectTimeoutMs)
                .setTcpNoDelay(true));
    }

    public void setListener(Listener listener) {
        this.listener = listener;
    }

    /**
     * Counts links in {@code registry} (docs/operations.md): outbound links established
     * ({@code catena_link_connects_total}), those to an address linked before ({@code catena_link_reconnects_total}),
     * failed connection attempts, and inbound links accepted. Call before {@link #listen}.
     */
    public void bindMetrics(MeterRegistry registry) {
        connects = Counter.builder("catena.link.connects").description("outbound replication links established")
                .register(registry);
        reconnects = Counter.builder("catena.link.reconnects")
                .description("outbound replication links established to an address this node had linked to before")
                .register(registry);
        connectFailures = Counter.builder("catena.link.connect.failures")
                .description("outbound replication connection attempts that failed").register(registry);
        accepted = Counter.builder("catena.link.accepted")
                .description("inbound replication links accepted (from a predecessor)").register(registry);
    }

    private static void count(Counter counter) {
        if (counter != null) {
            counter.increment();
        }
    }

    /** Starts accepting inbound links (from the predecessor) on {@code bind}. */
    public Future<NetServer> listen(HostPort bind) {
        server = vertx.createNetServer(new NetServerOptions().setHost(bind.host()).setPort(bind.port())
                .setTcpNoDelay(true));
        server.connectHandler(socket -> {
            count(accepted);
            attach(nextInboundLinkId--, socket);
        });
        return server.listen();
    }

    @Override
    public void connect(long linkId, HostPort address) {
        connecting.add(linkId);
        client.connect(address.port(), address.host()).onComplete(result -> {
            boolean wanted = connecting.remove(linkId);
            if (result.failed()) {
                count(connectFailures);
                listener.linkDown(linkId, "connect to " + address + " failed: " + result.cause().getMessage());
            } else if (!wanted) {
                result.result().close();
            } else {
                count(connects);
                if (!linkedBefore.add(address)) {
                    count(reconnects);
                }
                attach(linkId, result.result());
                listener.linkUp(linkId);
            }
        });
    }

    @Override
    public void send(long linkId, Frame frame) {
        NetSocket socket = sockets.get(linkId);
        if (socket != null) {
            socket.write(FrameCodec.encode(frame));
        }
    }

    @Override
    public void close(long linkId, String reason) {
        connecting.remove(linkId);
        NetSocket socket = sockets.get(linkId);
        if (socket != null) {
            log.debug("closing link {} to {}: {}", linkId, socket.remoteAddress(), reason);
            socket.close();
        }
    }

    public Future<Void> shutdown() {
        Future<Void> closeServer = server == null ? Future.succeededFuture() : server.close();
        return closeServer.compose(v -> client.close());
    }

    private void attach(long linkId, NetSocket socket) {
        sockets.put(linkId, socket);
        RecordParser parser = RecordParser.newFixed(FrameCodec.LENGTH_FIELD_BYTES);
        parser.handler(new FrameAssembler(linkId, socket, parser));
        socket.handler(parser);
        socket.closeHandler(v -> {
            sockets.remove(linkId);
            listener.linkDown(linkId, "connection closed");
        });
        socket.exceptionHandler(e -> log.debug("link {} to {}: {}", linkId, socket.remoteAddress(), e.toString()));
    }

    /** Alternates between a 4-byte length and a body of that length; hands decoded frames to the listener. */
    private final class FrameAssembler implements io.vertx.core.Handler<Buffer> {
        private final long linkId;
        private final NetSocket socket;
        private final RecordParser parser;
        private boolean expectLength = true;

        FrameAssembler(long linkId, NetSocket socket, RecordParser parser) {
            this.linkId = linkId;
            this.socket = socket;
            this.parser = parser;
        }

        @Override
        public void handle(Buffer buffer) {
            if (expectLength) {
                long length = buffer.getUnsignedInt(0);
                if (length < 9 || length > frameBytesMax + 1024L) {
                    fail("frame length " + length + " outside 9.." + (frameBytesMax + 1024L));
                    return;
                }
                expectLength = false;
                parser.fixedSizeMode((int) length);
                return;
            }
            expectLength = true;
            parser.fixedSizeMode(FrameCodec.LENGTH_FIELD_BYTES);
            Frame frame;
            try {
                frame = FrameCodec.decode(buffer);
            } catch (FrameFormatException e) {
                fail(e.getMessage());
                return;
            }
            if (sockets.containsKey(linkId)) {
                listener.frame(linkId, frame);
            }
        }

        private void fail(String why) {
            log.warn("closing link {} from {}: malformed frame: {}", linkId, socket.remoteAddress(), why);
            socket.handler(null);
            socket.close();
        }
    }
}
