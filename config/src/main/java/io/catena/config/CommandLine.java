package io.catena.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A process's command line: {@code [--config FILE] [--<setting> VALUE | --<setting>=VALUE]...}. The flags are
 * the highest-precedence settings source (above {@code CATENA_*} environment variables, above the file).
 *
 * @param configFile the settings file, or null when none was given
 * @param flags      every other {@code --name value}, in order; a later flag of the same name wins
 */
public record CommandLine(Path configFile, Map<String, String> flags) {

    public CommandLine {
        flags = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(flags));
    }

    /**
     * @param program the name shown in the usage line ({@code node}, {@code master})
     * @throws IllegalArgumentException on a bare argument or a flag without a value, with a usage hint
     */
    public static CommandLine parse(String program, String... args) {
        Path file = null;
        Map<String, String> flags = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "'; usage: " + program
                        + " [--config FILE] [--<setting> VALUE]...");
            }
            String name = arg.substring(2);
            String value;
            int equals = name.indexOf('=');
            if (equals >= 0) {
                value = name.substring(equals + 1);
                name = name.substring(0, equals);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException("--" + name + " needs a value");
            }
            if (name.equals("config")) {
                file = Path.of(value);
            } else {
                flags.put(name, value);
            }
        }
        return new CommandLine(file, flags);
    }

    /** The settings source: the file (if any), then {@code env}, then the flags. */
    public SettingsSource source(Map<String, String> env) {
        return SettingsSource.load(configFile, env, flags);
    }
}
