package io.catena.it;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One JVM started by a multi-process test ({@link CatenaCluster}, {@code staticchain.ChainProcesses},
 * {@code compose.ComposeMirror}): a main class on a classpath, or an executable jar, its output (stdout and stderr) appended to a log file. It is only ever signalled by its own pid:
 * {@link #kill()} ({@code kill -9}), {@link #terminate()} (SIGTERM), {@link #pause()} ({@code kill -STOP}) and
 * {@link #resume()} ({@code kill -CONT}).
 *
 * <p>Every started process is registered until it is seen to exit ({@link #awaitExit()}, {@link
 * #awaitExitQuietly()}); a JVM shutdown hook kills, by pid, whatever is still registered when the test JVM ends, so
 * a crashed or interrupted test run leaves nothing behind.
 *
 * <p>The static helpers are what the harnesses around these processes share: free ports on an address, the last
 * lines of a log file, a classpath for one module's main class, and removing a harness's temp dir.
 */
public final class JvmProcess {

    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);
    /** A safety net: whatever a test leaves running dies with the test JVM. */
    private static final Set<JvmProcess> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(JvmProcess::kill), "jvm-process-reaper"));
    }

    private final String name;
    private final Process process;
    private final Path logFile;
    private volatile boolean paused;

    private JvmProcess(String name, Process process, Path logFile) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
    }

    /** Describes a JVM to start; {@code name} is used in messages only. */
    public static Launch java(String name) {
        return new Launch(name);
    }

    /** What to start: flags, classpath and main class (or a jar), arguments, environment, log file. */
    public static final class Launch {
        private final String name;
        private final List<String> jvmFlags = new ArrayList<>();
        private String classpath;
        private String mainClass;
        private Path jar;
        private final Map<String, String> env = new LinkedHashMap<>();
        private final List<String> args = new ArrayList<>();
        private Path logFile;
        private String banner;
        private final List<String> removedEnvPrefixes = new ArrayList<>();

        private Launch(String name) {
            this.name = name;
        }

        /** JVM flags, before {@code -cp}; may be called more than once. */
        public Launch jvmFlags(List<String> flags) {
            jvmFlags.addAll(flags);
            return this;
        }

        public Launch classpath(String classpath) {
            this.classpath = classpath;
            return this;
        }

        public Launch mainClass(Class<?> main) {
            this.mainClass = main.getName();
            return this;
        }

        /** Runs {@code java -jar jar} (its manifest names the main class) instead of a classpath and main class. */
        public Launch jar(Path executableJar) {
            this.jar = executableJar;
            return this;
        }

        /** Program arguments, after the main class; may be called more than once. */
        public Launch args(List<String> arguments) {
            args.addAll(arguments);
            return this;
        }

        /** Where stdout and stderr are appended (the file is created if missing and never truncated). */
        public Launch logFile(Path file) {
            this.logFile = file;
            return this;
        }

        /** A line appended to the log file just before the process starts, to tell one start from the next. */
        public Launch banner(String line) {
            this.banner = line;
            return this;
        }

        /** Removes every variable whose name starts with {@code prefix} from the process's environment. */
        public Launch withoutEnv(String prefix) {
            removedEnvPrefixes.add(prefix);
            return this;
        }

        /** Sets variables in the process's environment, after {@link #withoutEnv} removed any. */
        public Launch env(Map<String, String> variables) {
            env.putAll(variables);
            return this;
        }

        /** The main class (or {@code -jar} and the jar) and its arguments, as the process will see them. */
        public List<String> mainAndArgs() {
            List<String> command = new ArrayList<>();
            if (jar != null) {
                command.addAll(List.of("-jar", jar.toString()));
            } else {
                command.add(mainClass);
            }
            command.addAll(args);
            return command;
        }

        /** Starts the JVM and registers it with the shutdown hook; does not wait for it to be ready. */
        public JvmProcess start() {
            if ((jar == null && (classpath == null || mainClass == null)) || logFile == null) {
                throw new IllegalStateException("a JVM for " + name + " needs a classpath and a main class (or a jar)"
                        + " and a log file");
            }
            List<String> command = new ArrayList<>();
            command.add(JAVA);
            command.addAll(jvmFlags);
            if (jar == null) {
                command.addAll(List.of("-cp", classpath));
            }
            command.addAll(mainAndArgs());
            try {
                if (banner != null) {
                    Files.writeString(logFile, banner + "\n", StandardCharsets.UTF_8,
                            StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                }
                ProcessBuilder builder = new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
                for (String prefix : removedEnvPrefixes) {
                    builder.environment().keySet().removeIf(variable -> variable.startsWith(prefix));
                }
                builder.environment().putAll(env);
                JvmProcess started = new JvmProcess(name, builder.start(), logFile);
                LIVE.add(started);
                return started;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start " + name, e);
            }
        }
    }

    // ------------------------------------------------------------ state

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Whether the last signal was {@code STOP} (and the process has not exited since). */
    public boolean isPaused() {
        return paused;
    }

    public Path logFile() {
        return logFile;
    }

    // ------------------------------------------------------------ signals, by pid

    /** {@code kill -9}: the process dies at once, without running its shutdown hooks. Does not wait. */
    public void kill() {
        process.destroyForcibly();
    }

    /**
     * SIGTERM: the process runs its shutdown hooks and exits. A paused process is sent {@code CONT} as well, since
     * it only handles SIGTERM once it runs again. Does not wait.
     */
    public void terminate() {
        process.destroy();
        if (paused) {
            signal("CONT");
            paused = false;
        }
    }

    /** {@code kill -STOP}: the process is frozen; its sockets stay open and the kernel keeps buffering. */
    public void pause() {
        signal("STOP");
        paused = true;
    }

    /** {@code kill -CONT}. */
    public void resume() {
        signal("CONT");
        paused = false;
    }

    /** Runs {@code kill -<signal> <pid>} and fails unless it succeeds; the process must be running. */
    public void signal(String signal) {
        if (!process.isAlive()) {
            throw new IllegalStateException(name + " is not running");
        }
        long pid = process.pid();
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + pid + " (" + name + ") failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot signal " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted signalling " + name, e);
        }
    }

    /** {@code process} if it was started and is alive; otherwise fails with "{@code name} is not running". */
    public static JvmProcess requireRunning(JvmProcess process, String name) {
        if (process == null || !process.isAlive()) {
            throw new IllegalStateException(name + " is not running");
        }
        return process;
    }

    /**
     * Kills ({@code kill -9}) every process still alive, paused ones included (SIGKILL needs no SIGCONT), then
     * waits for each to exit; {@code null}s (never started) are skipped. For a harness's cleanup.
     */
    public static void killAll(Collection<JvmProcess> processes) {
        for (JvmProcess process : processes) {
            if (process != null && process.isAlive()) {
                process.kill();
            }
        }
        for (JvmProcess process : processes) {
            if (process != null) {
                process.awaitExitQuietly();
            }
        }
    }

    // ------------------------------------------------------------ waiting

    /** Waits up to 30 s for the process to exit and fails if it does not; then it is no longer registered. */
    public void awaitExit() {
        try {
            if (!process.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(name + " (pid " + process.pid() + ") did not exit within "
                        + EXIT_TIMEOUT.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for " + name, e);
        }
        exited();
    }

    /** Waits up to 30 s for the process to exit, without failing; for cleanup after {@link #kill()}. */
    public void awaitExitQuietly() {
        try {
            process.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        exited();
    }

    private void exited() {
        LIVE.remove(this);
        paused = false;
    }

    /**
     * Polls {@code health} every {@code pollInterval} until it answers 200, for at most {@code timeout}; fails at
     * once, with the end of the log, if the process exits meanwhile.
     */
    public void awaitHealthy(HttpClient http, URI health, Duration timeout, Duration pollInterval, int logTailLines) {
        HttpRequest request = HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(2)).GET().build();
        await(name + " answers " + health.getPath()).atMost(timeout).pollInterval(pollInterval)
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException(name + " exited with " + process.exitValue()
                                + " while starting:\n" + logTail(logFile, logTailLines));
                    }
                    try {
                        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                    } catch (IOException e) {
                        return false;
                    }
                });
    }

    // ------------------------------------------------------------ shared helpers

    /** The last {@code lines} lines of a log file (everything a process printed, across restarts). */
    public static String logTail(Path file, int lines) {
        if (!Files.exists(file)) {
            return "(no output yet)";
        }
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    /** A port that was free a moment ago on {@code host}. */
    public static int freePort(String host) {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on " + host, e);
        }
    }

    /** A port that was free a moment ago on {@code host} and that {@code acceptable} takes (100 tries). */
    public static int freePort(String host, IntPredicate acceptable) {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = freePort(host);
            if (acceptable.test(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port on " + host);
    }

    /**
     * The test JVM's classpath for a process, without the entries of module {@code otherModule} (e.g. the node
     * without {@code chain-master}: both modules ship a {@code logback.xml} and only one would win).
     * See {@link #snapshotClasspath()}.
     */
    public static String classpathWithout(String otherModule) {
        return Classpath.SNAPSHOT.stream()
                .filter(entry -> !entry.contains(File.separator + otherModule + File.separator)
                        && !entry.contains("catena-" + otherModule))
                .collect(Collectors.joining(File.pathSeparator));
    }

    /** Removes a directory and everything below it; a leftover is harmless, so failures are ignored. */
    public static void deleteRecursively(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a leftover temp dir is harmless
        }
    }

    /** Taken once, the first time a classpath is asked for. */
    private static final class Classpath {
        static final List<String> SNAPSHOT = snapshotClasspath();
    }

    /**
     * The test JVM's classpath for the processes, without this module's test classes (its logback-test.xml is the
     * test JVM's) and with Catena's own jars copied once into a temp dir: a {@code mvn install} running meanwhile
     * (another build on the same machine) rewrites them in the local repository, and a JVM that loads a class from
     * a jar being rewritten fails with NoClassDefFoundError.
     */
    private static List<String> snapshotClasspath() {
        List<String> entries = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.endsWith("test-classes"))
                .toList();
        Path copies;
        try {
            copies = Files.createTempDirectory("catena-it-classpath-");
            copies.toFile().deleteOnExit(); // registered first, deleted last: after the jars in it
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> result = new ArrayList<>();
        for (String entry : entries) {
            Path path = Path.of(entry);
            String name = path.getFileName().toString();
            if (name.startsWith("catena-") && name.endsWith(".jar") && Files.isRegularFile(path)) {
                Path copy = copies.resolve(name);
                try {
                    Files.copy(path, copy);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot copy " + path, e);
                }
                copy.toFile().deleteOnExit();
                result.add(copy.toString());
            } else {
                result.add(entry);
            }
        }
        return List.copyOf(result);
    }
}
