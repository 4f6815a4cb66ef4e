package io.catena.it.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/**
 * One hostile input and what the node must do with it. {@code request} goes out byte for byte on a fresh
 * connection to the {@code target} node; {@code ending} says how the client ends its side.
 */
record FuzzCase(String name, Target target, byte[] request, Ending ending, Expected expected) {

    /** Which node of the chain receives the input. */
    enum Target { HEAD, TAIL }

    /** How the client behaves after sending. */
    enum Ending {
        /** Waits for the answer. */
        READ,
        /** Shuts down its output (FIN) mid-request, then waits for the server to close. */
        HALF_CLOSE,
        /** Resets the connection (RST, SO_LINGER 0) right after sending, without reading. */
        RESET
    }

    /**
     * What the node answers. A server that goes silent fails every case; a 5xx fails every refusal (a valid
     * input's check states the exact status it expects).
     */
    sealed interface Expected {
        /** Writes the input makes: 0 for every refusal, so the head's committedSeq must not move. */
        int writes();

        /** How many complete responses to read before judging (the exchange also ends when the server closes). */
        int responsesWanted();

        /** Whether to keep reading after {@link #responsesWanted()} until the server closes. */
        boolean awaitClose();
    }

    /** A 4xx with the JSON error body {@code {"error": error, "message": ...}}. */
    record Refused(int status, String error) implements Expected {
        public int writes() {
            return 0;
        }

        public int responsesWanted() {
            return 1;
        }

        public boolean awaitClose() {
            return false;
        }
    }

    /** The node closes the connection, having answered nothing or only 4xx (it cannot frame a reply). */
    record Closed() implements Expected {
        public int writes() {
            return 0;
        }

        public int responsesWanted() {
            return 0;
        }

        public boolean awaitClose() {
            return true;
        }
    }

    /** A valid, if odd, input: the node does the right thing, which {@code check} verifies. */
    record Valid(int writes, int responsesWanted, boolean awaitClose, Check check) implements Expected {
    }

    /** Inspects the exchange and the cluster after a valid input. */
    @FunctionalInterface
    interface Check {
        void verify(RawHttp.Exchange exchange, Chain chain);
    }

    // ------------------------------------------------------------ judging

    /** Fails unless the exchange is what {@link #expected} says. */
    void assertAnswered(RawHttp.Exchange exchange, Chain chain) {
        assertThat(exchange.hung()).as("%s: the node went silent: %s", name, exchange).isFalse();
        if (expected instanceof Valid valid) {
            valid.check().verify(exchange, chain);
            return;
        }
        for (RawHttp.Response response : exchange.responses()) {
            assertThat(response.status()).as("%s: no 5xx: %s", name, exchange).isLessThan(500);
        }
        if (expected instanceof Refused refused) {
            RawHttp.Response response = exchange.first();
            assertThat(response.status()).as("%s: status of %s", name, exchange).isEqualTo(refused.status());
            assertThat(response.headers().get("content-type")).as("%s: content type", name)
                    .isEqualTo("application/json");
            JsonObject body = new JsonObject(response.bodyText());
            assertThat(body.getString("error")).as("%s: error code in %s", name, body).isEqualTo(refused.error());
            assertThat(body.getString("message")).as("%s: message in %s", name, body).isNotBlank();
        } else if (expected instanceof Closed) {
            assertThat(exchange.closed()).as("%s: the node closed the connection: %s", name, exchange).isTrue();
            for (RawHttp.Response response : exchange.responses()) {
                assertThat(response.status()).as("%s: only refusals before the close: %s", name, exchange)
                        .isBetween(400, 499);
            }
        } else {
            throw new AssertionError("unknown expectation " + expected);
        }
    }

    @Override
    public String toString() {
        return name;
    }

    /** The request as text, for messages. */
    String requestText() {
        return new String(request, StandardCharsets.ISO_8859_1);
    }
}
