package io.catena.client;

/** The node refused the request as it stands (a 4xx, or a 500 on a read): retrying it unchanged cannot help. */
public final class RejectedException extends CatenaException {

    private final int status;

    public RejectedException(int status, String code, String message) {
        super(code, message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
