package io.catena.it.compose;

import io.catena.config.MasterSettings;
import io.catena.config.NodeSettings;
import io.catena.config.SettingsSource;
import io.catena.it.JvmProcess;
import io.catena.it.KeyPath;
import io.catena.it.compose.ComposeFile.Service;
import io.catena.master.runtime.MasterMain;
import io.catena.node.runtime.NodeMain;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The services of {@code docker/docker-compose.yml} run as local processes, with the very command and settings a
 * container of {@code docker/Dockerfile}'s image would get. Only what cannot be the same outside a container is
 * translated, each in one place:
 *
 * <ul>
 *   <li>addresses: every name a service is reached by (service name, hostname, fixed network address) and its own
 *       {@code 0.0.0.0} become that service's loopback address, 127.0.0.(50 + its index in the file);</li>
 *   <li>ports: each port of a service becomes a free port on its loopback address, the same one wherever it is
 *       named ({@code 172.29.7.10:7000} in every service's settings is the master's one port);</li>
 *   <li>volumes: a setting under a named volume's mount point moves to a directory of this run; it is kept across
 *       restarts, like the volume;</li>
 *   <li>the image: {@code java} is this JVM's, and a jar path in the image is the repository's built jar it was
 *       copied from (copied once more here, so that a rebuild meanwhile cannot change it under a process).</li>
 * </ul>
 *
 * <p>A {@code host:port} in a {@code CATENA_*} setting whose host is no service of the file fails the start. Each
 * process also gets {@link #TEST_JVM_FLAGS} before the image's flags: heap and collector, for five JVMs on a
 * small machine. Processes are killed by pid after each test; a failed test prints their logs and keeps the dir.
 */
final class ComposeMirror implements AfterEachCallback, AutoCloseable {

    static final List<String> TEST_JVM_FLAGS = List.of("-Xmx256m", "-XX:+UseSerialGC");
    static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final String FIRST_LOOPBACK = "127.0.0.";
    private static final int FIRST_LOOPBACK_HOST = 50;
    private static final int LOG_TAIL_LINES = 60;
    private static final Pattern HOST_PORT = Pattern.compile("([A-Za-z0-9][A-Za-z0-9.-]*):(\\d{1,5})\\b");

    final Path repository;
    final ComposeFile compose;
    final DockerImage image;
    private final Map<String, String> loopbackByName = new HashMap<>();
    private final Map<String, Integer> localPorts = new HashMap<>();
    private final Map<String, JvmProcess> processes = new LinkedHashMap<>();
    private final Map<Path, Path> jarCopies = new HashMap<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(2)).build();
    private Path dir;

    private ComposeMirror(Path repository) {
        this.repository = repository;
        this.compose = ComposeFile.parse(repository.resolve("docker/docker-compose.yml"));
        this.image = DockerImage.parse(repository.resolve("docker/Dockerfile"), repository);
        List<Service> services = compose.services();
        for (int i = 0; i < services.size(); i++) {
            for (String name : services.get(i).addresses()) {
                loopbackByName.put(name, FIRST_LOOPBACK + (FIRST_LOOPBACK_HOST + i));
            }
        }
    }

    /** The compose file and Dockerfile of the repository this test runs in. */
    static ComposeMirror ofThisRepository() {
        Path directory = Path.of("").toAbsolutePath();
        while (directory != null && !Files.isRegularFile(directory.resolve("docker/docker-compose.yml"))) {
            directory = directory.getParent();
        }
        if (directory == null) {
            throw new IllegalStateException("no docker/docker-compose.yml above " + Path.of("").toAbsolutePath());
        }
        return new ComposeMirror(directory);
    }

    // ------------------------------------------------------------ what a container runs

    /** The image's entrypoint followed by the service's command (or the image's default command). */
    List<String> commandLine(Service service) {
        List<String> line = new ArrayList<>(image.entrypoint());
        line.addAll(service.command().isEmpty() ? image.command() : service.command());
        return line;
    }

    /** The repository jar that {@code java -jar <path in the image>} runs in this service's container. */
    Path jarOf(Service service) {
        List<String> line = commandLine(service);
        int jarAt = line.indexOf("-jar");
        if (line.isEmpty() || !line.get(0).equals("java") || jarAt < 0 || jarAt + 1 >= line.size()) {
            throw new IllegalStateException(service.name() + " does not run `java ... -jar <jar>`: " + line);
        }
        return image.localFile(line.get(jarAt + 1));
    }

    /** The main class in the manifest of the jar a service runs. */
    String mainClassOf(Service service) {
        Path jar = jarOf(service);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build it first (mvn package, or -am with -pl)");
        }
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.getManifest().getMainAttributes().getValue("Main-Class");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + jar, e);
        }
    }

    /**
     * The {@code CATENA_*} variables of a service that no setting of its process reads: loads the node's or the
     * master's settings (by the main class its jar names) from the service's environment exactly as the process
     * does, and compares with the keys the load asked for. Invalid values fail here with the process's message.
     */
    List<String> unreadVariables(Service service, Map<String, String> environment) {
        Map<String, String> catena = new LinkedHashMap<>();
        environment.forEach((name, value) -> {
            if (name.startsWith(SettingsSource.ENV_PREFIX)) {
                catena.put(name, value);
            }
        });
        SettingsSource source = new SettingsSource(Map.of(), catena, Map.of());
        String main = mainClassOf(service);
        if (main.equals(NodeMain.class.getName())) {
            NodeSettings.load(source);
        } else if (main.equals(MasterMain.class.getName())) {
            MasterSettings.load(source);
        } else {
            throw new IllegalStateException(service.name() + " runs " + main + ", neither node nor master");
        }
        Set<String> read = new HashSet<>();
        source.effective().keySet().forEach(key -> read.add(SettingsSource.envName(key)));
        return catena.keySet().stream().filter(name -> !read.contains(name)).sorted().toList();
    }

    // ------------------------------------------------------------ the translation to local processes

    /** The service's environment with addresses, ports and volume paths made local. */
    Map<String, String> localEnvironment(Service service) {
        Map<String, String> local = new LinkedHashMap<>();
        service.environment().forEach((name, value) -> local.put(name,
                name.startsWith(SettingsSource.ENV_PREFIX) ? localValue(service, name, value) : value));
        return local;
    }

    /** The local address of the {@code host:port} a container would use. */
    String localAddress(Service service, String hostPort) {
        return localValue(service, "(address)", hostPort);
    }

    private String localValue(Service service, String variable, String value) {
        for (Map.Entry<String, String> volume : service.volumes().entrySet()) {
            String target = volume.getKey();
            if (value.equals(target) || value.startsWith(target + "/")) {
                return volumeDir(service, volume.getValue()) + value.substring(target.length());
            }
        }
        Matcher matcher = HOST_PORT.matcher(value);
        StringBuilder local = new StringBuilder();
        while (matcher.find()) {
            String host = matcher.group(1);
            String loopback = host.equals("0.0.0.0") ? loopbackOf(service) : loopbackByName.get(host);
            if (loopback == null) {
                throw new IllegalStateException(service.name() + ": " + variable + "=" + value + " names host '" + host
                        + "', which is no service of the compose file (known: " + loopbackByName.keySet() + ")");
            }
            int port = localPort(loopback, Integer.parseInt(matcher.group(2)));
            matcher.appendReplacement(local, Matcher.quoteReplacement(loopback + ":" + port));
        }
        matcher.appendTail(local);
        return local.toString();
    }

    private String loopbackOf(Service service) {
        return loopbackByName.get(service.name());
    }

    private synchronized int localPort(String loopback, int containerPort) {
        return localPorts.computeIfAbsent(loopback + ":" + containerPort, key -> {
            Set<Integer> taken = new HashSet<>(localPorts.values());
            return JvmProcess.freePort(loopback, port -> !taken.contains(port));
        });
    }

    private Path volumeDir(Service service, String volume) {
        Path volumeDir = dir().resolve("volumes").resolve(volume);
        try {
            Files.createDirectories(volumeDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return volumeDir;
    }

    // ------------------------------------------------------------ processes

    /** Starts the services that a plain {@code docker compose up} starts, dependencies first; does not wait. */
    void upDefaultServices() {
        Set<String> started = new HashSet<>();
        for (Service service : compose.services()) {
            if (service.startsByDefault()) {
                startWithDependencies(service, started);
            }
        }
    }

    private void startWithDependencies(Service service, Set<String> started) {
        if (!started.add(service.name())) {
            return;
        }
        for (String dependency : service.dependsOn()) {
            startWithDependencies(compose.service(dependency), started);
        }
        start(service.name());
    }

    /** {@code docker compose up -d <service>} or {@code docker compose start <service>}: same settings, same volume. */
    void start(String name) {
        Service service = compose.service(name);
        JvmProcess running = processes.get(name);
        if (running != null && running.isAlive()) {
            throw new IllegalStateException(name + " is already running (pid " + running.pid() + ")");
        }
        List<String> line = commandLine(service);
        int jarAt = line.indexOf("-jar");
        Path jar = jarCopy(jarOf(service));
        JvmProcess.Launch launch = JvmProcess.java(name)
                .jvmFlags(TEST_JVM_FLAGS)
                .jvmFlags(line.subList(1, jarAt))
                .jar(jar)
                .args(line.subList(jarAt + 2, line.size()))
                .withoutEnv(SettingsSource.ENV_PREFIX)
                .env(localEnvironment(service))
                .logFile(dir().resolve(name + ".log"));
        processes.put(name, launch.banner("===== start of " + name + ": " + localEnvironment(service)
                + " " + String.join(" ", launch.mainAndArgs()) + " =====").start());
    }

    /** {@code docker compose kill <service>}: SIGKILL, then waits until the process is gone. */
    void kill(String name) {
        JvmProcess process = JvmProcess.requireRunning(processes.get(name), name);
        process.kill();
        process.awaitExit();
    }

    /** Waits until the image's health check passes for the service, failing early if its process exits. */
    void awaitHealthy(String name) {
        JvmProcess.requireRunning(processes.get(name), name).awaitHealthy(http, URI.create(healthUrl(name)),
                START_TIMEOUT, Duration.ofMillis(100), LOG_TAIL_LINES);
    }

    /** The health check's URL for the service, local. */
    String healthUrl(String name) {
        return image.healthUrl(localEnvironment(compose.service(name)));
    }

    private Path jarCopy(Path jar) {
        return jarCopies.computeIfAbsent(jar, original -> {
            try {
                Path copy = dir().resolve("jars").resolve(original.getFileName());
                Files.createDirectories(copy.getParent());
                return Files.copy(original, copy);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot copy " + original, e);
            }
        });
    }

    private synchronized Path dir() {
        if (dir == null) {
            try {
                dir = Files.createTempDirectory("catena-compose-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return dir;
    }

    // ------------------------------------------------------------ HTTP

    HttpResponse<String> get(String hostPort, String path) {
        return send(HttpRequest.newBuilder(URI.create("http://" + hostPort + path)).GET());
    }

    HttpResponse<String> put(String hostPort, String key, String value) {
        return send(HttpRequest.newBuilder(URI.create("http://" + hostPort + "/kv/" + KeyPath.encode(key)))
                .PUT(HttpRequest.BodyPublishers.ofString(value, StandardCharsets.UTF_8)));
    }

    JsonObject getJson(String hostPort, String path) {
        HttpResponse<String> response = get(hostPort, path);
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + " at " + hostPort + " answered " + response.statusCode()
                    + ": " + response.body());
        }
        return new JsonObject(response.body());
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("request " + request.build().uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    // ------------------------------------------------------------ lifecycle

    @Override
    public void afterEach(ExtensionContext context) {
        boolean failed = context.getExecutionException().isPresent();
        close();
        if (failed && dir != null) {
            for (String name : processes.keySet()) {
                System.out.printf("%n===== %s: last %d lines =====%n%s%n", name, LOG_TAIL_LINES,
                        JvmProcess.logTail(dir.resolve(name + ".log"), LOG_TAIL_LINES));
            }
            System.out.println("===== compose mirror dir kept: " + dir + " =====");
        } else if (dir != null) {
            JvmProcess.deleteRecursively(dir);
        }
    }

    /** Kills every process still running. */
    @Override
    public void close() {
        JvmProcess.killAll(processes.values());
    }
}
