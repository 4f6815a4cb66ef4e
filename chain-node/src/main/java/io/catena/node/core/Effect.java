package io.catena.node.core;

import io.catena.config.NodeDescriptor;
import java.util.List;
import java.util.Objects;

/** What the replica asks its runtime to do. See {@link Effects} for the order they are carried out in. */
public sealed interface Effect {

    /**
     * One ordered storage step. In this order, in one transaction or several but never reordered with other
     * persists: if {@code truncateAfter >= 0}, discard log entries after that seq (never committed ones); if
     * {@code configuration} is non-null, record it as the highest configuration accepted; append {@code append}
     * (consecutive seqs, continuing the log); apply every log entry up to {@code commitUpTo} to the committed
     * data and record {@code commitUpTo} as the committed seq. Persists complete strictly in the order issued;
     * completion is reported back through {@link ChainReplica#onDurable(long, long, long)} with the number of
     * persists completed so far.
     */
    record Persist(List<LogEntry> append, long commitUpTo, long truncateAfter,
                   io.catena.config.ChainConfiguration configuration) implements Effect {
        public static final long NO_TRUNCATE = -1;

        public Persist {
            append = List.copyOf(append);
        }

        /** Append and commit only (the common case). */
        public Persist(List<LogEntry> append, long commitUpTo) {
            this(append, commitUpTo, NO_TRUNCATE, null);
        }

        public long lastSeq() {
            return append.isEmpty() ? 0 : append.get(append.size() - 1).seq();
        }
    }

    /** Open the link to the successor; the transport answers with linkUp or linkConnectFailed. */
    record Connect(long linkId, NodeDescriptor successor) implements Effect {
        public Connect {
            Objects.requireNonNull(successor, "successor");
        }
    }

    /** Send a frame on a link; frames on one link arrive in the order sent, or the link closes. */
    record Send(long linkId, Frame frame) implements Effect {
    }

    /** Close a link, with the reason for the log. */
    record Close(long linkId, String reason) implements Effect {
    }

    /** Complete a client write. */
    record Reply(long requestId, WriteOutcome outcome) implements Effect {
    }
}
