package io.catena.master.api;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.util.function.Consumer;

/**
 * Reads a request body of at most {@code bytesMax} bytes. A declared Content-Length over the limit is refused
 * before any byte is read; a body that grows over it while streaming is refused as soon as it crosses it. Either
 * way: 413 and the connection is closed.
 */
final class BodyReader {

    private final HttpServerRequest request;
    private final int bytesMax;
    private final Consumer<Buffer> onBody;
    private Buffer body;
    private boolean refused;

    BodyReader(HttpServerRequest request, int bytesMax, Consumer<Buffer> onBody) {
        this.request = request;
        this.bytesMax = bytesMax;
        this.onBody = onBody;
    }

    void start() {
        String header = request.getHeader("Content-Length");
        long declared = -1;
        if (header != null) {
            try {
                declared = Long.parseLong(header.trim());
            } catch (NumberFormatException e) {
                declared = -2;
            }
            if (declared < 0) {
                refused = true;
                Responses.errorAndClose(request.response(), 400, "bad_request",
                        "Content-Length must be a non-negative integer, got '" + header + "'");
                return;
            }
        }
        if (declared > bytesMax) {
            refuse("the declared body is " + declared + " bytes");
            return;
        }
        body = Buffer.buffer(declared < 0 ? 256 : (int) declared);
        request.handler(this::onChunk);
        request.endHandler(v -> {
            if (!refused) {
                onBody.accept(body);
            }
        });
        request.exceptionHandler(e -> refused = true);
    }

    private void onChunk(Buffer chunk) {
        if (refused) {
            return;
        }
        if ((long) body.length() + chunk.length() > bytesMax) {
            refuse("the body exceeds " + bytesMax + " bytes");
            body = null;
            return;
        }
        body.appendBuffer(chunk);
    }

    private void refuse(String why) {
        refused = true;
        request.response().endHandler(v -> request.connection().close());
        Responses.errorAndClose(request.response(), 413, "body_too_large", why + "; at most " + bytesMax
                + " bytes are accepted here");
    }
}
