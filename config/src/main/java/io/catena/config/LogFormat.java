package io.catena.config;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import java.util.Iterator;
import org.slf4j.LoggerFactory;

/**
 * How a node or master writes its log (setting {@code logFormat}, environment {@code CATENA_LOG_FORMAT}, flag
 * {@code --logFormat}; docs/operations.md): {@code text} (the default) is the Logback pattern of logback.xml, one
 * line per event with the process's id, epoch and role in brackets; {@code json} is Logback's own
 * {@link JsonEncoder}, one JSON object per line, the same id, epoch and role under
 * {@code context.properties}.
 */
public enum LogFormat {
    TEXT,
    JSON;

    /** Reads {@code logFormat}; an invalid value is reported with the other settings' errors. */
    public static LogFormat load(SettingsSource source) {
        return source.enumValue("logFormat", TEXT);
    }

    /**
     * Puts this format on every appender of the root logger that writes to a stream (the console). Text leaves
     * logback.xml's pattern in place; call once at start, before the process logs its settings.
     */
    public void apply() {
        if (this == TEXT || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
            if (it.next() instanceof OutputStreamAppender<ILoggingEvent> appender) {
                JsonEncoder encoder = new JsonEncoder();
                encoder.setContext(context);
                encoder.setWithSequenceNumber(false);
                encoder.setWithNanoseconds(false);
                encoder.setWithFormattedMessage(true); // the message with its arguments filled in
                encoder.setWithMessage(false);
                encoder.setWithArguments(false);
                encoder.start();
                appender.stop();
                appender.setEncoder(encoder);
                appender.start();
            }
        }
    }
}
