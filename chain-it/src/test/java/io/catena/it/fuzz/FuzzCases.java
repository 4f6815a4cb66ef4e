package io.catena.it.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.catena.it.fuzz.FuzzCase.Closed;
import io.catena.it.fuzz.FuzzCase.Ending;
import io.catena.it.fuzz.FuzzCase.Expected;
import io.catena.it.fuzz.FuzzCase.Refused;
import io.catena.it.fuzz.FuzzCase.Target;
import io.catena.it.fuzz.FuzzCase.Valid;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The table of hostile HTTP inputs (docs/api.md, "Hostile input"). Each refusal must leave the chain as it was;
 * each valid-but-odd input must do exactly what the API says, and no more.
 */
final class FuzzCases {

    /** The node's {@code valueBytesMax} (docs/configuration.md; the cluster tests keep the default). */
    static final int VALUE_BYTES_MAX = 1 << 20;
    static final int KEY_BYTES_MAX = 511;
    /** Over Netty's limits for the request line (4096) and the header block (8192). */
    static final int LINE_BYTES_OVER = 9 * 1024;
    static final int PIPELINED_REQUESTS = 100;

    private FuzzCases() {
    }

    static List<FuzzCase> all() {
        List<FuzzCase> cases = new ArrayList<>();
        cases.addAll(keys());
        cases.addAll(bodies());
        cases.addAll(contentLengths());
        cases.addAll(chunked());
        cases.addAll(linesAndHeaders());
        cases.addAll(methodsAndVersions());
        cases.addAll(scanAndAdmin());
        return cases;
    }

    // ------------------------------------------------------------ keys

