package io.catena.node.core;

import io.catena.config.NodeDescriptor;
import java.util.List;
import java.util.Objects;

/** What the replica asks its runtime to do. See {@link Effects} for the order they are carried out in. */
public sealed interface Effect {

    /**
     * Make {@code append} durable in the log (consecutive seqs, after everything appended before), then apply
     * every log entry up to {@code commitUpTo} to the committed data and record {@code commitUpTo} as the
     * committed seq. Persists are carried out strictly in the order they were issued; completion is reported back
     * through {@link ChainReplica#onDurable(long, long)}.
     */
    record Persist(List<LogEntry> append, long commitUpTo) implements Effect {
        public Persist {
            append = List.copyOf(append);
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
