package io.catena.http;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/** The one place that writes JSON bodies and errors: {@code {"error": code, "message": text}}. */
public final class Responses {

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

    /** An error after which the connection cannot be reused (the request body was not read to its end). */
    public static void errorAndClose(HttpServerResponse response, int status, String code, String message) {
        if (response.ended() || response.closed()) {
            return;
        }
        response.putHeader("Connection", "close");
        error(response, status, code, message);
    }

    /** For {@code HttpServer.invalidRequestHandler}: malformed Content-Length, oversized lines or headers. */
    public static void invalidRequest(io.vertx.core.http.HttpServerRequest request) {
        Throwable cause = request.decoderResult().cause();
        String name = cause == null ? "" : cause.getClass().getSimpleName();
        int status = name.contains("TooLongHttpLine") || name.contains("TooLongUri") ? 414
                : name.contains("TooLongHttpHeader") ? 431 : 400;
        String message = cause == null ? "malformed request" : "malformed request: " + cause.getMessage();
        errorAndClose(request.response(), status, "bad_request", message);
    }
}
