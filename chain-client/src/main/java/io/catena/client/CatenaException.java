package io.catena.client;

/**
 * A failure the client surfaces to its caller, with an error code that says which kind (docs/client.md): the
 * subclasses are the cases a caller handles differently.
 */
public abstract sealed class CatenaException extends RuntimeException
        permits OutcomeUnknownException, UnavailableException, PreconditionFailedException, RejectedException {

    private final String code;

    CatenaException(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    /** {@code outcome_unknown}, {@code unavailable}, {@code precondition_failed}, or the node's error code. */
    public String code() {
        return code;
    }
}
