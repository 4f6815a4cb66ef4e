package io.catena.client;

/** 412: the key's current seq did not match {@code If-Match}, or it had a value despite {@code If-None-Match: *}. */
public final class PreconditionFailedException extends CatenaException {

    public PreconditionFailedException(String message) {
        super("precondition_failed", message);
    }
}
