package io.catena.master.runtime;

import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;

/**
 * Puts the master id and the epoch it has installed into every log line (the Logback pattern reads them as
 * context properties), so that an operator reading one line knows which master said it and in which
 * configuration.
 */
final class LogContext {

    private LogContext() {
    }

    static void set(String masterId, long epoch) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.putProperty("master", masterId);
            context.putProperty("epoch", Long.toString(epoch));
        }
    }
}
