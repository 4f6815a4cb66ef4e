package io.catena.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Where settings come from, lowest precedence first: a properties file, then environment variables
 * ({@code CATENA_} + the key in upper snake case: {@code valueBytesMax} is {@code CATENA_VALUE_BYTES_MAX},
 * {@code node.n1.http} is {@code CATENA_NODE_N1_HTTP}), then explicit overrides (command-line flags).
 *
 * <p>Typed getters record every value they hand out, with its origin, so that a process can log its effective
 * settings at start. Parse errors are collected rather than thrown one at a time, so that a bad file is reported
 * in full.
 */
public final class SettingsSource {

    public static final String ENV_PREFIX = "CATENA_";

    private final Map<String, String> file;
    private final Map<String, String> env;
    private final Map<String, String> overrides;
    private final Map<String, String> effective = new TreeMap<>();
    private final List<String> errors = new ArrayList<>();

    public SettingsSource(Map<String, String> file, Map<String, String> env, Map<String, String> overrides) {
        this.file = Map.copyOf(file);
        this.env = Map.copyOf(env);
        this.overrides = Map.copyOf(overrides);
    }

    /** Reads a properties file (UTF-8); a missing {@code path} (null) means no file. */
    public static SettingsSource load(Path path, Map<String, String> env, Map<String, String> overrides) {
        Map<String, String> file = new LinkedHashMap<>();
        if (path != null) {
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
                properties.load(reader);
            } catch (IOException e) {
                throw new SettingsException(List.of("cannot read settings file " + path + ": " + e.getMessage()));
            }
            properties.stringPropertyNames().forEach(name -> file.put(name, properties.getProperty(name).trim()));
        }
        return new SettingsSource(file, env, overrides);
    }

    /** {@code valueBytesMax} -> {@code CATENA_VALUE_BYTES_MAX}; {@code node.n1.http} -> {@code CATENA_NODE_N1_HTTP}. */
    public static String envName(String key) {
        StringBuilder name = new StringBuilder(ENV_PREFIX);
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (Character.isUpperCase(c) && i > 0 && Character.isLowerCase(key.charAt(i - 1))) {
                name.append('_');
            }
            name.append(c == '.' || c == '-' ? '_' : Character.toUpperCase(c));
        }
        return name.toString().toUpperCase(Locale.ROOT);
    }

    /** The raw value of a key, from the highest-precedence source that has it. */
    public Optional<String> raw(String key) {
        String value = overrides.get(key);
        if (value == null) {
            value = env.get(envName(key));
        }
        if (value == null) {
            value = file.get(key);
        }
        return Optional.ofNullable(value).map(String::trim);
    }

    public String string(String key, String defaultValue) {
        String value = raw(key).orElse(defaultValue);
        effective.put(key, value);
        return value;
    }

    public String requiredString(String key) {
        Optional<String> value = raw(key);
        if (value.isEmpty() || value.get().isEmpty()) {
            errors.add(key + " is required (set it in the settings file or as " + envName(key) + ")");
            return "";
        }
        effective.put(key, value.get());
        return value.get();
    }

    public long longValue(String key, long defaultValue, long min, long max) {
        Optional<String> text = raw(key);
        long value = defaultValue;
        if (text.isPresent()) {
            try {
                value = Long.parseLong(text.get().replace("_", ""));
            } catch (NumberFormatException e) {
                errors.add(key + " must be a whole number, got '" + text.get() + "'");
                return defaultValue;
            }
        }
        if (value < min || value > max) {
            errors.add(key + " must be in " + min + ".." + max + ", got " + value);
        }
        effective.put(key, Long.toString(value));
        return value;
    }

    public int intValue(String key, int defaultValue, int min, int max) {
        return (int) longValue(key, defaultValue, min, max);
    }

    public <E extends Enum<E>> E enumValue(String key, E defaultValue) {
        Optional<String> text = raw(key);
        E value = defaultValue;
        if (text.isPresent()) {
            try {
                value = Enum.valueOf(defaultValue.getDeclaringClass(), text.get().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                List<String> names = new ArrayList<>();
                for (E constant : defaultValue.getDeclaringClass().getEnumConstants()) {
                    names.add(constant.name().toLowerCase(Locale.ROOT));
                }
                errors.add(key + " must be one of " + names + ", got '" + text.get() + "'");
            }
        }
        effective.put(key, value.name().toLowerCase(Locale.ROOT));
        return value;
    }

    public HostPort hostPort(String key, HostPort defaultValue) {
        Optional<String> text = raw(key);
        if (text.isEmpty()) {
            if (defaultValue != null) {
                effective.put(key, defaultValue.toString());
            }
            return defaultValue;
        }
        try {
            HostPort value = HostPort.parse(text.get());
            effective.put(key, value.toString());
            return value;
        } catch (IllegalArgumentException e) {
            errors.add(key + ": " + e.getMessage());
            return defaultValue;
        }
    }

    /** A comma-separated list of host:port; the default when absent. */
    public List<HostPort> hostPorts(String key, List<HostPort> defaultValue) {
        List<String> items = list(key);
        if (items.isEmpty()) {
            if (!defaultValue.isEmpty()) {
                effective.put(key, defaultValue.stream().map(HostPort::toString).collect(
                        java.util.stream.Collectors.joining(",")));
            }
            return defaultValue;
        }
        List<HostPort> values = new ArrayList<>();
        for (String item : items) {
            try {
                values.add(HostPort.parse(item));
            } catch (IllegalArgumentException e) {
                errors.add(key + ": " + e.getMessage());
            }
        }
        return values;
    }

    public List<String> list(String key) {
        Optional<String> text = raw(key);
        List<String> items = new ArrayList<>();
        if (text.isPresent()) {
            for (String item : text.get().split(",")) {
                if (!item.isBlank()) {
                    items.add(item.trim());
                }
            }
            effective.put(key, String.join(",", items));
        }
        return items;
    }

    /** Records a validation error found by the caller (a cross-field rule). */
    public void error(String message) {
        errors.add(message);
    }

    /** Throws {@link SettingsException} listing every error seen so far. */
    public void throwIfInvalid() {
        if (!errors.isEmpty()) {
            throw new SettingsException(errors);
        }
    }

    /** Every value handed out, sorted by key: what the process actually runs with. */
    public Map<String, String> effective() {
        return java.util.Collections.unmodifiableMap(new TreeMap<>(effective));
    }
}
