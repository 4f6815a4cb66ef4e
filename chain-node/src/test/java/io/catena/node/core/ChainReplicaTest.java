package io.catena.node.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.catena.config.ChainConfiguration;
import io.catena.config.HostPort;
import io.catena.config.NodeDescriptor;
import io.catena.config.Role;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** One transition of {@link ChainReplica} per test: input in, effects out. */
class ChainReplicaTest {

    static final NodeDescriptor N1 = node("n1", 1);
    static final NodeDescriptor N2 = node("n2", 2);
    static final NodeDescriptor N3 = node("n3", 3);
    static final ChainConfiguration THREE = ChainConfiguration.of(1, List.of(N1, N2, N3));
    static final ReplicaLimits LIMITS = new ReplicaLimits(4, 100, 1 << 20, 1_000, 200);
    static final long DOWN = 1;
    static final long UP = -1;

    final Map<Long, LogEntry> durableLog = new HashMap<>();
    long appliedData;

    /** Committed data of the replica under test: key -> seq of its value (entries applied by makeDurable). */
    final Map<java.nio.ByteBuffer, Long> committedData = new HashMap<>();
    final LogReader reader = new LogReader() {
        @Override
        public Optional<LogEntry> entry(long seq) {
            return Optional.ofNullable(durableLog.get(seq));
        }

        @Override
        public long committedSeqOf(byte[] key) {
            return committedData.getOrDefault(java.nio.ByteBuffer.wrap(key), 0L);
        }

        @Override
        public SnapshotSource openSnapshot() {
            List<SnapshotItem> items = new java.util.ArrayList<>();
            new java.util.TreeMap<>(committedData).forEach((key, seq) -> items.add(
                    new SnapshotItem(key.array(), seq, durableLog.get(seq).value())));
            LogEntry last = durableLog.get(appliedData);
            return new io.catena.node.storage.InMemoryStorage.ListSnapshot(appliedData,
                    last == null ? 0 : last.entryEpoch(), items);
        }
    };

