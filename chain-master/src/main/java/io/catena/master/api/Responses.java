package io.catena.master.api;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/** The one place that writes JSON bodies and errors: {@code {"error": code, "message": text}}. */
final class Responses {

    private Responses() {
    }

    static void json(HttpServerResponse response, int status, JsonObject body) {
        if (response.ended() || response.closed()) {
            return;
        }
        response.setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .end(body.encode());
    }

    static void error(HttpServerResponse response, int status, String code, String message) {
        json(response, status, new JsonObject().put("error", code).put("message", message));
    }

    /** An error sent before the request body was read: the connection cannot be reused. */
    static void errorAndClose(HttpServerResponse response, int status, String code, String message) {
        if (response.ended() || response.closed()) {
            return;
        }
        response.putHeader("Connection", "close");
        error(response, status, code, message);
    }
}
