package io.catena.membership;

import java.util.regex.Pattern;

/** Checks on the {@code host:port} text this module passes around (parsed here to stay free of other modules). */
final class Endpoints {

    /** A dotted-quad IPv4 literal: Hazelcast's interface list matches addresses, not host names. */
    private static final Pattern IPV4 = Pattern.compile(
            "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

    private Endpoints() {
    }

    /** Throws unless {@code text} is {@code host:port} with a non-blank host and a port in 1..65535. */
    static void requireHostPort(String text, String what) {
        String problem = hostPortProblem(text);
        if (problem != null) {
            throw new IllegalArgumentException(what + ": " + problem);
        }
    }

    /** Why {@code text} is not {@code host:port} (port 1..65535), or null when it is. */
    static String hostPortProblem(String text) {
        if (text == null) {
            return "missing (expected host:port)";
        }
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1 || text.substring(0, colon).isBlank()) {
            return "expected host:port, got '" + text + "'";
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            return "expected a numeric port in '" + text + "'";
        }
        if (port < 1 || port > 65_535) {
            return "port out of range 1..65535 in '" + text + "'";
        }
        return null;
    }

    static boolean isIpv4Literal(String host) {
        return IPV4.matcher(host).matches();
    }

    static String host(String hostPort) {
        return hostPort.substring(0, hostPort.lastIndexOf(':'));
    }

    static int port(String hostPort) {
        return Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
    }
}
