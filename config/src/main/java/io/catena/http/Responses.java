package io.catena.http;

import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;

/** The one place that writes JSON bodies and errors: {@code {"error": code, "message": text}}. */
public final class Responses {

    /** Connections closing after their current response; weak, so a connection that is gone leaves by itself. */
    private static final Set<HttpConnection> CLOSING =
            Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

    private Responses() {
    }

    public static void json(HttpServerResponse response, int status, JsonObject body) {
        if (response.ended() || response.closed()) {
            return;
        }
        response.setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .end(body.encode());
    }

    public static void error(HttpServerResponse response, int status, String code, String message) {
        json(response, status, new JsonObject().put("error", code).put("message", message));
    }

    /**
     * An error after which the connection is closed: the request body is not read to its end, and a client that
     * ignores {@code Connection: close} (Vert.x keeps a connection open unless the request asked otherwise) gets
     * nothing more read from it, such as the rest of a 100 MB body.
     */
    public static void errorAndClose(HttpServerRequest request, int status, String code, String message) {
        HttpServerResponse response = request.response();
        if (response.ended() || response.closed()) {
            return;
        }
        closeAfterResponse(request);
        error(response, status, code, message);
    }

    /**
     * Closes the request's connection once its response is written. Requests the client pipelined behind it are
     * never executed: their answers could not be delivered, so {@link Routes} drops them (see
     * {@link #isClosing}). Vert.x itself would dispatch the next one before the close takes effect.
     */
    public static void closeAfterResponse(HttpServerRequest request) {
        HttpConnection connection = request.connection();
        CLOSING.add(connection);
        request.response().putHeader("Connection", "close").endHandler(v -> connection.close());
    }

    /** Whether {@link #closeAfterResponse} was called for a request on this connection. */
    static boolean isClosing(HttpConnection connection) {
        return CLOSING.contains(connection);
    }

    /** For {@code HttpServer.invalidRequestHandler}: malformed Content-Length, oversized lines or headers. */
    public static void invalidRequest(HttpServerRequest request) {
        Throwable cause = request.decoderResult().cause();
        String name = cause == null ? "" : cause.getClass().getSimpleName();
        int status = name.contains("TooLongHttpLine") || name.contains("TooLongUri") ? 414
                : name.contains("TooLongHttpHeader") ? 431 : 400;
        String message = cause == null ? "malformed request" : "malformed request: " + cause.getMessage();
        errorAndClose(request, status, "bad_request", message);
    }
}