    private static List<FuzzCase> keys() {
        String key511 = "fuzz-511-" + "k".repeat(KEY_BYTES_MAX - 9);
        return List.of(
                refused("empty key", put("/kv/", "v"), 400, "bad_key"),
                valid("511-byte key is stored and read back", put("/kv/" + key511, "at the limit"), 1,
                        (exchange, chain) -> {
                            assertOk(exchange);
                            assertThat(chain.valueAtTail("/kv/" + key511)).isEqualTo("at the limit");
                        }),
                refused("512-byte key", put("/kv/" + "k".repeat(KEY_BYTES_MAX + 1), "v"), 400, "bad_key"),
                refused("512-byte key of 256 percent-encoded two-byte characters",
                        put("/kv/" + "%C3%A9".repeat(256), "v"), 400, "bad_key"),
                refused("64 KiB key", put("/kv/" + "k".repeat(64 * 1024), "v"), 414, "bad_request"),
                refused("dot-dot key", put("/kv/..", "v"), 400, "bad_key"),
                refused("dot key", put("/kv/.", "v"), 400, "bad_key"),
                refused("percent-encoded dot-dot key", put("/kv/%2E%2E", "v"), 400, "bad_key"),
                refused("dot-dot climbing out of /kv", put("/kv/../status", "v"), 400, "bad_key"),
                refused("literal slash in a key", put("/kv/a/b", "v"), 400, "bad_key"),
                valid("%2F is a slash inside a key", put("/kv/fuzz%2Fslash", "slashed"), 1, (exchange, chain) -> {
                    assertOk(exchange);
                    assertThat(chain.valueAtTail("/kv/fuzz%2fslash")).isEqualTo("slashed");
                }),
                valid("%252F is the literal key fuzz%2Fpct, decoded once", put("/kv/fuzz%252Fpct", "once"), 1,
                        (exchange, chain) -> {
                            assertOk(exchange);
                            assertThat(chain.valueAtTail("/kv/fuzz%252Fpct")).isEqualTo("once");
                            assertThat(chain.getAtTail("/kv/fuzz%2Fpct").status())
                                    .as("the key fuzz/pct was never written").isEqualTo(404);
                        }),
                refused("%zz in a key", put("/kv/a%zz", "v"), 400, "bad_key"),
                refused("truncated %4 at the end of a key", put("/kv/a%4", "v"), 400, "bad_key"),
                refused("lone % at the end of a key", put("/kv/a%", "v"), 400, "bad_key"),
                refused("%00 in a key", put("/kv/a%00b", "v"), 400, "bad_key"),
                refused("encoded CRLF in a key", put("/kv/a%0D%0Ab", "v"), 400, "bad_key"),
                refused("encoded DEL in a key", put("/kv/a%7F", "v"), 400, "bad_key"),
                refused("raw CRLF splitting the request line", bytes("PUT /kv/a\r\nb HTTP/1.1\r\nHost: fuzz\r\n"
                        + "Content-Length: 1\r\n\r\nv"), 400, "bad_request"),
                refused("raw space in a key", bytes("PUT /kv/a b HTTP/1.1\r\nHost: fuzz\r\nContent-Length: 1\r\n\r\nv"),
                        400, "bad_request"),
                refused("invalid UTF-8 %C3%28", put("/kv/a%C3%28", "v"), 400, "bad_key"),
                refused("overlong UTF-8 %C0%AF", put("/kv/a%C0%AF", "v"), 400, "bad_key"),
                refused("encoded UTF-16 surrogate %ED%A0%80", put("/kv/a%ED%A0%80", "v"), 400, "bad_key"),
                refused("code point above U+10FFFF %F4%90%80%80", put("/kv/a%F4%90%80%80", "v"), 400, "bad_key"),
                refused("raw (unencoded) non-ASCII bytes in a key", put("/kv/caf\u00c3\u00a9", "v"), 400, "bad_key"),
                valid("a PUT pipelined behind a refused one is not executed", concat(put("/kv/a%zz", "v"),
                        put("/kv/fuzz-behind-refusal", "v")), 0, 1, true, (exchange, chain) -> {
                            assertThat(exchange.responses()).as("%s", exchange).hasSize(1);
                            assertThat(exchange.first().status()).as("%s", exchange).isEqualTo(400);
                            assertThat(exchange.closed()).as("closed after the refusal: %s", exchange).isTrue();
                            assertThat(chain.getAtTail("/kv/fuzz-behind-refusal").status()).isEqualTo(404);
                        }),
                new FuzzCase("bad key on DELETE", Target.HEAD,
                        bytes("DELETE /kv/a%zz HTTP/1.1\r\nHost: fuzz\r\n\r\n"), Ending.READ,
                        new Refused(400, "bad_key")));
    }

    // ------------------------------------------------------------ bodies

    private static List<FuzzCase> bodies() {
        return List.of(
                valid("empty body is an empty value", put("/kv/fuzz-empty", ""), 1, (exchange, chain) -> {
                    assertOk(exchange);
                    RawHttp.Response read = chain.getAtTail("/kv/fuzz-empty");
                    assertThat(read.status()).as("read of the empty value: %s", read).isEqualTo(200);
                    assertThat(read.body()).isEmpty();
                }),
                refused("declared body of valueBytesMax + 1 bytes",
                        head("PUT", "/kv/fuzz-big", "Content-Length: " + (VALUE_BYTES_MAX + 1)), 413,
                        "value_too_large"),
                refused("declared 100 MB body with Expect: 100-continue",
                        head("PUT", "/kv/fuzz-big", "Content-Length: 100000000\r\nExpect: 100-continue"), 413,
                        "value_too_large"),
                refused("chunked body growing past valueBytesMax",
                        concat(head("PUT", "/kv/fuzz-big", "Transfer-Encoding: chunked"),
                                chunks(64 * 1024, VALUE_BYTES_MAX / (64 * 1024) + 1)), 413, "value_too_large"),
                refused("DELETE with a body over valueBytesMax",
                        head("DELETE", "/kv/fuzz-big", "Content-Length: " + (VALUE_BYTES_MAX + 1)), 413,
                        "value_too_large"));
    }

    // ------------------------------------------------------------ Content-Length

