package io.catena.node.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The effects of one input, grouped in the order the runtime must carry them out:
 * <ol>
 *   <li><b>persist</b>: hand every {@link Effect.Persist} to storage (queued in order, completed asynchronously);
 *   <li><b>network</b>: connect, send and close links, in list order;
 *   <li><b>reply</b>: complete client writes.
 * </ol>
 * The replica never emits a send or a reply that depends on a persist of the same batch: an entry is forwarded
 * and acknowledged only after storage has reported it durable. The order still matters for the reader: a reply
 * is the last thing that happens for an input.
 */
public final class Effects {

    public static final Effects NONE = new Effects(List.of(), List.of(), List.of());

    private final List<Effect.Persist> persists;
    private final List<Effect> network;
    private final List<Effect.Reply> replies;

    private Effects(List<Effect.Persist> persists, List<Effect> network, List<Effect.Reply> replies) {
        this.persists = persists;
        this.network = network;
        this.replies = replies;
    }

    public List<Effect.Persist> persists() {
        return persists;
    }

    /** {@link Effect.Connect}, {@link Effect.Send} and {@link Effect.Close}, in the order issued. */
    public List<Effect> network() {
        return network;
    }

    public List<Effect.Reply> replies() {
        return replies;
    }

    public boolean isEmpty() {
        return persists.isEmpty() && network.isEmpty() && replies.isEmpty();
    }

    /** All effects in execution order (for tests and traces). */
    public List<Effect> all() {
        List<Effect> all = new ArrayList<>(persists);
        all.addAll(network);
        all.addAll(replies);
        return all;
    }

    @Override
    public String toString() {
        return all().toString();
    }

    /** Collects effects while the replica handles one input. */
    static final class Builder {
        private List<Effect.Persist> persists = List.of();
        private List<Effect> network = List.of();
        private List<Effect.Reply> replies = List.of();

        void add(Effect effect) {
            if (effect instanceof Effect.Persist persist) {
                persists = grow(persists);
                persists.add(persist);
            } else if (effect instanceof Effect.Reply reply) {
                replies = grow(replies);
                replies.add(reply);
            } else if (effect instanceof Effect.Connect || effect instanceof Effect.Send
                    || effect instanceof Effect.Close) {
                network = grow(network);
                network.add(effect);
            } else {
                throw new AssertionError("unknown effect " + effect);
            }
        }

        Effects build() {
            if (persists.isEmpty() && network.isEmpty() && replies.isEmpty()) {
                return NONE;
            }
            return new Effects(Collections.unmodifiableList(persists), Collections.unmodifiableList(network),
                    Collections.unmodifiableList(replies));
        }

        private static <T> List<T> grow(List<T> list) {
            return list.isEmpty() ? new ArrayList<>(4) : list;
        }
    }
}
