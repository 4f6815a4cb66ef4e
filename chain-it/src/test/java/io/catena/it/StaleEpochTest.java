package io.catena.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.catena.node.core.Frame;
import io.catena.node.transport.FrameCodec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * DESIGN.md section 4 and docs/protocol.md, "Frames": a node persists the highest epoch it has accepted and
 * refuses anything older, whether a configuration pushed to it or a frame on a replication link. Each test first
 * moves the cluster past epoch 1 by killing the tail, so that epoch 1 is stale.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class StaleEpochTest {

    static final Duration RECONFIGURATION_MAX = Duration.ofSeconds(15);
    static final Duration DISCONNECT_MAX = Duration.ofSeconds(5);

    @RegisterExtension
    final CatenaCluster cluster = CatenaCluster.withNodes(3);

    @Test
    @DisplayName("a configuration older than the node's epoch, posted to /admin/configuration, is refused: the answer"
            + " names the node's epoch and its status is unchanged")
    void olderConfigurationIsRefused() {
        cluster.start();
        JsonObject staleConfiguration = configurationOf(cluster.chain());
        String node = moveClusterPastEpochOf(staleConfiguration);
        JsonObject before = cluster.status(node);

        HttpResponse<String> answer = cluster.post(cluster.httpOf(node), "/admin/configuration", staleConfiguration);

        assertThat(answer.statusCode()).as("answer to epoch %d: %s", staleConfiguration.getLong("epoch"),
                answer.body()).isEqualTo(200);
        assertThat(new JsonObject(answer.body()).getLong("epoch")).as("epoch the node holds after the post")
                .isEqualTo(before.getLong("epoch"));
        JsonObject after = cluster.status(node);
        assertThat(after.getLong("epoch")).as("%s /status epoch", node).isEqualTo(before.getLong("epoch"));
        assertThat(after.getString("role")).as("%s /status role", node).isEqualTo(before.getString("role"));
        assertThat(after.getLong("appliedSeq")).as("%s /status appliedSeq", node)
                .isEqualTo(before.getLong("appliedSeq"));
    }

    @Test
    @DisplayName("a Hello with a stale epoch on a node's replication port is rejected: the link is closed, the"
            + " node counts it in staleFramesRejected, and its log is unchanged")
    void helloWithStaleEpochIsRejected() throws IOException {
        cluster.start();
        JsonObject staleConfiguration = configurationOf(cluster.chain());
        String node = moveClusterPastEpochOf(staleConfiguration);
        String predecessor = cluster.chainIds().get(0);
        JsonObject before = cluster.status(node);
        long staleEpoch = staleConfiguration.getLong("epoch");

        boolean closedByNode = sendAndAwaitClose(node, new Frame.Hello(staleEpoch, predecessor, 0));

        assertThat(closedByNode).as("%s closed the link after a Hello of epoch %d", node, staleEpoch).isTrue();
        await(node + " counts the stale Hello").atMost(DISCONNECT_MAX).pollInterval(Duration.ofMillis(50))
                .until(() -> cluster.status(node).getLong("staleFramesRejected")
                        == before.getLong("staleFramesRejected") + 1);
        JsonObject after = cluster.status(node);
        assertThat(after.getLong("epoch")).as("%s epoch", node).isEqualTo(before.getLong("epoch"));
        assertThat(after.getLong("appliedSeq")).as("%s appliedSeq", node).isEqualTo(before.getLong("appliedSeq"));
        assertThat(after.getLong("committedSeq")).as("%s committedSeq", node)
                .isEqualTo(before.getLong("committedSeq"));
        assertThat(after.getBoolean("upstreamLinked")).as("%s still linked to its real predecessor %s", node,
                predecessor).isTrue();
        assertThat(cluster.putAtHead("after-stale-hello", "still serving").statusCode())
                .as("a write after the stale Hello").isEqualTo(200);
    }

    /**
     * Kills the tail of the configuration given and waits until the master and the new tail are at a later epoch.
     * Returns the new tail: the node that then receives the stale input (it has a predecessor, so a Hello from
     * that predecessor would be welcome in the right epoch).
     */
    private String moveClusterPastEpochOf(JsonObject staleConfiguration) {
        long staleEpoch = staleConfiguration.getLong("epoch");
        JsonArray staleChain = staleConfiguration.getJsonArray("chain");
        String staleTail = staleChain.getJsonObject(staleChain.size() - 1).getString("id");
        cluster.kill(staleTail);
        await("the master installs an epoch after " + staleEpoch + " without " + staleTail)
                .atMost(RECONFIGURATION_MAX).pollInterval(Duration.ofMillis(50))
                .until(() -> cluster.epoch() > staleEpoch && !cluster.chainIds().contains(staleTail));
        long epoch = cluster.epoch();
        List<String> chain = cluster.chainIds();
        String newTail = chain.get(chain.size() - 1);
        await(newTail + " takes epoch " + epoch + " and links to its predecessor").atMost(RECONFIGURATION_MAX)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    JsonObject status = cluster.status(newTail);
                    return status.getLong("epoch") == epoch && status.getBoolean("upstreamLinked");
                });
        return newTail;
    }

    /** The configuration part of the master's {@code GET /chain}: what the master pushes to nodes. */
    private static JsonObject configurationOf(JsonObject chainView) {
        JsonArray chain = new JsonArray();
        JsonArray nodes = chainView.getJsonArray("chain");
        for (int i = 0; i < nodes.size(); i++) {
            JsonObject node = nodes.getJsonObject(i);
            chain.add(new JsonObject().put("id", node.getString("id")).put("http", node.getString("http"))
                    .put("replication", node.getString("replication")));
        }
        return new JsonObject().put("epoch", chainView.getLong("epoch")).put("chain", chain)
                .put("learners", new JsonArray());
    }

    /**
     * Connects to the node's replication port, sends the frame and reads until the node closes the connection.
     * Returns whether it did within {@link #DISCONNECT_MAX}; a node that answers with a frame instead keeps the
     * link open and fails the test.
     */
    private boolean sendAndAwaitClose(String node, Frame frame) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(cluster.replicationHostOf(node), cluster.replicationPortOf(node)),
                    2_000);
            socket.setSoTimeout((int) DISCONNECT_MAX.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(FrameCodec.encode(frame).getBytes());
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[1024];
            try {
                int read = in.read(buffer);
                if (read > 0) {
                    throw new AssertionError(node + " answered a stale " + frame + " with " + read + " bytes");
                }
                return read < 0;
            } catch (SocketException reset) {
                return true; // closed with a reset: closed all the same
            } catch (SocketTimeoutException stillOpen) {
                return false;
            }
        }
    }
}
