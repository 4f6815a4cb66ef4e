package io.catena.it.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for requests no well-behaved client would send: the bytes go out exactly as
 * given, and whatever comes back is parsed into responses (status line, headers, a body of Content-Length bytes).
 * The server's side of the conversation is recorded as it happened: how many responses, whether it closed the
 * connection (FIN or RST), and whether it went silent instead.
 */
final class RawHttp {

    /** How long the server may stay silent before an exchange counts as hung. */
    static final Duration SILENCE_MAX = Duration.ofSeconds(5);
    private static final int CONNECT_TIMEOUT_MS = 2_000;

    private RawHttp() {
    }

    /** One parsed response; header names are lower-cased. */
    record Response(int status, Map<String, String> headers, byte[] body) {
        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return status + " " + headers + " " + bodyText();
        }
    }

    /**
     * What the server did. {@code closed}: it ended the connection (FIN or reset) before {@link #SILENCE_MAX} of
     * silence; {@code hung}: it neither answered enough nor closed. {@code sendFailure} is the error of a write the
     * server cut short (it may close while a large request is still being sent), or null.
     */
    record Exchange(List<Response> responses, boolean closed, boolean hung, String sendFailure, byte[] leftover) {
        Response first() {
            if (responses.isEmpty()) {
                throw new AssertionError("no response: " + this);
            }
            return responses.get(0);
        }

        @Override
        public String toString() {
            return responses.size() + " response(s) " + responses + (closed ? ", connection closed" : "")
                    + (hung ? ", server silent for " + SILENCE_MAX.toSeconds() + " s" : "")
                    + (sendFailure == null ? "" : ", send cut short: " + sendFailure)
                    + (leftover.length == 0 ? "" : ", unparsed: " + new String(leftover, StandardCharsets.ISO_8859_1));
        }
    }

    /**
     * Sends {@code request} on a new connection from 127.0.0.1 and reads until {@code responsesWanted} responses
     * have arrived (then, if {@code awaitClose}, until the server closes), until the server closes, or until it
     * has been silent for {@link #SILENCE_MAX}.
     */
    static Exchange exchange(String hostPort, byte[] request, int responsesWanted, boolean awaitClose) {
        try (Socket socket = connect(hostPort)) {
            String sendFailure = null;
            try {
                socket.getOutputStream().write(request);
                socket.getOutputStream().flush();
            } catch (IOException e) {
                sendFailure = e.toString();
            }
            return readResponses(socket, responsesWanted, awaitClose, sendFailure);
        } catch (IOException e) {
            throw new UncheckedIOException("exchange with " + hostPort + " failed", e);
        }
    }

    /** A connection from 127.0.0.1 (the tests never send traffic anywhere else). */
    static Socket connect(String hostPort) throws IOException {
        int colon = hostPort.lastIndexOf(':');
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress("127.0.0.1", 0));
        socket.connect(new InetSocketAddress(hostPort.substring(0, colon),
                Integer.parseInt(hostPort.substring(colon + 1))), CONNECT_TIMEOUT_MS);
        socket.setSoTimeout((int) SILENCE_MAX.toMillis());
        return socket;
    }

    /** Reads from an open socket as {@link #exchange} does. */
    static Exchange readResponses(Socket socket, int responsesWanted, boolean awaitClose, String sendFailure)
            throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        List<Response> responses = new ArrayList<>();
        byte[] buffer = new byte[64 * 1024];
        boolean closed = false;
        boolean hung = false;
        while (!closed && !hung && (responses.size() < responsesWanted || awaitClose)) {
            try {
                int read = in.read(buffer);
                if (read < 0) {
                    closed = true;
                } else {
                    received.write(buffer, 0, read);
                }
            } catch (SocketTimeoutException e) {
                hung = true;
            } catch (SocketException e) {
                closed = true; // a reset: closed all the same
            }
            byte[] rest = parse(received.toByteArray(), responses);
            received.reset();
            received.write(rest);
        }
        return new Exchange(List.copyOf(responses), closed, hung, sendFailure, received.toByteArray());
    }

    /** Moves every complete response at the start of {@code bytes} into {@code into}; returns the rest. */
    private static byte[] parse(byte[] bytes, List<Response> into) {
        int start = 0;
        while (true) {
            int headEnd = indexOf(bytes, start, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            if (headEnd < 0) {
                break;
            }
            String[] lines = new String(bytes, start, headEnd - start, StandardCharsets.ISO_8859_1).split("\r\n");
            String[] statusLine = lines[0].split(" ", 3);
            if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/")) {
                throw new AssertionError("not an HTTP response: " + lines[0]);
            }
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim());
            }
            int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
            int bodyStart = headEnd + 4;
            if (bytes.length - bodyStart < length) {
                break;
            }
            byte[] body = new byte[length];
            System.arraycopy(bytes, bodyStart, body, 0, length);
            into.add(new Response(Integer.parseInt(statusLine[1]), headers, body));
            start = bodyStart + length;
        }
        byte[] rest = new byte[bytes.length - start];
        System.arraycopy(bytes, start, rest, 0, rest.length);
        return rest;
    }

    private static int indexOf(byte[] bytes, int from, byte[] pattern) {
        outer:
        for (int i = from; i <= bytes.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (bytes[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
