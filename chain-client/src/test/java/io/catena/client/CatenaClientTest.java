package io.catena.client;

import static io.catena.client.FakeServer.json;
import static io.catena.client.FakeServer.redirect;
import static io.catena.client.FakeServer.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.catena.config.HostPort;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The client against scripted servers standing in for the master and the nodes: routing and the retry rules. */
class CatenaClientTest {

    private final List<FakeServer> servers = new ArrayList<>();

    @AfterEach
    void closeServers() {
        servers.forEach(FakeServer::close);
    }

    private FakeServer server() {
        FakeServer server = new FakeServer();
        servers.add(server);
        return server;
    }

    /** An address where nothing listens: a server's, closed. */
    private static HostPort closedAddress() {
        try (FakeServer server = new FakeServer()) {
            return server.address();
        }
    }

    private static String chain(long epoch, HostPort... nodes) {
        StringBuilder chain = new StringBuilder();
        for (int i = 0; i < nodes.length; i++) {
            String role = nodes.length == 1 ? "sole" : i == 0 ? "head" : i == nodes.length - 1 ? "tail" : "middle";
            chain.append(i == 0 ? "" : ",").append("{\"id\":\"n").append(i + 1).append("\",\"role\":\"").append(role)
                    .append("\",\"http\":\"").append(nodes[i]).append("\"}");
        }
        return "{\"epoch\":" + epoch + ",\"chain\":[" + chain + "],\"others\":[],"
                + "\"master\":{\"id\":\"m1\",\"http\":\"x:1\"}}";
    }

    private static CatenaClient client(HostPort master) {
        return CatenaClient.builder().master(master).retryTimeout(Duration.ofSeconds(5)).build();
    }

    @Test
    void writesGoToTheHeadAndReadsToTheTailTheMasterNames() {
        FakeServer head = server().on("/kv/", json(200, "{\"seq\":7}"));
        FakeServer tail = server().on("/kv/", value("hello", 7));
        FakeServer master = server().on("/chain", json(200, chain(3, head.address(), tail.address())));
        CatenaClient client = client(master.address());

        WriteResult written = client.put("a/b", "hello".getBytes(StandardCharsets.UTF_8));
        Value read = client.get("a/b").orElseThrow();

        assertThat(written.seq()).isEqualTo(7);
        assertThat(head.requests()).singleElement().satisfies(request -> {
            assertThat(request.method()).isEqualTo("PUT");
            assertThat(request.uri()).isEqualTo("/kv/a%2Fb");
            assertThat(request.body()).isEqualTo("hello");
        });
        assertThat(new String(read.bytes(), StandardCharsets.UTF_8)).isEqualTo("hello");
        assertThat(read.seq()).isEqualTo(7);
        assertThat(client.epoch()).isEqualTo(3);
    }

    @Test
    void aWriteCarriesItsAckLevelAndItsPreconditionToTheHead() {
        FakeServer head = server().on("/kv/", json(200, "{\"seq\":8,\"ack\":\"head\"}"));
        FakeServer master = server().on("/chain", json(200, chain(1, head.address())));

        WriteResult result = client(master.address()).put("k", new byte[] {1},
                WriteOptions.DEFAULT.withAck(Ack.HEAD).withIfMatch(5));

        assertThat(result).isEqualTo(new WriteResult(8, "head"));
        FakeServer.Request request = head.requests().get(0);
        assertThat(request.uri()).isEqualTo("/kv/k?ack=head");
        assertThat(request.header("If-Match")).isEqualTo("\"5\"");
    }

    @Test
    void aWriteAnswered503IsSentAgainAndSucceeds() {
        FakeServer head = server().on("/kv/", json(503, "{\"error\":\"unavailable\",\"message\":\"no lease\"}"),
                json(200, "{\"seq\":9}"));
        FakeServer master = server().on("/chain", json(200, chain(1, head.address())));

        assertThat(client(master.address()).put("k", new byte[] {1}).seq()).isEqualTo(9);
        assertThat(head.requests()).hasSize(2);
    }

    @Test
    void aWriteAnswered504IsSurfacedAsOutcomeUnknownWithItsSeqAndNeverResent() {
        FakeServer head = server().on("/kv/", json(504,
                "{\"error\":\"outcome_unknown\",\"message\":\"no commit seen\",\"seq\":11}"), json(200, "{\"seq\":12}"));
        FakeServer master = server().on("/chain", json(200, chain(1, head.address())));

        assertThatThrownBy(() -> client(master.address()).put("k", new byte[] {1}))
                .isInstanceOfSatisfying(OutcomeUnknownException.class, e -> assertThat(e.seq()).hasValue(11));
        assertThat(head.requests()).hasSize(1);
    }

    @Test
    void aWriteWithoutAnAnswerIsSurfacedAsOutcomeUnknownAndNeverResent() {
        FakeServer head = server();
        head.on("/kv/", head.silence());
        FakeServer master = server().on("/chain", json(200, chain(1, head.address())));
        CatenaClient client = CatenaClient.builder().master(master.address())
                .requestTimeout(Duration.ofMillis(300)).build();

        assertThatThrownBy(() -> client.put("k", new byte[] {1}))
                .isInstanceOfSatisfying(OutcomeUnknownException.class, e -> assertThat(e.seq()).isEmpty());
        assertThat(head.requests()).hasSize(1);
    }