    static NodeDescriptor node(String id, int n) {
        return new NodeDescriptor(id, new HostPort("127.0.0.1", 7000 + n), new HostPort("127.0.0.1", 7100 + n));
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** A replica holding a lease that never ends (lease expiry has its own tests). */
    ChainReplica replica(String id, ChainConfiguration configuration) {
        return leased(new ChainReplica(id, configuration, LIMITS, reader, 0, 0, 0));
    }

    static ChainReplica leased(ChainReplica replica) {
        replica.onLease(0, replica.configuration().epoch(), Long.MAX_VALUE);
        return replica;
    }

    /** A head whose link to n2 has done the handshake with n2 at {@code successorSeq}. */
    ChainReplica streamingHead() {
        ChainReplica head = replica("n1", THREE);
        assertThat(head.start(0).network()).containsExactly(new Effect.Connect(DOWN, N2));
        head.onLinkUp(DOWN);
        head.onFrame(DOWN, new Frame.Position(1, 0, 0, 0));
        return head;
    }

    /** A node whose predecessor's handshake (Hello, then Truncate at its empty log) has completed on link UP. */
    ChainReplica linkedSuccessor(String id) {
        ChainReplica successor = replica(id, THREE);
        successor.start(0);
        successor.onFrame(UP, new Frame.Hello(1, THREE.predecessorOf(id).orElseThrow().id(), 0));
        successor.onFrame(UP, new Frame.Truncate(1, 0));
        return successor;
    }

    /** Makes the replica's accepted entries durable, as storage would, and returns the effects. */
    Effects makeDurable(ChainReplica replica, Effects withPersists) {
        long last = replica.status().appliedSeq();
        long commit = replica.committedSeq();
        for (Effect.Persist persist : withPersists.persists()) {
            for (LogEntry entry : persist.append()) {
                durableLog.put(entry.seq(), entry);
                last = entry.seq();
            }
            for (long seq = appliedData + 1; seq <= persist.commitUpTo() && durableLog.containsKey(seq); seq++) {
                LogEntry entry = durableLog.get(seq);
                if (entry.op() == Op.PUT) {
                    committedData.put(java.nio.ByteBuffer.wrap(entry.key()), seq);
                } else {
                    committedData.remove(java.nio.ByteBuffer.wrap(entry.key()));
                }
                appliedData = seq;
            }
            commit = Math.max(commit, persist.commitUpTo());
        }
        return replica.onDurable(replica.persistsIssued(), last, commit);
    }

    static List<Frame> sentOn(Effects effects, long linkId) {
        return effects.network().stream()
                .filter(e -> e instanceof Effect.Send send && send.linkId() == linkId)
                .map(e -> ((Effect.Send) e).frame()).toList();
    }

    static boolean closes(Effects effects, long linkId) {
        return effects.network().stream().anyMatch(e -> e instanceof Effect.Close c && c.linkId() == linkId);
    }

    static LogEntry entry(long seq) {
        return LogEntry.create(seq, 1, Op.PUT, bytes("k" + seq), bytes("v" + seq));
    }

    @Nested
    class ClientWrites {

        @Test
        void the_head_assigns_the_next_seq_and_persists_before_anything_else() {
            ChainReplica head = streamingHead();

            Effects effects = head.onClientWrite(10, 7, Op.PUT, bytes("a"), bytes("hello"));

            assertThat(effects.persists()).hasSize(1);
            LogEntry entry = effects.persists().get(0).append().get(0);
            assertThat(entry.seq()).isEqualTo(1);
            assertThat(entry.entryEpoch()).isEqualTo(1);
            assertThat(entry.crcValid()).isTrue();
            assertThat(effects.network()).as("nothing is forwarded before it is durable here").isEmpty();
            assertThat(effects.replies()).isEmpty();
        }

        @Test
        void a_write_at_a_node_that_is_not_the_head_is_redirected_to_the_head() {
            ChainReplica middle = replica("n2", THREE);

            Effects effects = middle.onClientWrite(0, 7, Op.PUT, bytes("a"), bytes("x"));

            assertThat(effects.replies()).containsExactly(new Effect.Reply(7, new WriteOutcome.NotHead(N1)));
            assertThat(effects.persists()).isEmpty();
        }

        @Test
        void the_head_rejects_writes_beyond_the_pending_limit_without_assigning_a_seq() {
            ChainReplica head = streamingHead();
            for (int i = 0; i < LIMITS.pendingWritesMax(); i++) {
                head.onClientWrite(0, i, Op.PUT, bytes("k"), bytes("v"));
            }

            Effects effects = head.onClientWrite(0, 99, Op.PUT, bytes("k"), bytes("v"));

            assertThat(effects.replies()).singleElement()
                    .satisfies(r -> assertThat(r.outcome()).isInstanceOf(WriteOutcome.Rejected.class));
            assertThat(effects.persists()).isEmpty();
            assertThat(head.status().acceptedSeq()).isEqualTo(LIMITS.pendingWritesMax());
        }

        @Test
        void a_durable_entry_is_forwarded_downstream() {
            ChainReplica head = streamingHead();
            Effects accepted = head.onClientWrite(0, 7, Op.PUT, bytes("a"), bytes("x"));

            Effects effects = makeDurable(head, accepted);

            assertThat(sentOn(effects, DOWN)).singleElement().isInstanceOfSatisfying(Frame.Entries.class,
                    frame -> assertThat(frame.entries()).containsExactlyElementsOf(accepted.persists().get(0).append()));
            assertThat(effects.replies()).as("not committed until the tail has it").isEmpty();
        }

        @Test
        void the_head_answers_a_write_once_an_ack_covers_its_seq() {
            ChainReplica head = streamingHead();
            makeDurable(head, head.onClientWrite(0, 7, Op.PUT, bytes("a"), bytes("x")));
            makeDurable(head, head.onClientWrite(0, 8, Op.PUT, bytes("b"), bytes("y")));

            Effects effects = head.onFrame(DOWN, new Frame.Ack(1, 1, new long[] {2, 1}));

            assertThat(effects.replies()).containsExactly(new Effect.Reply(7, new WriteOutcome.Committed(1)));
            assertThat(effects.persists()).containsExactly(new Effect.Persist(List.of(), 1));
        }

        @Test
        void a_write_not_committed_in_time_has_an_unknown_outcome() {
            ChainReplica head = streamingHead();
            head.onClientWrite(0, 7, Op.PUT, bytes("a"), bytes("x"));

            assertThat(head.onTick(LIMITS.writeTimeoutMs() - 1).replies()).isEmpty();
            Effects effects = head.onTick(LIMITS.writeTimeoutMs());

            assertThat(effects.replies()).singleElement().satisfies(reply -> assertThat(reply.outcome())
                    .isInstanceOfSatisfying(WriteOutcome.OutcomeUnknown.class, u -> assertThat(u.seq()).isEqualTo(1)));
        }

        @Test
        void a_sole_node_commits_its_own_writes_when_they_are_durable() {
            ChainConfiguration one = ChainConfiguration.of(1, List.of(N1));
            ChainReplica sole = replica("n1", one);
            sole.start(0);
            Effects accepted = sole.onClientWrite(0, 7, Op.PUT, bytes("a"), bytes("x"));
            assertThat(accepted.persists().get(0).commitUpTo()).isEqualTo(1);

            Effects effects = makeDurable(sole, accepted);

            assertThat(effects.replies()).containsExactly(new Effect.Reply(7, new WriteOutcome.Committed(1)));
        }
    }

    @Nested
    class LinkHandshake {

        @Test
        void an_open_link_starts_with_hello() {
            ChainReplica head = replica("n1", THREE);
            head.start(0);

            assertThat(sentOn(head.onLinkUp(DOWN), DOWN)).containsExactly(new Frame.Hello(1, "n1", 0));
        }

        @Test
        void the_successor_answers_hello_with_its_position_and_commit() {
            durableLog.put(1L, entry(1));
            durableLog.put(2L, entry(2));
            ChainReplica middle = new ChainReplica("n2", THREE, LIMITS, reader, 2, 1, 1);

            Effects effects = middle.onFrame(UP, new Frame.Hello(1, "n1", 0));

            assertThat(sentOn(effects, UP)).containsExactly(new Frame.Position(1, 2, 1, 1, 1),
                    new Frame.Ack(1, 1, new long[] {2}));
        }

        @Test
        void hello_from_a_node_that_is_not_the_predecessor_is_refused() {
            ChainReplica tail = replica("n3", THREE);

            Effects effects = tail.onFrame(UP, new Frame.Hello(1, "n1", 0));

            assertThat(closes(effects, UP)).isTrue();
            assertThat(sentOn(effects, UP)).isEmpty();
        }

        @Test
        void the_predecessor_resends_exactly_what_the_successor_lacks() {
            for (long seq = 1; seq <= 5; seq++) {
                durableLog.put(seq, entry(seq));
            }
            ChainReplica head = new ChainReplica("n1", THREE, LIMITS, reader, 5, 1, 2);
            head.start(0);
            head.onLinkUp(DOWN);

            Effects effects = head.onFrame(DOWN, new Frame.Position(1, 3, 1, 0));

            assertThat(sentOn(effects, DOWN)).containsExactly(new Frame.Truncate(1, 3),
                    new Frame.Entries(1, List.of(entry(4), entry(5))));
            assertThat(head.status().downstream().handshakePosition()).isEqualTo(3);
            assertThat(head.status().downstream().handshakeResendThrough()).isEqualTo(5);
        }

        @Test
        void a_successor_whose_log_is_ahead_is_told_to_discard_its_uncommitted_entries() {
            durableLog.put(1L, entry(1));
            ChainReplica head = leased(new ChainReplica("n1", THREE, LIMITS, reader, 1, 1, 1));
            head.start(0);
            head.onLinkUp(DOWN);

            Effects effects = head.onFrame(DOWN, new Frame.Position(1, 2, 1, 1));

            assertThat(sentOn(effects, DOWN)).containsExactly(new Frame.Truncate(1, 1));
            assertThat(head.status().downstream().state()).isEqualTo("hello_sent");
        }

        @Test
        void a_successor_with_another_entry_epoch_at_its_last_seq_is_told_to_truncate_to_its_commit() {
            durableLog.put(1L, entry(1));
            durableLog.put(2L, entry(2));
            ChainReplica head = leased(new ChainReplica("n1", THREE, LIMITS, reader, 2, 1, 1));
            head.start(0);
            head.onLinkUp(DOWN);

            Effects effects = head.onFrame(DOWN, new Frame.Position(1, 2, 7, 1));
            assertThat(sentOn(effects, DOWN)).containsExactly(new Frame.Truncate(1, 1));

            Effects resumed = head.onFrame(DOWN, new Frame.Position(1, 1, 1, 1));
            assertThat(sentOn(resumed, DOWN)).containsExactly(new Frame.Truncate(1, 1),
                    new Frame.Entries(1, List.of(entry(2))));
        }

        @Test
        void a_successor_diverging_within_its_committed_entries_gets_nothing() {
            durableLog.put(1L, entry(1));
            durableLog.put(2L, entry(2));
            ChainReplica head = leased(new ChainReplica("n1", THREE, LIMITS, reader, 2, 1, 1));
            head.start(0);
            head.onLinkUp(DOWN);

            Effects effects = head.onFrame(DOWN, new Frame.Position(1, 2, 7, 2));

            assertThat(sentOn(effects, DOWN)).isEmpty();
            assertThat(head.status().downstream().state()).isEqualTo("diverged");
        }

        @Test
        void a_successor_whose_committed_entry_differs_from_ours_is_never_told_to_truncate() {
            durableLog.put(1L, entry(1));
            durableLog.put(2L, entry(2));
            ChainReplica head = leased(new ChainReplica("n1", THREE, LIMITS, reader, 2, 1, 1));
            head.start(0);
            head.onLinkUp(DOWN);

            Effects effects = head.onFrame(DOWN, new Frame.Position(1, 2, 7, 1, 9));

            assertThat(sentOn(effects, DOWN)).isEmpty();
            assertThat(head.status().downstream().state()).isEqualTo("diverged");
        }

        @Test
        void a_successor_discards_entries_after_the_truncate_point_and_reports_again() {
            LogEntry foreign = LogEntry.create(2, 1, Op.PUT, bytes("old-head"), bytes("never acked"));
            durableLog.put(1L, entry(1));
            durableLog.put(2L, foreign);
            ChainReplica tail = leased(new ChainReplica("n3", THREE, LIMITS, reader, 2, 1, 1));
            tail.start(0);
            tail.onFrame(UP, new Frame.Hello(1, "n2", 1));

            Effects effects = tail.onFrame(UP, new Frame.Truncate(1, 1));

            assertThat(effects.persists()).first().satisfies(p -> assertThat(p.truncateAfter()).isEqualTo(1));
            assertThat(sentOn(effects, UP)).first().isEqualTo(new Frame.Position(1, 1, 1, 1, 1));
            assertThat(tail.status().acceptedSeq()).isEqualTo(1);
        }

        @Test
        void a_truncate_below_the_committed_seq_is_refused() {
            durableLog.put(1L, entry(1));
            durableLog.put(2L, entry(2));
            ChainReplica middle = leased(new ChainReplica("n2", THREE, LIMITS, reader, 2, 1, 2));
            middle.start(0);
            middle.onFrame(UP, new Frame.Hello(1, "n1", 2));

            Effects effects = middle.onFrame(UP, new Frame.Truncate(1, 1));

            assertThat(effects.persists()).isEmpty();
            assertThat(closes(effects, UP)).isTrue();
            assertThat(middle.status().acceptedSeq()).isEqualTo(2);
        }

        @Test
        void durability_reported_for_persists_before_a_truncation_is_ignored() {
            ChainReplica middle = linkedSuccessor("n2");
            middle.onFrame(UP, new Frame.Entries(1, List.of(entry(1), entry(2))));
            long beforeTruncation = middle.persistsIssued();
            middle.onFrame(UP, new Frame.Truncate(1, 0));

            Effects stale = middle.onDurable(beforeTruncation, 2, 0);

            assertThat(stale.isEmpty()).isTrue();
            assertThat(middle.status().appliedSeq()).isZero();
        }

        @Test
        void a_tail_refuses_a_truncation_below_appends_it_already_committed() {
            ChainReplica tail = linkedSuccessor("n3");
            tail.onFrame(UP, new Frame.Entries(1, List.of(entry(1), entry(2))));

            Effects effects = tail.onFrame(UP, new Frame.Truncate(1, 0));

            assertThat(effects.persists()).as("storage would refuse to discard committed entries").isEmpty();
            assertThat(closes(effects, UP)).isTrue();
        }

        @Test
        void a_failed_link_is_reopened_after_the_reconnect_delay() {
            ChainReplica head = replica("n1", THREE);
            head.start(0);

            head.onLinkDown(100, DOWN);

            assertThat(head.onTick(100 + LIMITS.reconnectDelayMs() - 1).network()).isEmpty();
            assertThat(head.onTick(100 + LIMITS.reconnectDelayMs()).network())
                    .containsExactly(new Effect.Connect(2, N2));
        }
    }

    @Nested
    class Entries {

        @Test
        void a_middle_node_persists_received_entries_without_committing_them() {
            ChainReplica middle = linkedSuccessor("n2");

            Effects effects = middle.onFrame(UP, new Frame.Entries(1, List.of(entry(1), entry(2))));

            assertThat(effects.persists()).containsExactly(new Effect.Persist(List.of(entry(1), entry(2)), 0));
        }

        @Test
        void the_tail_commits_entries_in_the_persist_that_appends_them_and_acks_when_durable() {
            ChainReplica tail = linkedSuccessor("n3");

            Effects accepted = tail.onFrame(UP, new Frame.Entries(1, List.of(entry(1), entry(2))));
            assertThat(accepted.persists()).containsExactly(new Effect.Persist(List.of(entry(1), entry(2)), 2));

            Effects effects = makeDurable(tail, accepted);

            assertThat(sentOn(effects, UP)).containsExactly(new Frame.Ack(1, 2, new long[] {2}));
            assertThat(tail.committedSeq()).isEqualTo(2);
        }

        @Test
        void entries_that_leave_a_gap_close_the_link_and_change_nothing() {
            ChainReplica tail = linkedSuccessor("n3");

            Effects effects = tail.onFrame(UP, new Frame.Entries(1, List.of(entry(2))));

            assertThat(closes(effects, UP)).isTrue();
            assertThat(effects.persists()).isEmpty();
            assertThat(tail.status().corruptFramesRejected()).isEqualTo(1);
        }

        @Test
        void an_entry_failing_its_crc_rejects_the_whole_frame() {
            ChainReplica tail = linkedSuccessor("n3");
            LogEntry good = entry(1);
            LogEntry corrupted = new LogEntry(2, 1, Op.PUT, bytes("k2"), bytes("tampered"), entry(2).crc());

            Effects effects = tail.onFrame(UP, new Frame.Entries(1, List.of(good, corrupted)));

            assertThat(closes(effects, UP)).isTrue();
            assertThat(effects.persists()).isEmpty();
            assertThat(tail.status().acceptedSeq()).isZero();
        }

        @Test
        void entries_already_held_are_skipped_and_only_new_ones_persisted() {
            ChainReplica tail = linkedSuccessor("n3");
            tail.onFrame(UP, new Frame.Entries(1, List.of(entry(1), entry(2))));

            Effects effects = tail.onFrame(UP, new Frame.Entries(1, List.of(entry(2), entry(3))));

            assertThat(effects.persists()).containsExactly(new Effect.Persist(List.of(entry(3)), 3));
        }

        @Test
        void entries_before_hello_are_a_protocol_violation() {
            ChainReplica tail = replica("n3", THREE);

            Effects effects = tail.onFrame(UP, new Frame.Entries(1, List.of(entry(1))));

            assertThat(closes(effects, UP)).isTrue();
            assertThat(effects.persists()).isEmpty();
        }
    }

    @Nested
    class Acks {

        @Test
        void a_middle_node_applies_an_ack_and_passes_it_upstream_with_its_own_durable_seq() {
            ChainReplica middle = linkedSuccessor("n2");
            middle.start(0);
            middle.onLinkUp(DOWN);
            middle.onFrame(DOWN, new Frame.Position(1, 0, 0, 0));
            makeDurable(middle, middle.onFrame(UP, new Frame.Entries(1, List.of(entry(1), entry(2)))));

            Effects effects = middle.onFrame(DOWN, new Frame.Ack(1, 2, new long[] {2}));

            assertThat(effects.persists()).containsExactly(new Effect.Persist(List.of(), 2));
            assertThat(sentOn(effects, UP)).containsExactly(new Frame.Ack(1, 2, new long[] {2, 2}));
        }

        @Test
        void a_node_never_commits_beyond_its_own_durable_seq() {
            ChainReplica head = streamingHead();
            makeDurable(head, head.onClientWrite(0, 7, Op.PUT, bytes("a"), bytes("x")));
            head.onClientWrite(0, 8, Op.PUT, bytes("b"), bytes("y"));

            head.onFrame(DOWN, new Frame.Ack(1, 2, new long[] {2}));

            assertThat(head.committedSeq()).isEqualTo(1);
        }

        @Test
        void the_window_limits_entries_sent_beyond_what_the_successor_made_durable() {
            ReplicaLimits narrow = new ReplicaLimits(100, 2, 1 << 20, 1_000, 200);
            ChainReplica head = leased(new ChainReplica("n1", THREE, narrow, reader, 0, 0, 0));
            head.start(0);
            head.onLinkUp(DOWN);
            head.onFrame(DOWN, new Frame.Position(1, 0, 0, 0));
            Effects accepted = Effects.NONE;
            for (int i = 0; i < 5; i++) {
                accepted = head.onClientWrite(0, i, Op.PUT, bytes("k"), bytes("v"));
                durableLog.put((long) i + 1, accepted.persists().get(0).append().get(0));
            }

            List<Frame> sent = sentOn(head.onDurable(head.persistsIssued(), 5, 0), DOWN);
            assertThat(sent).singleElement().isInstanceOfSatisfying(Frame.Entries.class,
                    f -> assertThat(f.lastSeq()).isEqualTo(2));

            List<Frame> more = sentOn(head.onFrame(DOWN, new Frame.Ack(1, 0, new long[] {2})), DOWN);
            assertThat(more).singleElement().isInstanceOfSatisfying(Frame.Entries.class,
                    f -> assertThat(f.firstSeq()).isEqualTo(3));
        }
    }

    @Nested
    class Epochs {

        @Test
        void a_frame_from_an_older_epoch_is_rejected_counted_and_its_link_closed() {
            ChainReplica tail = leased(new ChainReplica("n3", ChainConfiguration.of(3, List.of(N1, N2, N3)), LIMITS,
                    reader, 0, 0, 0));

            Effects effects = tail.onFrame(UP, new Frame.Hello(2, "n2", 0));

            assertThat(closes(effects, UP)).isTrue();
            assertThat(sentOn(effects, UP)).isEmpty();
            assertThat(tail.status().staleFramesRejected()).isEqualTo(1);
        }

        @Test
        void a_frame_from_a_newer_epoch_is_rejected_without_being_applied() {
            ChainReplica tail = linkedSuccessor("n3");

            Effects effects = tail.onFrame(UP, new Frame.Entries(2, List.of(entry(1))));

            assertThat(closes(effects, UP)).isTrue();
            assertThat(effects.persists()).isEmpty();
            assertThat(tail.status().acceptedSeq()).isZero();
        }

        @Test
        void an_older_or_equal_configuration_is_refused() {
            ChainReplica middle = replica("n2", ChainConfiguration.of(3, List.of(N1, N2, N3)));

            middle.onConfiguration(0, ChainConfiguration.of(3, List.of(N2, N3)));
            middle.onConfiguration(0, ChainConfiguration.of(2, List.of(N2, N3)));

            assertThat(middle.configuration().epoch()).isEqualTo(3);
            assertThat(middle.role()).isEqualTo(Role.MIDDLE);
        }

        @Test
        void a_node_that_becomes_tail_commits_its_log_once_the_handshake_validated_it() {
            durableLog.put(1L, entry(1));
            durableLog.put(2L, entry(2));
            ChainReplica middle = leased(new ChainReplica("n2", THREE, LIMITS, reader, 2, 1, 1));
            middle.start(0);
            middle.onFrame(UP, new Frame.Hello(1, "n1", 1));
            assertThat(middle.onFrame(UP, new Frame.Truncate(1, 2)).network()).as("validated: it links onward")
                    .contains(new Effect.Connect(DOWN, N3));

            Effects accepted = middle.onConfiguration(0, ChainConfiguration.of(2, List.of(N1, N2)));
            assertThat(accepted.persists()).singleElement()
                    .satisfies(p -> assertThat(p.configuration().epoch()).isEqualTo(2));
            assertThat(middle.role()).as("not before the configuration is durable").isEqualTo(Role.MIDDLE);

            Effects effects = makeDurable(middle, accepted);

            assertThat(middle.role()).isEqualTo(Role.TAIL);
            assertThat(closes(effects, DOWN)).as("the old successor link is closed").isTrue();
            assertThat(effects.persists()).as("nothing of its log is committed before validation").isEmpty();

            middle.onFrame(UP, new Frame.Hello(2, "n1", 1));
            Effects validated = middle.onFrame(UP, new Frame.Truncate(2, 2));

            assertThat(validated.persists()).containsExactly(new Effect.Persist(List.of(), 2));
        }

        @Test
        void a_node_with_an_unvalidated_log_does_not_link_to_its_successor() {
            ChainReplica middle = replica("n2", THREE);

            assertThat(middle.start(0).network()).isEmpty();
            middle.onFrame(UP, new Frame.Hello(1, "n1", 0));
            assertThat(middle.onFrame(UP, new Frame.Truncate(1, 0)).network())
                    .contains(new Effect.Connect(DOWN, N3));
        }

        @Test
        void a_predecessor_behind_its_successors_commit_point_retries_the_link_instead_of_giving_up() {
            durableLog.put(1L, entry(1));
            ChainReplica head = leased(new ChainReplica("n1", THREE, LIMITS, reader, 1, 1, 1));
            head.start(0);
            head.onLinkUp(DOWN);

            Effects effects = head.onFrame(DOWN, new Frame.Position(1, 3, 1, 3));

            assertThat(closes(effects, DOWN)).isTrue();
            assertThat(head.status().downstream()).isNull();
            assertThat(head.onTick(LIMITS.reconnectDelayMs()).network()).contains(new Effect.Connect(2, N2));
        }

        @Test
        void acks_from_a_successor_whose_log_is_not_yet_agreed_are_ignored() {
            durableLog.put(1L, entry(1));
            durableLog.put(2L, entry(2));
            ChainReplica head = leased(new ChainReplica("n1", THREE, LIMITS, reader, 2, 1, 0));
            head.start(0);
            head.onLinkUp(DOWN);
            head.onFrame(DOWN, new Frame.Position(1, 2, 7, 0));

            head.onFrame(DOWN, new Frame.Ack(1, 2, new long[] {2}));

            assertThat(head.committedSeq()).isZero();
        }

        @Test
        void writes_waiting_at_a_node_that_stops_being_head_have_an_unknown_outcome() {
            ChainReplica head = streamingHead();
            head.onClientWrite(0, 7, Op.PUT, bytes("a"), bytes("x"));

            Effects effects = makeDurable(head, head.onConfiguration(0, ChainConfiguration.of(2, List.of(N2, N3))));

            assertThat(effects.replies()).singleElement().satisfies(reply -> assertThat(reply.outcome())
                    .isInstanceOf(WriteOutcome.OutcomeUnknown.class));
        }

        @Test
        void storage_reporting_durability_beyond_what_was_accepted_is_a_bug() {
            ChainReplica head = streamingHead();

            assertThatThrownBy(() -> head.onDurable(0, 1, 0)).isInstanceOf(IllegalStateException.class);
        }
    }

    @Nested
    class LeasesAndReads {

        @Test
        void a_head_without_a_lease_rejects_writes_without_assigning_a_seq() {
            ChainReplica head = new ChainReplica("n1", THREE, LIMITS, reader, 0, 0, 0);
            head.start(0);

            Effects effects = head.onClientWrite(0, 7, Op.PUT, bytes("a"), bytes("x"));

            assertThat(effects.replies()).singleElement().satisfies(reply -> assertThat(reply.outcome())
                    .isInstanceOf(WriteOutcome.Rejected.class));
            assertThat(effects.persists()).isEmpty();
        }

        @Test
        void a_lease_runs_out_at_its_end() {
            ChainReplica head = new ChainReplica("n1", THREE, LIMITS, reader, 0, 0, 0);
            head.start(0);
            head.onLease(0, 1, 1_000);

            assertThat(head.onClientWrite(999, 7, Op.PUT, bytes("a"), bytes("x")).persists()).hasSize(1);
            assertThat(head.onClientWrite(1_000, 8, Op.PUT, bytes("a"), bytes("x")).replies()).singleElement()
                    .satisfies(reply -> assertThat(reply.outcome()).isInstanceOf(WriteOutcome.Rejected.class));
        }

        @Test
        void a_lease_granted_with_a_newer_configuration_covers_nothing_until_the_node_has_switched() {
            ChainReplica head = new ChainReplica("n1", THREE, LIMITS, reader, 0, 0, 0);
            head.start(0);
            Effects accepted = head.onConfiguration(0, ChainConfiguration.of(2, List.of(N1, N2)));
            head.onLease(0, 2, 10_000);

            assertThat(head.onClientWrite(1, 7, Op.PUT, bytes("a"), bytes("x")).replies()).singleElement()
                    .satisfies(reply -> assertThat(reply.outcome()).isInstanceOf(WriteOutcome.Rejected.class));

            makeDurable(head, accepted);

            assertThat(head.onClientWrite(2, 8, Op.PUT, bytes("a"), bytes("x")).persists()).hasSize(1);
        }

        @Test
        void a_node_without_a_configuration_rejects_writes_and_reads() {
            ChainReplica fresh = leased(new ChainReplica("n1", ChainConfiguration.NONE, LIMITS, reader, 0, 0, 0));

            assertThat(fresh.onClientWrite(0, 7, Op.PUT, bytes("a"), bytes("x")).replies()).singleElement()
                    .satisfies(reply -> assertThat(reply.outcome()).isInstanceOf(WriteOutcome.Rejected.class));
            assertThat(fresh.readDecision(0)).isInstanceOf(ReadDecision.Unavailable.class);
        }

        @Test
        void reads_at_a_non_tail_are_redirected_to_the_tail() {
            assertThat(replica("n1", THREE).readDecision(0)).isEqualTo(new ReadDecision.Redirect(N3));
        }

        @Test
        void the_tail_serves_reads_only_with_a_lease() {
            ChainReplica tail = new ChainReplica("n3", THREE, LIMITS, reader, 0, 0, 0);
            tail.start(0);
            tail.onFrame(UP, new Frame.Hello(1, "n2", 0));
            tail.onFrame(UP, new Frame.Truncate(1, 0));

            assertThat(tail.readDecision(0)).isInstanceOf(ReadDecision.Unavailable.class);
            tail.onLease(0, 1, 500);
            assertThat(tail.readDecision(499)).isEqualTo(ReadDecision.SERVE);
            assertThat(tail.readDecision(500)).isInstanceOf(ReadDecision.Unavailable.class);
        }

        @Test
        void a_tail_serves_no_read_before_its_predecessor_validated_its_log() {
            ChainReplica tail = replica("n3", THREE);
            tail.start(0);

            assertThat(tail.readDecision(0)).isInstanceOf(ReadDecision.Unavailable.class);
            tail.onFrame(UP, new Frame.Hello(1, "n2", 0));
            assertThat(tail.readDecision(0)).isInstanceOf(ReadDecision.Unavailable.class);
            tail.onFrame(UP, new Frame.Truncate(1, 0));
            assertThat(tail.readDecision(0)).isEqualTo(ReadDecision.SERVE);
        }

        @Test
        void a_lagging_tail_serves_no_read_until_it_has_committed_what_its_predecessor_had() {
            ChainReplica tail = replica("n3", THREE);
            tail.start(0);
            tail.onFrame(UP, new Frame.Hello(1, "n2", 2));
            tail.onFrame(UP, new Frame.Truncate(1, 0));
            assertThat(tail.readDecision(0)).isInstanceOf(ReadDecision.Unavailable.class);

            makeDurable(tail, tail.onFrame(UP, new Frame.Entries(1, List.of(entry(1), entry(2)))));

            assertThat(tail.readDecision(0)).isEqualTo(ReadDecision.SERVE);
        }
    }

    @Nested
    class AckLevels {

        WriteRequest put(String key, AckLevel ack) {
            return new WriteRequest(Op.PUT, bytes(key), bytes("v"), ack, Precondition.NONE);
        }

        @Test
        void an_ack_head_write_is_answered_once_durable_at_the_head_while_the_rest_of_the_chain_has_nothing() {
            ChainReplica head = streamingHead();

            Effects effects = makeDurable(head, head.onClientWrite(0, 7, put("a", AckLevel.HEAD)));

            assertThat(effects.replies()).containsExactly(
                    new Effect.Reply(7, new WriteOutcome.Durable(1, AckLevel.HEAD)));
            assertThat(head.committedSeq()).isZero();
        }

        @Test
        void an_ack_2_write_waits_for_the_second_node_to_report_it_durable() {
            ChainReplica head = streamingHead();
            makeDurable(head, head.onClientWrite(0, 7, put("a", new AckLevel(2))));

            assertThat(head.onFrame(DOWN, new Frame.Ack(1, 0, new long[] {0})).replies()).isEmpty();
            Effects effects = head.onFrame(DOWN, new Frame.Ack(1, 0, new long[] {1, 0}));

            assertThat(effects.replies()).containsExactly(
                    new Effect.Reply(7, new WriteOutcome.Durable(1, new AckLevel(2))));
        }

        @Test
        void an_ack_level_as_long_as_the_chain_means_committed() {
            ChainReplica head = streamingHead();
            makeDurable(head, head.onClientWrite(0, 7, put("a", new AckLevel(3))));

            assertThat(head.onFrame(DOWN, new Frame.Ack(1, 0, new long[] {1, 1})).replies())
                    .as("durable at all three but the tail has not committed").isEmpty();
            Effects effects = head.onFrame(DOWN, new Frame.Ack(1, 1, new long[] {1, 1}));

            assertThat(effects.replies()).containsExactly(new Effect.Reply(7, new WriteOutcome.Committed(1)));
        }

        @Test
        void an_ack_level_beyond_the_chain_length_is_refused_without_a_seq() {
            ChainReplica head = streamingHead();

            Effects effects = head.onClientWrite(0, 7, put("a", new AckLevel(4)));

            assertThat(effects.replies()).singleElement()
                    .satisfies(r -> assertThat(r.outcome()).isInstanceOf(WriteOutcome.Invalid.class));
            assertThat(effects.persists()).isEmpty();
            assertThat(head.status().acceptedSeq()).isZero();
        }

        @Test
        void a_commit_answers_waiting_writes_of_every_level() {
            ChainReplica head = streamingHead();
            makeDurable(head, head.onClientWrite(0, 7, put("a", new AckLevel(2))));

            Effects effects = head.onFrame(DOWN, new Frame.Ack(1, 1, new long[] {1}));

            assertThat(effects.replies()).containsExactly(
                    new Effect.Reply(7, new WriteOutcome.Durable(1, new AckLevel(2))));
        }

        @Test
        void an_ack_head_write_not_durable_in_time_has_an_unknown_outcome() {
            ChainReplica head = streamingHead();
            head.onClientWrite(0, 7, put("a", AckLevel.HEAD));

            Effects effects = head.onTick(LIMITS.writeTimeoutMs());

            assertThat(effects.replies()).singleElement().satisfies(reply -> assertThat(reply.outcome())
                    .isInstanceOf(WriteOutcome.OutcomeUnknown.class));
        }
    }

    @Nested
    class ConditionalWrites {

        WriteRequest put(String key, Precondition precondition) {
            return new WriteRequest(Op.PUT, bytes(key), bytes("v"), AckLevel.ALL, precondition);
        }

        @Test
        void if_none_match_fails_against_a_pending_write_of_the_same_key() {
            ChainReplica head = streamingHead();
            head.onClientWrite(0, 7, put("a", new Precondition.Absent()));

            Effects effects = head.onClientWrite(0, 8, put("a", new Precondition.Absent()));

            assertThat(effects.replies()).containsExactly(new Effect.Reply(8, new WriteOutcome.PreconditionFailed(1)));
            assertThat(effects.persists()).isEmpty();
        }

        @Test
        void if_match_is_checked_against_the_latest_version_in_sequence_order() {
            ChainReplica head = streamingHead();
            head.onClientWrite(0, 7, put("a", Precondition.NONE));
            head.onClientWrite(0, 8, put("a", new Precondition.VersionIn(new long[] {1})));

            Effects stale = head.onClientWrite(0, 9, put("a", new Precondition.VersionIn(new long[] {1})));
            Effects current = head.onClientWrite(0, 10, put("a", new Precondition.VersionIn(new long[] {2})));

            assertThat(stale.replies()).containsExactly(new Effect.Reply(9, new WriteOutcome.PreconditionFailed(2)));
            assertThat(current.persists()).singleElement()
                    .satisfies(p -> assertThat(p.append().get(0).seq()).isEqualTo(3));
        }

        @Test
        void a_committed_value_is_the_version_once_nothing_is_pending() {
            ChainReplica head = streamingHead();
            makeDurable(head, head.onClientWrite(0, 7, put("a", Precondition.NONE)));
            makeDurable(head, head.onFrame(DOWN, new Frame.Ack(1, 1, new long[] {1, 1})));

            assertThat(head.onClientWrite(0, 8, put("a", new Precondition.Absent())).replies())
                    .containsExactly(new Effect.Reply(8, new WriteOutcome.PreconditionFailed(1)));
            assertThat(head.onClientWrite(0, 9, put("a", new Precondition.Present())).persists()).hasSize(1);
        }

        @Test
        void a_pending_delete_leaves_the_key_without_a_value() {
            ChainReplica head = streamingHead();
            head.onClientWrite(0, 7, put("a", Precondition.NONE));
            head.onClientWrite(0, 8, new WriteRequest(Op.DELETE, bytes("a"), LogEntry.NO_VALUE, AckLevel.ALL,
                    Precondition.NONE));

            assertThat(head.onClientWrite(0, 9, put("a", new Precondition.Present())).replies())
                    .containsExactly(new Effect.Reply(9, new WriteOutcome.PreconditionFailed(0)));
            assertThat(head.onClientWrite(0, 10, put("a", new Precondition.Absent())).persists()).hasSize(1);
        }
    }

    @Nested
    class Snapshots {

        static final SnapshotItem A = new SnapshotItem(bytes("a"), 7, bytes("A"));

        Frame.SnapshotChunk chunk(long index, boolean last) {
            return new Frame.SnapshotChunk(1, 40, 1, index, last, List.of(A));
        }

        @Test
        void a_successor_installs_a_snapshot_acks_each_part_and_reports_its_new_position() {
            ChainReplica tail = replica("n3", THREE);
            tail.start(0);
            tail.onFrame(UP, new Frame.Hello(1, "n2", 0));

            Effects first = tail.onFrame(UP, chunk(0, false));
            Effects last = tail.onFrame(UP, chunk(1, true));
            Effects durable = tail.onDurable(tail.persistsIssued(), 40, 40);

            assertThat(first.persists()).singleElement().satisfies(p -> assertThat(p.snapshot().first()).isTrue());
            assertThat(last.persists()).singleElement().satisfies(p -> assertThat(p.snapshot().last()).isTrue());
            assertThat(sentOn(durable, UP)).contains(new Frame.SnapshotAck(1, 1))
                    .anySatisfy(f -> assertThat(f).isInstanceOfSatisfying(Frame.Position.class,
                            p -> assertThat(p.appliedSeq()).isEqualTo(40)));
            assertThat(tail.status().compactedSeq()).isEqualTo(40);
        }

        @Test
        void a_new_link_before_the_last_part_abandons_the_install_in_storage_too() {
            ChainReplica tail = replica("n3", THREE);
            tail.start(0);
            tail.onFrame(UP, new Frame.Hello(1, "n2", 0));
            tail.onFrame(UP, chunk(0, false));
            long partsIssued = tail.persistsIssued();

            Effects hello = tail.onFrame(UP - 1, new Frame.Hello(1, "n2", 0));

            assertThat(hello.persists()).singleElement().satisfies(p -> {
                assertThat(p.snapshot().first()).isTrue();
                assertThat(p.snapshot().last()).as("an empty, complete install: storage clears its mark").isTrue();
                assertThat(p.snapshot().seq()).isZero();
            });
            assertThat(sentOn(hello, UP - 1)).anySatisfy(f -> assertThat(f).isInstanceOfSatisfying(
                    Frame.Position.class, p -> assertThat(p.appliedSeq()).isZero()));
            assertThat(tail.onDurable(partsIssued, 0, 0).isEmpty()).as("reports before the abort are stale").isTrue();
            tail.onDurable(tail.persistsIssued(), 0, 0); // the abort's own report agrees with the replica
        }

        @Test
        void a_new_link_after_the_last_part_waits_for_the_install_and_reports_on_the_new_link() {
            ChainReplica tail = replica("n3", THREE);
            tail.start(0);
            tail.onFrame(UP, new Frame.Hello(1, "n2", 0));
            tail.onFrame(UP, chunk(0, true));

            Effects hello = tail.onFrame(UP - 1, new Frame.Hello(1, "n2", 0));
            Effects durable = tail.onDurable(tail.persistsIssued(), 40, 40);

            assertThat(hello.persists()).isEmpty();
            assertThat(sentOn(hello, UP - 1)).isEmpty();
            assertThat(sentOn(durable, UP - 1)).anySatisfy(f -> assertThat(f).isInstanceOfSatisfying(
                    Frame.Position.class, p -> assertThat(p.appliedSeq()).isEqualTo(40)));
        }

        @Test
        void entries_before_the_handshakes_truncate_are_refused() {
            ChainReplica tail = replica("n3", THREE);
            tail.start(0);
            tail.onFrame(UP, new Frame.Hello(1, "n2", 0));

            Effects effects = tail.onFrame(UP, new Frame.Entries(1, List.of(entry(1))));

            assertThat(effects.persists()).isEmpty();
            assertThat(closes(effects, UP)).isTrue();
        }
    }

    @Nested
    class StrongReads {

        @Test
        void a_clean_key_is_served_locally_at_the_head() {
            ChainReplica head = streamingHead();

            assertThat(head.strongReadDecision(0, bytes("a"))).isEqualTo(ReadDecision.SERVE);
        }

        @Test
        void a_dirty_key_is_answered_by_the_tail_until_its_write_is_committed_here() {
            ChainReplica head = streamingHead();
            makeDurable(head, head.onClientWrite(0, 7, Op.PUT, bytes("a"), bytes("x")));

            assertThat(head.strongReadDecision(0, bytes("a"))).isEqualTo(new ReadDecision.AskTail(N3));
            assertThat(head.strongReadDecision(0, bytes("b"))).isEqualTo(ReadDecision.SERVE);

            Effects ack = head.onFrame(DOWN, new Frame.Ack(1, 1, new long[] {1, 1}));
            assertThat(head.strongReadDecision(0, bytes("a"))).as("committed, but not yet applied to data")
                    .isEqualTo(new ReadDecision.AskTail(N3));
            makeDurable(head, ack);
            assertThat(head.strongReadDecision(0, bytes("a"))).isEqualTo(ReadDecision.SERVE);
        }

        @Test
        void a_middle_node_serves_no_strong_read_before_its_log_holds_what_its_predecessor_had() {
            ChainReplica middle = replica("n2", THREE);
            middle.start(0);
            middle.onFrame(UP, new Frame.Hello(1, "n1", 2));
            middle.onFrame(UP, new Frame.Truncate(1, 0));

            assertThat(middle.strongReadDecision(0, bytes("a"))).isInstanceOf(ReadDecision.Unavailable.class);
            middle.onFrame(UP, new Frame.Entries(1, List.of(entry(1), entry(2))));
            assertThat(middle.strongReadDecision(0, bytes("zzz"))).isEqualTo(ReadDecision.SERVE);
        }

        @Test
        void a_node_without_a_lease_serves_no_strong_read() {
            ChainReplica head = new ChainReplica("n1", THREE, LIMITS, reader, 0, 0, 0);
            head.start(0);

            assertThat(head.strongReadDecision(0, bytes("a"))).isInstanceOf(ReadDecision.Unavailable.class);
        }

        @Test
        void entries_recovered_uncommitted_from_the_log_make_their_keys_dirty() {
            durableLog.put(1L, LogEntry.create(1, 1, Op.PUT, bytes("a"), bytes("x")));
            ChainReplica head = leased(new ChainReplica("n1", THREE, LIMITS, reader, 1, 1, 0));
            head.start(0);

            assertThat(head.strongReadDecision(0, bytes("a"))).isEqualTo(new ReadDecision.AskTail(N3));
        }
    }
}
