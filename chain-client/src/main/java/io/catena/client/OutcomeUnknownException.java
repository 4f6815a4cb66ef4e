package io.catena.client;

import java.util.OptionalLong;

/**
 * A write that may or may not have taken effect: the head answered 504 {@code outcome_unknown} (the seq is
 * known), or the connection was lost after the request was sent (no seq). Never retried by the client: a retry
 * could apply the write twice. The caller decides, e.g. by reading the key back.
 */
public final class OutcomeUnknownException extends CatenaException {

    private final Long seq;

    public OutcomeUnknownException(Long seq, String message) {
        super("outcome_unknown", message);
        this.seq = seq;
    }

    /** The seq the head assigned, when it said so. */
    public OptionalLong seq() {
        return seq == null ? OptionalLong.empty() : OptionalLong.of(seq);
    }
}