    @Test
    void aReadWithoutAnAnswerIsSentAgain() {
        FakeServer tail = server();
        tail.on("/kv/", tail.silence(), value("v", 3));
        FakeServer master = server().on("/chain", json(200, chain(1, tail.address())));
        CatenaClient client = CatenaClient.builder().master(master.address())
                .requestTimeout(Duration.ofMillis(300)).build();

        assertThat(client.get("k")).hasValueSatisfying(value -> assertThat(value.seq()).isEqualTo(3));
        assertThat(tail.requests()).hasSize(2);
    }

    @Test
    void aRedirectIsFollowedAndItsTargetIsUsedFromThenOn() {
        FakeServer head = server().on("/kv/", json(200, "{\"seq\":1}"));
        FakeServer middle = server().on("/status", json(200, "{\"id\":\"n2\",\"role\":\"middle\",\"epoch\":1}"))
                .on("/kv/", redirect("http://" + head.address()));
        CatenaClient client = CatenaClient.builder().node(middle.address()).build();

        client.put("a", new byte[] {1});
        client.put("b", new byte[] {2});

        assertThat(middle.requestsTo("/kv/")).hasSize(1);
        assertThat(head.requestsTo("/kv/")).extracting(FakeServer.Request::uri).containsExactly("/kv/a", "/kv/b");
    }

    @Test
    void aHeadThatRefusesConnectionsIsRediscoveredThroughTheMaster() {
        HostPort deadHead = closedAddress();
        FakeServer newHead = server().on("/kv/", json(200, "{\"seq\":5}"));
        FakeServer master = server().on("/chain", json(200, chain(1, deadHead)),
                json(200, chain(2, newHead.address())));
        CatenaClient client = client(master.address());

        assertThat(client.put("k", new byte[] {1}).seq()).isEqualTo(5);
        assertThat(client.epoch()).isEqualTo(2);
        assertThat(master.requestsTo("/chain")).hasSize(2);
    }

    @Test
    void aMasterThatWasNeverReachedFailsAtOnceAsUnavailable() {
        HostPort nowhere = closedAddress();
        CatenaClient client = CatenaClient.builder().master(nowhere).retryTimeout(Duration.ofSeconds(30)).build();
        long startNs = System.nanoTime();

        assertThatThrownBy(() -> client.put("k", new byte[] {1}))
                .isInstanceOf(UnavailableException.class)
                .hasMessage("cannot reach the master at " + nowhere + ": connection refused");
        assertThat(Duration.ofNanos(System.nanoTime() - startNs)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aChainThatStaysUnavailableIsGivenUpOnAtTheRetryTimeout() {
        FakeServer head = server().on("/kv/", json(503, "{\"error\":\"unavailable\",\"message\":\"no lease\"}"));
        FakeServer master = server().on("/chain", json(200, chain(1, head.address())));
        CatenaClient client = CatenaClient.builder().master(master.address())
                .retryTimeout(Duration.ofMillis(400)).build();

        assertThatThrownBy(() -> client.put("k", new byte[] {1}))
                .isInstanceOf(UnavailableException.class).hasMessageContaining("no lease");
        assertThat(head.requests().size()).isGreaterThan(1);
    }

    @Test
    void aMasterWithoutAChainYetIsAskedAgain() {
        FakeServer head = server().on("/kv/", json(200, "{\"seq\":1}"));
        FakeServer master = server().on("/chain", json(200, chain(0)), json(200, chain(1, head.address())));

        assertThat(client(master.address()).put("k", new byte[] {1}).seq()).isEqualTo(1);
    }

    @Test
    void aBadKeyIsRejectedWithTheNodesErrorAndNotResent() {
        FakeServer head = server().on("/kv/", json(400, "{\"error\":\"bad_key\",\"message\":\"dot segment\"}"));
        FakeServer master = server().on("/chain", json(200, chain(1, head.address())));

        assertThatThrownBy(() -> client(master.address()).put("..", new byte[] {1}))
                .isInstanceOfSatisfying(RejectedException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.code()).isEqualTo("bad_key");
                });
        assertThat(head.requests()).hasSize(1);
    }

    @Test
    void aMissingKeyReadsAsEmpty() {
        FakeServer tail = server().on("/kv/", json(404, "{\"error\":\"not_found\",\"message\":\"none\"}"));
        FakeServer master = server().on("/chain", json(200, chain(1, tail.address())));

        assertThat(client(master.address()).get("k")).isEmpty();
    }

    @Test
    void aStrongReadAtAChosenNodeAsksThatNodeWithItsConsistency() {
        FakeServer middle = server().on("/kv/", value("v", 4));
        FakeServer master = server().on("/chain", json(200, chain(1, closedAddress(), middle.address(),
                closedAddress())));

        client(master.address()).get("k", ReadOptions.DEFAULT.withConsistency(Consistency.STRONG)
                .at(middle.address()));

        assertThat(middle.requests()).extracting(FakeServer.Request::uri).containsExactly("/kv/k?consistency=strong");
    }

    @Test
    void aScanPageIsDecodedWithItsValuesAndNextKey() {
        FakeServer tail = server().on("/kv", json(200,
                "{\"items\":[{\"key\":\"a\",\"seq\":1,\"value\":\"aGk=\"}],\"limit\":1,\"next\":\"a\"}"));
        FakeServer master = server().on("/chain", json(200, chain(1, tail.address())));

        ScanPage page = client(master.address()).scan("a", null, 1, true);

        assertThat(tail.requests().get(0).uri()).isEqualTo("/kv?prefix=a&limit=1");
        assertThat(page.items()).singleElement().satisfies(item -> {
            assertThat(item.key()).isEqualTo("a");
            assertThat(new String(item.value(), StandardCharsets.UTF_8)).isEqualTo("hi");
        });
        assertThat(page.next()).isEqualTo("a");
    }
}
