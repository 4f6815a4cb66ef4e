package io.catena.it.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.catena.it.CatenaCluster;
import io.catena.node.core.Frame;
import io.catena.node.core.LogEntry;
import io.catena.node.core.Op;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * docs/api.md, "Hostile input", and docs/protocol.md, "Frames": replication frames forged by a client on the
 * tail's replication port, posing as its predecessor. Frames of an older epoch, a gap in the seqs, Entries before
 * a Hello and entries the node already holds are refused or ignored: none is applied, the tail's data and every
 * seq stay as they were, and the chain serves writes again once its real predecessor has re-linked.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ForgedFramesTest {

    static final Duration RELINK_MAX = Duration.ofSeconds(10);

    @RegisterExtension
    static final CatenaCluster cluster = CatenaCluster.withNodes(3).sharedByClass();
    static Chain chain;
    static String predecessorOfTail;

    private JsonObject tailBefore;
    private JsonObject headBefore;
    private long epoch;

    @BeforeAll
    static void startChain() {
        cluster.start();
        chain = Chain.of(cluster);
        List<String> ids = cluster.chainIds();
        predecessorOfTail = ids.get(ids.size() - 2);
    }

    /** Each case starts from a quiet chain whose tail is linked to its real predecessor. */
    @BeforeEach
    void recordState() {
        awaitRelinkedAndServing();
        tailBefore = tailStatus();
        headBefore = chain.headStatus();
        epoch = tailBefore.getLong("epoch");
        assertThat(tailBefore.getLong("committedSeq")).as("the tail is quiet")
                .isEqualTo(headBefore.getLong("committedSeq"));
    }

    @Test
    @DisplayName("a Hello of an older epoch is refused: the link is closed unanswered, staleFramesRejected rises and"
            + " the tail keeps its real predecessor")
    void staleHelloIsRefused() throws IOException {
        try (ForgedLink link = openToTail()) {
            link.send(new Frame.Hello(epoch - 1, predecessorOfTail, tailBefore.getLong("committedSeq")));

            assertThat(link.awaitClosedByNode()).as("frames answering a stale Hello").isEmpty();
        }
        awaitCounterRaised("staleFramesRejected");
        assertThat(tailStatus().getBoolean("upstreamLinked")).as("the tail's real link").isTrue();
        assertNothingApplied();
    }

    @Test
    @DisplayName("Entries of an older epoch carrying the next seq are refused and never applied")
    void staleEntriesAreNeverApplied() throws IOException {
        long nextSeq = tailBefore.getLong("acceptedSeq") + 1;
        try (ForgedLink link = openToTail()) {
            link.send(new Frame.Entries(epoch - 1, List.of(forgedPut(nextSeq, "fuzz-forged-stale"))));

            assertThat(link.awaitClosedByNode()).as("frames answering stale Entries").isEmpty();
        }
        awaitCounterRaised("staleFramesRejected");
        assertNothingApplied();
        assertThat(chain.getAtTail("/kv/fuzz-forged-stale").status()).isEqualTo(404);
    }

    @Test
    @DisplayName("Entries of the current epoch before any Hello are refused and never applied")
    void entriesWithoutHelloAreNeverApplied() throws IOException {
        long nextSeq = tailBefore.getLong("acceptedSeq") + 1;
        try (ForgedLink link = openToTail()) {
            link.send(new Frame.Entries(epoch, List.of(forgedPut(nextSeq, "fuzz-forged-no-hello"))));

            assertThat(link.awaitClosedByNode()).as("frames answering Entries without a Hello").isEmpty();
        }
        awaitCounterRaised("corruptFramesRejected");
        assertNothingApplied();
        assertThat(chain.getAtTail("/kv/fuzz-forged-no-hello").status()).isEqualTo(404);
    }

    @Test
    @DisplayName("Entries leaving a gap after a Hello are refused and never applied; the real predecessor re-links")
    void entriesWithAGapAreNeverApplied() throws IOException {
        long gapSeq = tailBefore.getLong("acceptedSeq") + 2;
        try (ForgedLink link = openToTail()) {
            link.send(new Frame.Hello(epoch, predecessorOfTail, tailBefore.getLong("committedSeq")));
            assertThat(link.read()).as("the tail answers a Hello with its Position").isInstanceOf(Frame.Position.class);

            link.send(new Frame.Entries(epoch, List.of(forgedPut(gapSeq, "fuzz-forged-gap"))));

            link.awaitClosedByNode();
        }
        awaitCounterRaised("corruptFramesRejected");
        assertNothingApplied();
        assertThat(chain.getAtTail("/kv/fuzz-forged-gap").status()).isEqualTo(404);
        awaitRelinkedAndServing();
    }

    @Test
    @DisplayName("Entries duplicating a seq the tail holds, with another value, are ignored: the tail keeps its"
            + " value; the real predecessor re-links")
    void duplicateEntriesAreNeverApplied() throws IOException {
        long seq = new JsonObject(cluster.putAtHead("fuzz-duplicated", "original").body()).getLong("seq");
        recordState();
        try (ForgedLink link = openToTail()) {
            link.send(new Frame.Hello(epoch, predecessorOfTail, tailBefore.getLong("committedSeq")));
            link.send(new Frame.Entries(epoch, List.of(forgedPut(seq, "fuzz-duplicated"))));
            // frames are handled in order: once this stale one closes the link, the duplicate was handled too
            link.send(new Frame.Hello(epoch - 1, predecessorOfTail, 0));

            link.awaitClosedByNode();
        }
        awaitCounterRaised("staleFramesRejected");
        assertNothingApplied();
        assertThat(chain.valueAtTail("/kv/fuzz-duplicated")).isEqualTo("original");
        awaitRelinkedAndServing();
    }

    // ------------------------------------------------------------ helpers

    private ForgedLink openToTail() throws IOException {
        return ForgedLink.open(cluster.replicationHostOf(chain.tailId()), cluster.replicationPortOf(chain.tailId()));
    }

    /** A well-formed entry (right CRC32C, current entry epoch) that no head ever assigned. */
    private LogEntry forgedPut(long seq, String key) {
        return LogEntry.create(seq, epoch, Op.PUT, key.getBytes(StandardCharsets.UTF_8),
                "forged".getBytes(StandardCharsets.UTF_8));
    }

    private JsonObject tailStatus() {
        return cluster.status(chain.tailId());
    }

    private void awaitCounterRaised(String counter) {
        await("the tail's " + counter + " rises above " + tailBefore.getLong(counter)).atMost(RELINK_MAX)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> tailStatus().getLong(counter) > tailBefore.getLong(counter));
    }

    /** The tail's and the head's seqs and epochs are as before the forged frames. */
    private void assertNothingApplied() {
        JsonObject tail = tailStatus();
        JsonObject head = chain.headStatus();
        for (String field : List.of("epoch", "acceptedSeq", "appliedSeq", "committedSeq")) {
            assertThat(tail.getLong(field)).as("the tail's %s", field).isEqualTo(tailBefore.getLong(field));
            assertThat(head.getLong(field)).as("the head's %s", field).isEqualTo(headBefore.getLong(field));
        }
    }

    /** The tail is linked to its real predecessor again and a write goes through the whole chain. */
    private static void awaitRelinkedAndServing() {
        await("the tail is linked to " + predecessorOfTail + " and the chain serves a write").atMost(RELINK_MAX)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> cluster.status(chain.tailId()).getBoolean("upstreamLinked")
                        && cluster.putAtHead("fuzz-relinked", "yes").statusCode() == 200);
    }
}