    private static List<FuzzCase> contentLengths() {
        return List.of(
                valid("short Content-Length: the declared bytes are the value, the rest a malformed request",
                        bytes("PUT /kv/fuzz-short HTTP/1.1\r\nHost: fuzz\r\nContent-Length: 5\r\n\r\n"
                                + "helloGARBAGE\r\n\r\n"), 1, 2, true, (exchange, chain) -> {
                            assertThat(exchange.responses()).as("responses: %s", exchange).hasSize(2);
                            assertThat(exchange.responses().get(0).status()).as("the declared request: %s", exchange)
                                    .isEqualTo(200);
                            assertThat(exchange.responses().get(1).status()).as("the rest: %s", exchange)
                                    .isEqualTo(400);
                            assertThat(exchange.closed()).as("closed after the malformed rest").isTrue();
                            assertThat(chain.valueAtTail("/kv/fuzz-short")).isEqualTo("hello");
                        }),
                new FuzzCase("long Content-Length, then the client half-closes", Target.HEAD,
                        bytes("PUT /kv/fuzz-long HTTP/1.1\r\nHost: fuzz\r\nContent-Length: 100\r\n\r\nonly ten b"),
                        Ending.HALF_CLOSE, new Closed()),
                refused("negative Content-Length", head("PUT", "/kv/fuzz-cl", "Content-Length: -5"), 400,
                        "bad_request"),
                refused("non-numeric Content-Length", head("PUT", "/kv/fuzz-cl", "Content-Length: five"), 400,
                        "bad_request"),
                refused("Content-Length with trailing garbage", head("PUT", "/kv/fuzz-cl", "Content-Length: 5x"),
                        400, "bad_request"),
                refused("Content-Length beyond 2^63", head("PUT", "/kv/fuzz-cl",
                        "Content-Length: 99999999999999999999"), 400, "bad_request"),
                refused("two different Content-Lengths",
                        bytes("PUT /kv/fuzz-cl HTTP/1.1\r\nHost: fuzz\r\nContent-Length: 1\r\nContent-Length: 6"
                                + "\r\n\r\nvalue!"), 400, "bad_request"),
                smuggling());
    }

    /**
     * Content-Length and Transfer-Encoding together, followed by a second request. Netty lets the chunks frame the
     * body and drops the length (RFC 9112 section 6.3); the node then closes the connection (section 6.1), so the
     * request smuggled after the body is never executed, whichever framing a proxy in front believed.
     */
    private static FuzzCase smuggling() {
        String smuggled = "PUT /kv/fuzz-smuggled HTTP/1.1\r\nHost: fuzz\r\nContent-Length: 1\r\n\r\nx";
        return valid("Content-Length with Transfer-Encoding: chunked (request smuggling)",
                bytes("PUT /kv/fuzz-smuggle HTTP/1.1\r\nHost: fuzz\r\nContent-Length: 4\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n5\r\nvalue\r\n0\r\n\r\n" + smuggled), 1, 1, true,
                (exchange, chain) -> {
                    assertThat(exchange.responses()).as("one answer, then the close: %s", exchange).hasSize(1);
                    assertOk(exchange);
                    assertThat(exchange.closed()).as("closed after the answer: %s", exchange).isTrue();
                    assertThat(chain.valueAtTail("/kv/fuzz-smuggle")).as("the chunks framed the value")
                            .isEqualTo("value");
                    assertThat(chain.getAtTail("/kv/fuzz-smuggled").status()).as("the smuggled PUT")
                            .isEqualTo(404);
                });
    }

    // ------------------------------------------------------------ chunked

