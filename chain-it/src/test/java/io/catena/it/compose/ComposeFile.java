package io.catena.it.compose;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The parts of {@code docker/docker-compose.yml} that decide what runs: each service's command, environment,
 * addresses, volumes, published ports, profiles and start order. Anything of these written in a form this reader
 * does not know (an environment as a list, a long-form port) fails the parse rather than being skipped.
 */
record ComposeFile(List<Service> services) {

    /**
     * One service.
     *
     * @param addresses the names other services can reach it by: the service name, its hostname and its fixed
     *                  network addresses
     * @param volumes   mount target in the container -> named volume
     * @param ports     published ports, {@code [host-ip:]host-port:container-port}
     */
    record Service(String name, List<String> profiles, List<String> dependsOn, List<String> command,
                   Map<String, String> environment, List<String> addresses, Map<String, String> volumes,
                   List<String> ports) {

        /** A service without a profile starts with a plain {@code docker compose up}. */
        boolean startsByDefault() {
            return profiles.isEmpty();
        }

        /** The container ports that {@code ports} publishes. */
        List<Integer> publishedContainerPorts() {
            return ports.stream().map(port -> Integer.parseInt(port.substring(port.lastIndexOf(':') + 1)
                    .replace("/tcp", ""))).toList();
        }
    }

    static ComposeFile parse(Path file) {
        Map<String, Object> root;
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        List<Service> services = new ArrayList<>();
        map(root.get("services"), "services").forEach((name, definition) ->
                services.add(service(name, map(definition, "service " + name))));
        return new ComposeFile(List.copyOf(services));
    }

    Service service(String name) {
        return services.stream().filter(service -> service.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no service " + name + " in the compose file"));
    }

    private static Service service(String name, Map<String, Object> definition) {
        String where = "service " + name;
        List<String> addresses = new ArrayList<>(List.of(name));
        if (definition.get("hostname") != null) {
            addresses.add(definition.get("hostname").toString());
        }
        map(definition.getOrDefault("networks", Map.of()), where + ": networks").values().forEach(network -> {
            Object address = network == null ? null : map(network, where + ": network").get("ipv4_address");
            if (address != null) {
                addresses.add(address.toString());
            }
        });
        Map<String, String> volumes = new LinkedHashMap<>();
        for (String mount : strings(definition.getOrDefault("volumes", List.of()), where + ": volumes")) {
            String[] parts = mount.split(":");
            if (parts.length < 2 || parts[0].startsWith("/") || parts[0].startsWith(".")) {
                throw new IllegalArgumentException(where + ": only named volumes (name:/path) are expected, got "
                        + mount);
            }
            volumes.put(parts[1], parts[0]);
        }
        Object dependsOn = definition.getOrDefault("depends_on", List.of());
        return new Service(name,
                strings(definition.getOrDefault("profiles", List.of()), where + ": profiles"),
                dependsOn instanceof Map<?, ?> longForm ? longForm.keySet().stream().map(Object::toString).toList()
                        : strings(dependsOn, where + ": depends_on"),
                strings(definition.getOrDefault("command", List.of()), where + ": command (as a list)"),
                environment(definition.getOrDefault("environment", Map.of()), where),
                List.copyOf(addresses), volumes,
                strings(definition.getOrDefault("ports", List.of()), where + ": ports (short form)"));
    }

    private static Map<String, String> environment(Object value, String where) {
        Map<String, String> environment = new LinkedHashMap<>();
        map(value, where + ": environment (as a mapping)").forEach((name, setting) ->
                environment.put(name, setting == null ? "" : setting.toString()));
        return environment;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value, String what) {
        if (!(value instanceof Map<?, ?>)) {
            throw new IllegalArgumentException(what + ": expected a mapping, got " + value);
        }
        return (Map<String, Object>) value;
    }

    private static List<String> strings(Object value, String what) {
        if (!(value instanceof List<?> list)) {
            throw new IllegalArgumentException(what + ": expected a list, got " + value);
        }
        return list.stream().map(Object::toString).toList();
    }
}
