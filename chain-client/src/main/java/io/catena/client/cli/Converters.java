package io.catena.client.cli;

import io.catena.client.Ack;
import io.catena.config.HostPort;
import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Picocli converters for the CLI's own types; each failure is one line saying what was expected. */
final class Converters {

    private Converters() {
    }

    /** {@code host:port}, or a bare port meaning 127.0.0.1. */
    static final class HostPortConverter implements ITypeConverter<HostPort> {
        @Override
        public HostPort convert(String text) {
            try {
                return text.chars().allMatch(Character::isDigit) && !text.isEmpty()
                        ? new HostPort("127.0.0.1", Integer.parseInt(text)) : HostPort.parse(text);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("expected host:port (e.g. 127.0.0.1:7000), got '" + text + "'");
            }
        }
    }

    /** {@code 500ms}, {@code 10s}, {@code 2m}, or a bare number of seconds. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String text) {
            String value = text.trim().toLowerCase(Locale.ROOT);
            try {
                if (value.endsWith("ms")) {
                    return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
                }
                if (value.endsWith("s")) {
                    return millis(Double.parseDouble(value.substring(0, value.length() - 1)) * 1_000);
                }
                if (value.endsWith("m")) {
                    return millis(Double.parseDouble(value.substring(0, value.length() - 1)) * 60_000);
                }
                return millis(Double.parseDouble(value) * 1_000);
            } catch (NumberFormatException e) {
                throw new TypeConversionException("expected a duration such as 500ms, 10s or 2m, got '" + text + "'");
            }
        }

        private static Duration millis(double ms) {
            if (Double.isNaN(ms) || Double.isInfinite(ms)) {
                throw new NumberFormatException("not a finite number");
            }
            return Duration.ofMillis(Math.round(ms));
        }
    }

    /** {@code all}, {@code head} or a number of nodes. */
    static final class AckConverter implements ITypeConverter<Ack> {
        @Override
        public Ack convert(String text) {
            try {
                return Ack.parse(text);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