    private static List<FuzzCase> chunked() {
        return List.of(
                closed("non-hex chunk size", chunkedPut("zz\r\nvalue\r\n0\r\n\r\n")),
                closed("negative chunk size", chunkedPut("-5\r\nvalue\r\n0\r\n\r\n")),
                closed("chunk size beyond 2^64", chunkedPut("1FFFFFFFFFFFFFFFFF\r\nvalue\r\n0\r\n\r\n")),
                closed("chunk longer than its size", chunkedPut("2\r\nvalue\r\n0\r\n\r\n")),
                new FuzzCase("chunked body cut off, then the client half-closes", Target.HEAD,
                        chunkedPut("5\r\nvalue\r\n"), Ending.HALF_CLOSE, new Closed()),
                new FuzzCase("connection reset mid-body", Target.HEAD,
                        bytes("PUT /kv/fuzz-reset HTTP/1.1\r\nHost: fuzz\r\nContent-Length: 1000\r\n\r\npartial"),
                        Ending.RESET, new Closed()));
    }

    // ------------------------------------------------------------ request line and headers

    private static List<FuzzCase> linesAndHeaders() {
        return List.of(
                refused("request line over 8 KiB",
                        bytes("GET /health?" + "q".repeat(LINE_BYTES_OVER) + " HTTP/1.1\r\nHost: fuzz\r\n\r\n"), 414,
                        "bad_request"),
                refused("one header over 8 KiB", head("GET", "/health", "X-Fuzz: " + "h".repeat(LINE_BYTES_OVER)),
                        431, "bad_request"),
                refused("headers totalling over 8 KiB",
                        head("GET", "/health", "X-Fuzz: hhhhhhhh\r\n".repeat(LINE_BYTES_OVER / 18) + "X-End: 1"), 431,
                        "bad_request"),
                refused("header line without a colon", head("GET", "/health", "NoColonHere"), 400, "bad_request"),
                refused("space before a header's colon", head("GET", "/health", "X-Fuzz : 1"), 400, "bad_request"),
                refused("control character in a header name", head("GET", "/health", "X-F\u0001uzz: 1"), 400,
                        "bad_request"),
                refused("binary garbage", garbage(), 400, "bad_request"),
                refused("TLS ClientHello on the plain-text port", tlsClientHello(), 400, "bad_request"),
                refused("bare-LF line endings", bytes("PUT /kv/fuzz-lf HTTP/1.1\nHost: fuzz\nContent-Length: 1\n\nv"),
                        400, "bad_request"));
    }

    // ------------------------------------------------------------ methods and versions

