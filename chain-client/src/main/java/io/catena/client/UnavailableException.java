package io.catena.client;

/**
 * Nothing was done and the client gave up: the chain kept answering 503, or no node or master could be reached,
 * until the operation's deadline; or the master (or seed node) was never reached at all.
 */
public final class UnavailableException extends CatenaException {

    public UnavailableException(String message) {
        super("unavailable", message);
    }
}
