package io.catena.it.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.catena.it.CatenaCluster;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * docs/api.md, "Hostile input": every case of {@link FuzzCases} against the head (or, for reads, the tail) of a
 * real chain of three. A refusal is a 4xx with a JSON error or a closed connection, and the head's committedSeq,
 * appliedSeq and epoch do not move; a valid-but-odd input does exactly what the API says. Either way the node
 * answers (no 5xx, no silence) and serves the next client.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostileInputTest {

    /** How long the head's seqs must stay put after a refusal: a write it let through would commit within this. */
    static final Duration UNCHANGED_FOR = Duration.ofMillis(250);
    /** How long each hostile client is held open while the background client works. */
    static final Duration HOLD = Duration.ofSeconds(2);
    static final int ROUND_TRIPS_UNDER_ATTACK_MIN = 10;
    static final int SLOWLORIS_CONNECTIONS = 500;
    static final int NEVER_READING_CLIENTS = 8;
    static final int GETS_NEVER_READ = 128;
    /**
     * Half of the 1 GiB the deaf clients ask for: a node that queued the answers would grow by about 1 GiB (or run
     * out of its 256 MiB heap); one that stops reading a connection whose answers do not drain grows by tens of
     * MiB. 512 MiB also covers the JVM growing its heap to -Xmx meanwhile.
     */
    static final long RESIDENT_GROWTH_KB_MAX = 512 * 1024;
    static final long UPLOAD_BYTES = 100_000_000;

    @RegisterExtension
    static final CatenaCluster cluster = CatenaCluster.withNodes(3).sharedByClass();
    static Chain chain;

    @BeforeAll
    static void startChain() {
        cluster.start();
        chain = Chain.of(cluster);
    }

    static List<FuzzCase> cases() {
        return FuzzCases.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    @DisplayName("hostile input is refused with a 4xx or a closed connection and stores nothing; odd but valid"
            + " input is served exactly")
    void hostileInputIsRefusedAndChangesNothing(FuzzCase fuzzCase) throws IOException {
        JsonObject before = chain.headStatus();
        assertThat(before.getLong("appliedSeq")).as("the head is quiet before the case")
                .isEqualTo(before.getLong("committedSeq"));

        RawHttp.Exchange exchange = send(fuzzCase);

        fuzzCase.assertAnswered(exchange, chain);
        long expectedSeq = before.getLong("committedSeq") + fuzzCase.expected().writes();
        await(fuzzCase.name() + ": the head's committedSeq and appliedSeq stay at " + expectedSeq)
                .during(UNCHANGED_FOR).atMost(UNCHANGED_FOR.multipliedBy(4))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    JsonObject after = chain.headStatus();
                    return after.getLong("committedSeq") == expectedSeq && after.getLong("appliedSeq") == expectedSeq
                            && after.getLong("epoch").equals(before.getLong("epoch"));
                });
        assertServes(fuzzCase.target());
    }

    private static RawHttp.Exchange send(FuzzCase fuzzCase) throws IOException {
        String address = chain.address(fuzzCase.target());
        FuzzCase.Expected expected = fuzzCase.expected();
        return switch (fuzzCase.ending()) {
            case READ -> RawHttp.exchange(address, fuzzCase.request(), expected.responsesWanted(),
                    expected.awaitClose());
            case HALF_CLOSE -> {
                try (Socket socket = RawHttp.connect(address)) {
                    socket.getOutputStream().write(fuzzCase.request());
                    socket.shutdownOutput();
                    yield RawHttp.readResponses(socket, expected.responsesWanted(), true, null);
                }
            }
            case RESET -> {
                try (Socket socket = RawHttp.connect(address)) {
                    socket.getOutputStream().write(fuzzCase.request());
                    socket.setSoLinger(true, 0);
                }
                yield new RawHttp.Exchange(List.of(), true, false, null, new byte[0]);
            }
        };
    }

    // ------------------------------------------------------------ hostile clients while others work

    @Test
    @DisplayName("500 slowloris connections to the head, half stalled in their headers and half in their bodies,"
            + " are held while other clients are served, and store nothing")
    void slowlorisConnectionsDoNotStarveOtherClients() throws IOException {
        List<Socket> slow = new ArrayList<>();
        try {
            whileOthersWork("500 slowloris connections", 0, () -> {
                for (int i = 0; i < SLOWLORIS_CONNECTIONS; i++) {
                    Socket socket = RawHttp.connect(chain.head());
                    slow.add(socket);
                    String head = "PUT /kv/fuzz-slow-" + i + " HTTP/1.1\r\nHost: fuzz\r\nContent-Length: 10\r\n";
                    socket.getOutputStream().write(FuzzCases.bytes(i % 2 == 0 ? head : head + "\r\nabc"));
                }
            });
        } finally {
            for (Socket socket : slow) {
                socket.close();
            }
        }
    }

    @Test
    @DisplayName("clients that pipeline 1 GiB of GETs of a 1 MiB value at the tail and never read the answers"
            + " neither starve other clients nor make the tail buffer the answers")
    void clientsThatNeverReadDoNotStarveOthers() throws IOException {
        String large = "L".repeat(FuzzCases.VALUE_BYTES_MAX);
        assertThat(chain.cluster().put(chain.head(), "fuzz-large", large).statusCode()).isEqualTo(200);
        byte[] gets = FuzzCases.bytes("GET /kv/fuzz-large HTTP/1.1\r\nHost: fuzz\r\n\r\n".repeat(GETS_NEVER_READ));
        long rssBeforeKb = residentKb(chain.tailId());
        List<Socket> deaf = new ArrayList<>();
        try {
            whileOthersWork(NEVER_READING_CLIENTS + " clients that never read " + GETS_NEVER_READ + " MiB each", 0,
                    () -> {
                        for (int i = 0; i < NEVER_READING_CLIENTS; i++) {
                            Socket socket = RawHttp.connect(chain.tail());
                            deaf.add(socket);
                            socket.getOutputStream().write(gets);
                        }
                    });
            assertThat(residentKb(chain.tailId()) - rssBeforeKb).as("growth of the tail's resident memory (KiB)"
                    + " while %d MiB of answers went unread", NEVER_READING_CLIENTS * GETS_NEVER_READ)
                    .isLessThan(RESIDENT_GROWTH_KB_MAX);
        } finally {
            for (Socket socket : deaf) {
                socket.close();
            }
        }
        assertThat(chain.valueAtTail("/kv/fuzz-large")).hasSize(FuzzCases.VALUE_BYTES_MAX);
    }

    @Test
    @DisplayName("100 MB uploads (chunked, with a Content-Length, to a bad key) are cut short while other clients"
            + " are served, and store nothing")
    void hundredMegabyteUploadsAreCutShort() throws IOException {
        whileOthersWork("100 MB uploads", 0, () -> {
            assertCutShort("chunked", "PUT /kv/fuzz-100mb HTTP/1.1\r\nHost: fuzz\r\nTransfer-Encoding: chunked",
                    true);
            assertCutShort("declared", "PUT /kv/fuzz-100mb HTTP/1.1\r\nHost: fuzz\r\nContent-Length: "
                    + UPLOAD_BYTES, false);
            assertCutShort("bad key", "PUT /kv/%zz HTTP/1.1\r\nHost: fuzz\r\nContent-Length: " + UPLOAD_BYTES,
                    false);
        });
    }

    /** Streams {@link #UPLOAD_BYTES} after {@code head}; the node must refuse and close well before the end. */
    private static void assertCutShort(String what, String head, boolean chunked) throws IOException {
        long sent = 0;
        try (Socket socket = RawHttp.connect(chain.head())) {
            var out = socket.getOutputStream();
            byte[] block = new byte[64 * 1024];
            byte[] chunkHead = FuzzCases.bytes(Integer.toHexString(block.length) + "\r\n");
            byte[] crlf = FuzzCases.bytes("\r\n");
            try {
                out.write(FuzzCases.bytes(head + "\r\n\r\n"));
                while (sent < UPLOAD_BYTES) {
                    if (chunked) {
                        out.write(chunkHead);
                    }
                    out.write(block);
                    if (chunked) {
                        out.write(crlf);
                    }
                    sent += block.length;
                }
            } catch (IOException cutShort) {
                // the node closed the connection: what this expects
            }
            RawHttp.Exchange exchange = RawHttp.readResponses(socket, 0, true, null);
            assertThat(exchange.closed()).as("%s upload: closed by the node: %s", what, exchange).isTrue();
            for (RawHttp.Response response : exchange.responses()) {
                assertThat(response.status()).as("%s upload: answer %s", what, exchange).isBetween(400, 499);
            }
        }
        assertThat(sent).as("bytes of the %s upload sent before the node closed", what).isLessThan(UPLOAD_BYTES);
    }

    @FunctionalInterface
    private interface Attack {
        void start() throws IOException;
    }

    /**
     * Starts the background client, starts the attack, holds it for {@link #HOLD} and until the client has made
     * {@link #ROUND_TRIPS_UNDER_ATTACK_MIN} more round trips, then stops the client. Asserts the client was
     * unaffected and the head's committedSeq moved by exactly the client's writes plus {@code attackWrites}.
     */
    private static void whileOthersWork(String attackName, long attackWrites, Attack attack) throws IOException {
        long seqBefore = chain.headStatus().getLong("committedSeq");
        BackgroundClient client = BackgroundClient.start(chain);
        try (client) {
            await("the background client's first round trips").atMost(Duration.ofSeconds(15))
                    .until(() -> client.roundTrips() >= 3);
            attack.start();
            int before = client.roundTrips();
            await("the background client is served during " + attackName).pollDelay(HOLD)
                    .atMost(HOLD.plus(Duration.ofSeconds(20))).pollInterval(Duration.ofMillis(100))
                    .until(() -> client.roundTrips() >= before + ROUND_TRIPS_UNDER_ATTACK_MIN);
        }
        client.assertUnaffected(attackName);
        long expectedSeq = seqBefore + client.acknowledgedWrites() + attackWrites;
        await(attackName + ": the head's committedSeq is " + expectedSeq + " (the background client's writes only)")
                .during(UNCHANGED_FOR).atMost(UNCHANGED_FOR.multipliedBy(8)).pollInterval(Duration.ofMillis(50))
                .until(() -> chain.headStatus().getLong("committedSeq") == expectedSeq);
    }

    /** VmRSS of a node's process, from /proc (Linux). */
    private static long residentKb(String nodeId) throws IOException {
        String line = Files.readAllLines(Path.of("/proc/" + chain.cluster().pid(nodeId) + "/status")).stream()
                .filter(l -> l.startsWith("VmRSS:")).findFirst()
                .orElseThrow(() -> new AssertionError("no VmRSS for " + nodeId));
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }

    /** The node still answers a plain request on a new connection. */
    private static void assertServes(FuzzCase.Target target) {
        RawHttp.Exchange health = RawHttp.exchange(chain.address(target),
                FuzzCases.bytes("GET /health HTTP/1.1\r\nHost: fuzz\r\n\r\n"), 1, false);
        assertThat(health.first().status()).as("GET /health at the %s afterwards", target).isEqualTo(200);
    }
}