    private static List<FuzzCase> methodsAndVersions() {
        return List.of(
                refused("unknown method", head("FROB", "/kv/a", "Content-Length: 0"), 405, "method_not_allowed"),
                refused("lower-case method", head("put", "/kv/a", "Content-Length: 1") , 405, "method_not_allowed"),
                refused("TRACE", head("TRACE", "/kv/a", "Max-Forwards: 0"), 405, "method_not_allowed"),
                refused("CONNECT", bytes("CONNECT 127.0.0.1:80 HTTP/1.1\r\nHost: 127.0.0.1:80\r\n\r\n"), 404,
                        "no_route"),
                refused("OPTIONS *", bytes("OPTIONS * HTTP/1.1\r\nHost: fuzz\r\n\r\n"), 404, "no_route"),
                valid("HTTP/1.0 without Host is served and the connection closed",
                        bytes("GET /health HTTP/1.0\r\n\r\n"), 0, 1, true, (exchange, chain) -> {
                            assertThat(exchange.first().status()).as("%s", exchange).isEqualTo(200);
                            assertThat(exchange.closed()).as("HTTP/1.0 without keep-alive: closed").isTrue();
                        }),
                refused("HTTP/1.0 PUT without Host is still checked", bytes("PUT /kv/%zz HTTP/1.0\r\n"
                        + "Content-Length: 1\r\n\r\nv"), 400, "bad_key"),
                refused("HTTP/1.1 without Host", bytes("PUT /kv/fuzz-nohost HTTP/1.1\r\nContent-Length: 1\r\n\r\nv"),
                        400, "bad_request"),
                refused("HTTP/1.1 with two Hosts", bytes("PUT /kv/fuzz-twohosts HTTP/1.1\r\nHost: a\r\nHost: b\r\n"
                        + "Content-Length: 1\r\n\r\nv"), 400, "bad_request"),
                closedByVertx("HTTP/2.0 version", bytes("GET /health HTTP/2.0\r\nHost: fuzz\r\n\r\n")),
                closedByVertx("unknown HTTP version", bytes("PUT /kv/fuzz-version HTTP/1.2\r\nHost: fuzz\r\n"
                        + "Content-Length: 1\r\n\r\nv")),
                valid("h2c upgrade is ignored: the request is answered over HTTP/1.1",
                        head("GET", "/health", "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
                                + "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA"), 0, 1, false, (exchange, chain) -> {
                            assertThat(exchange.first().status()).as("%s", exchange).isEqualTo(200);
                            assertThat(new JsonObject(exchange.first().bodyText()).getString("status"))
                                    .isEqualTo("up");
                        }),
                closedByVertx("HTTP/2 prior-knowledge preface", bytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
                        + "\u0000\u0000\u0000\u0004\u0000\u0000\u0000\u0000\u0000")),
                pipelined());
    }

    /** {@value #PIPELINED_REQUESTS} PUTs in one write, answered in order with consecutive seqs. */
    private static FuzzCase pipelined() {
        StringBuilder requests = new StringBuilder();
        for (int i = 0; i < PIPELINED_REQUESTS; i++) {
            String value = "value-" + i;
            requests.append("PUT /kv/fuzz-pipe-").append(i).append(" HTTP/1.1\r\nHost: fuzz\r\nContent-Length: ")
                    .append(value.length()).append("\r\n\r\n").append(value);
        }
        return valid(PIPELINED_REQUESTS + " pipelined PUTs are answered in order", bytes(requests.toString()),
                PIPELINED_REQUESTS, PIPELINED_REQUESTS, false, (exchange, chain) -> {
                    assertThat(exchange.responses()).as("%s", exchange).hasSize(PIPELINED_REQUESTS);
                    long firstSeq = new JsonObject(exchange.first().bodyText()).getLong("seq");
                    for (int i = 0; i < PIPELINED_REQUESTS; i++) {
                        RawHttp.Response response = exchange.responses().get(i);
                        assertThat(response.status()).as("response %d: %s", i, response).isEqualTo(200);
                        assertThat(new JsonObject(response.bodyText()).getLong("seq")).as("seq of response %d", i)
                                .isEqualTo(firstSeq + i);
                    }
                    for (int i = 0; i < PIPELINED_REQUESTS; i++) {
                        assertThat(chain.valueAtTail("/kv/fuzz-pipe-" + i)).isEqualTo("value-" + i);
                    }
                });
    }

    // ------------------------------------------------------------ scan parameters and the admin endpoint

    private static List<FuzzCase> scanAndAdmin() {
        return List.of(
                refusedAtTail("scan with a negative limit", "/kv?limit=-1"),
                refusedAtTail("scan with a non-numeric limit", "/kv?limit=ten"),
                refusedAtTail("scan with a limit beyond 2^63", "/kv?limit=99999999999999999999"),
                refusedAtTail("scan with an unknown parameter", "/kv?prefix=a&frob=1"),
                refusedAtTail("scan with a repeated parameter", "/kv?prefix=a&prefix=b"),
                refusedAtTail("scan with a bad percent-encoding", "/kv?prefix=%zz"),
                refused("configuration push of malformed JSON", bytes("POST /admin/configuration HTTP/1.1\r\n"
                        + "Host: fuzz\r\nContent-Type: application/json\r\nContent-Length: 9\r\n\r\n{\"epoch\":"), 400,
                        "bad_configuration"),
                refused("configuration push over 1 MiB", head("POST", "/admin/configuration",
                        "Content-Type: application/json\r\nContent-Length: " + (2 << 20)), 413, "body_too_large"));
    }

    // ------------------------------------------------------------ building requests

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A PUT of {@code value} to {@code rawPath}, sent as given. */
    static byte[] put(String rawPath, String value) {
        return bytes("PUT " + rawPath + " HTTP/1.1\r\nHost: fuzz\r\nContent-Length: " + value.length() + "\r\n\r\n"
                + value);
    }

    /** A request head only: request line, Host, {@code headers} (CRLF-separated), blank line. */
    static byte[] head(String method, String rawPath, String headers) {
        return bytes(method + " " + rawPath + " HTTP/1.1\r\nHost: fuzz\r\n" + headers + "\r\n\r\n");
    }

    private static byte[] chunkedPut(String body) {
        return concat(head("PUT", "/kv/fuzz-chunked", "Transfer-Encoding: chunked"), bytes(body));
    }

    private static byte[] chunks(int chunkBytes, int count) {
        StringBuilder chunk = new StringBuilder(Integer.toHexString(chunkBytes)).append("\r\n")
                .append("c".repeat(chunkBytes)).append("\r\n");
        return bytes(chunk.toString().repeat(count) + "0\r\n\r\n");
    }

    private static byte[] garbage() {
        byte[] bytes = new byte[1024];
        new java.util.Random(42).nextBytes(bytes);
        bytes[bytes.length - 4] = '\r';
        bytes[bytes.length - 3] = '\n';
        bytes[bytes.length - 2] = '\r';
        bytes[bytes.length - 1] = '\n';
        return bytes;
    }

    /** The start of a TLS 1.2 ClientHello record, as a client that mistook the port for HTTPS sends it. */
    private static byte[] tlsClientHello() {
        byte[] hello = {0x16, 0x03, 0x01, 0x00, 0x2f, 0x01, 0x00, 0x00, 0x2b, 0x03, 0x03};
        return concat(hello, new byte[40], bytes("\r\n\r\n"));
    }

    static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }

    // ------------------------------------------------------------ building cases

    private static FuzzCase refused(String name, byte[] request, int status, String error) {
        return new FuzzCase(name, Target.HEAD, request, Ending.READ, new Refused(status, error));
    }

    private static FuzzCase refusedAtTail(String name, String rawPathAndQuery) {
        return new FuzzCase(name, Target.TAIL, bytes("GET " + rawPathAndQuery + " HTTP/1.1\r\nHost: fuzz\r\n\r\n"),
                Ending.READ, new Refused(400, "bad_query"));
    }

    private static FuzzCase closed(String name, byte[] request) {
        return new FuzzCase(name, Target.HEAD, request, Ending.READ, new Closed());
    }

    /**
     * A request line whose version is neither HTTP/1.0 nor HTTP/1.1 never reaches the route table: Vert.x answers
     * it with a bare 501 and closes the connection. RFC 9110 would have 505 (also a 5xx), or HTTP/1.2 served as
     * HTTP/1.1; either way nothing is executed, which is what this asserts.
     */
    private static FuzzCase closedByVertx(String name, byte[] request) {
        return valid(name + " is closed after Vert.x's bare 501", request, 0, 1, true, (exchange, chain) -> {
            assertThat(exchange.first().status()).as("%s", exchange).isEqualTo(501);
            assertThat(exchange.closed()).as("closed: %s", exchange).isTrue();
        });
    }

    private static FuzzCase valid(String name, byte[] request, int writes, FuzzCase.Check check) {
        return valid(name, request, writes, 1, false, check);
    }

    private static FuzzCase valid(String name, byte[] request, int writes, int responsesWanted, boolean awaitClose,
                                  FuzzCase.Check check) {
        Expected expected = new Valid(writes, responsesWanted, awaitClose, check);
        return new FuzzCase(name, Target.HEAD, request, Ending.READ, expected);
    }

    private static void assertOk(RawHttp.Exchange exchange) {
        assertThat(exchange.first().status()).as("%s", exchange).isEqualTo(200);
    }
}
