package io.catena.node.runtime;

import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;

/**
 * Puts the node id, epoch and role into every log line (the Logback pattern reads them as context properties),
 * so that an operator reading one line knows which node said it and in which configuration.
 */
final class LogContext {

    private LogContext() {
    }

    static void set(String nodeId, long epoch, String role) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.putProperty("node", nodeId);
            context.putProperty("epoch", Long.toString(epoch));
            context.putProperty("role", role);
        }
    }
}
