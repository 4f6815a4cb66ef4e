package io.catena.it.compose;

import io.vertx.core.json.JsonArray;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code docker/Dockerfile} puts into the image and how a container of it starts: the entrypoint and default
 * command (exec form), the health check's URL, and which built file each {@code COPY --from=<stage>} puts where,
 * traced back to the repository (the build stage copies the repository into its {@code WORKDIR}).
 *
 * @param entrypoint  {@code ENTRYPOINT} of the final stage
 * @param command     {@code CMD} of the final stage (a service's {@code command} replaces it)
 * @param healthcheck the {@code HEALTHCHECK ... CMD} line of the final stage
 * @param files       path in the image -> the file in the repository it is built from
 */
record DockerImage(List<String> entrypoint, List<String> command, String healthcheck, Map<String, Path> files) {

    private static final Pattern HEALTH_URL = Pattern.compile("http://\\$\\{?(\\w+)}?(/[^\\s\"']*)");

    static DockerImage parse(Path dockerfile, Path repository) {
        Map<String, String> workdirs = new LinkedHashMap<>();
        String stage = null;
        List<String> entrypoint = List.of();
        List<String> command = List.of();
        String healthcheck = null;
        Map<String, Path> files = new LinkedHashMap<>();
        for (String instruction : instructions(dockerfile)) {
            String[] words = instruction.split("\\s+");
            String keyword = words[0].toUpperCase(java.util.Locale.ROOT);
            String rest = instruction.substring(words[0].length()).trim();
            switch (keyword) {
                case "FROM" -> {
                    stage = words.length >= 4 && words[2].equalsIgnoreCase("AS") ? words[3] : words[1];
                    entrypoint = List.of();
                    command = List.of();
                    healthcheck = null;
                    files.clear();
                }
                case "WORKDIR" -> workdirs.put(stage, rest);
                case "ENTRYPOINT" -> entrypoint = execForm(rest, instruction);
                case "CMD" -> command = execForm(rest, instruction);
                case "HEALTHCHECK" -> healthcheck = rest;
                case "COPY" -> {
                    if (words[1].startsWith("--from=")) {
                        copied(words, workdirs.get(words[1].substring("--from=".length())), repository, files);
                    }
                }
                default -> { }
            }
        }
        return new DockerImage(entrypoint, command, healthcheck, Map.copyOf(files));
    }

    /**
     * The URL the health check asks, with the container's environment filled in: {@code http://${VAR}/path}
     * becomes {@code http://<environment[VAR]>/path}.
     */
    String healthUrl(Map<String, String> environment) {
        Matcher matcher = HEALTH_URL.matcher(healthcheck == null ? "" : healthcheck);
        if (!matcher.find()) {
            throw new IllegalStateException("the image's HEALTHCHECK asks no http://${VARIABLE}/path: " + healthcheck);
        }
        String address = environment.get(matcher.group(1));
        if (address == null) {
            throw new IllegalStateException("the HEALTHCHECK reads " + matcher.group(1) + ", which the service does"
                    + " not set");
        }
        return "http://" + address + matcher.group(2);
    }

    /** The repository file an image path was built from. */
    Path localFile(String imagePath) {
        Path file = files.get(imagePath);
        if (file == null) {
            throw new IllegalArgumentException(imagePath + " is not a file the Dockerfile copies from its build stage;"
                    + " it has " + files.keySet());
        }
        return file;
    }

    private static void copied(String[] words, String workdir, Path repository, Map<String, Path> files) {
        if (workdir == null) {
            throw new IllegalStateException("COPY " + words[1] + ": that stage has no WORKDIR to trace its files to");
        }
        String destination = words[words.length - 1];
        for (int i = 2; i < words.length - 1; i++) {
            String source = words[i];
            if (!source.startsWith(workdir + "/")) {
                throw new IllegalStateException("COPY " + source + ": not below the build stage's WORKDIR " + workdir);
            }
            String imagePath = destination.endsWith("/")
                    ? destination + source.substring(source.lastIndexOf('/') + 1) : destination;
            files.put(imagePath, repository.resolve(source.substring(workdir.length() + 1)));
        }
    }

    private static List<String> execForm(String json, String instruction) {
        if (!json.startsWith("[")) {
            throw new IllegalStateException("expected the exec (JSON) form: " + instruction);
        }
        return new JsonArray(json).stream().map(Object::toString).toList();
    }

    /** The Dockerfile's instructions, continuation lines joined, comments and blank lines left out. */
    private static List<String> instructions(Path dockerfile) {
        List<String> lines;
        try {
            lines = Files.readAllLines(dockerfile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dockerfile, e);
        }
        List<String> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : lines) {
            String trimmed = line.trim();
            if (trimmed.startsWith("#") || (trimmed.isEmpty() && current.length() == 0)) {
                continue;
            }
            boolean continues = trimmed.endsWith("\\");
            current.append(continues ? trimmed.substring(0, trimmed.length() - 1) : trimmed).append(' ');
            if (!continues) {
                instructions.add(current.toString().trim());
                current.setLength(0);
            }
        }
        return instructions;
    }
}
