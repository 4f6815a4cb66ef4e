package io.catena.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.util.function.Consumer;

/**
 * Reads a request body of at most {@code bytesMax} bytes. A declared Content-Length over the limit is refused
 * before any byte is read; a body that grows over the limit while streaming (chunked, or a lying length) is
 * refused as soon as it crosses it, without buffering the rest. Either way: 413 and the connection is closed.
 */
public final class BodyReader {

    private final HttpServerRequest request;
    private final int bytesMax;
    private final String tooLargeCode;
    private final String limitName;
    private final Consumer<byte[]> onBody;
    private Buffer body;
    private boolean refused;

    /**
     * @param tooLargeCode the JSON error code of the 413 (e.g. {@code value_too_large})
     * @param limitName    the setting that sets the limit, named in the 413's message
     */
    public BodyReader(HttpServerRequest request, int bytesMax, String tooLargeCode, String limitName,
                      Consumer<byte[]> onBody) {
        this.request = request;
        this.bytesMax = bytesMax;
        this.tooLargeCode = tooLargeCode;
        this.limitName = limitName;
        this.onBody = onBody;
    }

    public void start() {
        long declared = declaredLength();
        if (declared < -1) {
            return;
        }
        if (declared > bytesMax) {
            refuse("the declared body is " + declared + " bytes");
            return;
        }
        body = Buffer.buffer(declared < 0 ? 256 : (int) declared);
        request.handler(this::onChunk);
        request.endHandler(v -> {
            if (!refused) {
                onBody.accept(body.getBytes());
            }
        });
        request.exceptionHandler(e -> refused = true);
    }

    /** The Content-Length, -1 when absent, or -2 after answering 400 for a malformed one. */
    private long declaredLength() {
        String header = request.getHeader("Content-Length");
        if (header == null) {
            return -1;
        }
        try {
            long length = Long.parseLong(header.trim());
            if (length >= 0) {
                return length;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        refused = true;
        Responses.errorAndClose(request, 400, "bad_request",
                "Content-Length must be a non-negative integer, got '" + header + "'");
        return -2;
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
        Responses.errorAndClose(request, 413, tooLargeCode,
                why + "; at most " + bytesMax + " bytes are accepted (" + limitName + ")");
    }
}
