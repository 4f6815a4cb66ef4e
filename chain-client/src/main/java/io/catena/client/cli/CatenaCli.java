package io.catena.client.cli;

import io.catena.client.CatenaClient;
import io.catena.client.CatenaException;
import io.catena.config.HostPort;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code catena} command line: {@code put}, {@code get}, {@code del}, {@code scan}, {@code status},
 * {@code watch} and {@code bench}. Exit codes: 0 done, 1 the operation failed (one line on stderr), 2 bad usage
 * (one line on stderr). No stack trace reaches the user.
 */
@Command(name = "catena", mixinStandardHelpOptions = true, version = "catena client 0.1.0",
        description = "Talk to a Catena cluster: writes go to the head, reads to the tail, both found through the"
                + " master (or through --node).",
        subcommands = {PutCommand.class, GetCommand.class, DelCommand.class, ScanCommand.class,
                StatusCommand.class, WatchCommand.class, BenchCommand.class},
        sortOptions = false)
public final class CatenaCli implements Runnable {

    static final int EXIT_FAILURE = 1;
    static final int EXIT_USAGE = 2;

    @Option(names = "--master", scope = ScopeType.INHERIT, paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:7000",
            converter = Converters.HostPortConverter.class,
            description = "the configuration master to discover the chain from (default: ${DEFAULT-VALUE})")
    HostPort master;

    @Option(names = "--node", scope = ScopeType.INHERIT, paramLabel = "HOST:PORT",
            converter = Converters.HostPortConverter.class,
            description = "start from this node instead of the master: requests go to it and follow its 307s")
    HostPort node;

    @Option(names = "--timeout", scope = ScopeType.INHERIT, paramLabel = "DURATION", defaultValue = "15s",
            converter = Converters.DurationConverter.class,
            description = "how long to keep retrying failures that did nothing: 503s, refused connections"
                    + " (default: ${DEFAULT-VALUE})")
    Duration retryTimeout;

    @Option(names = "--request-timeout", scope = ScopeType.INHERIT, paramLabel = "DURATION", defaultValue = "35s",
            converter = Converters.DurationConverter.class,
            description = "how long one request may take; a write that times out has an unknown outcome"
                    + " (default: ${DEFAULT-VALUE})")
    Duration requestTimeout;

    @Spec
    CommandSpec spec;

    private PrintStream out;
    private PrintStream err;

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command line with the given streams and returns its exit code; never calls System.exit. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return commandLine(out, err).execute(args);
    }

    /** The configured picocli command line: its error handlers print one line and choose the exit code. */
    public static CommandLine commandLine(PrintStream out, PrintStream err) {
        CatenaCli cli = new CatenaCli();
        cli.out = out;
        cli.err = err;
        CommandLine commandLine = new CommandLine(cli);
        commandLine.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        commandLine.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setParameterExceptionHandler((e, args) -> {
            String command = e.getCommandLine().getCommandSpec().qualifiedName();
            err.println("catena: " + oneLine(e.getMessage()) + " (see '" + command + " --help')");
            return EXIT_USAGE;
        });
        commandLine.setExecutionExceptionHandler((e, failed, parseResult) -> {
            if (e instanceof IllegalArgumentException) { // the client's own argument checks: an empty key, ...
                err.println("catena: " + oneLine(e.getMessage()) + " (see '"
                        + failed.getCommandSpec().qualifiedName() + " --help')");
                return EXIT_USAGE;
            }
            err.println("catena: " + describe(e));
            return EXIT_FAILURE;
        });
        return commandLine;
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(),
                "a command is needed: put, get, del, scan, status, watch or bench");
    }

    // ------------------------------------------------------------ for the subcommands

    /** A client from the global options: from --node when given, else from --master. */
    CatenaClient client() {
        CatenaClient.Builder builder = CatenaClient.builder().retryTimeout(retryTimeout)
                .requestTimeout(requestTimeout);
        return node != null ? builder.node(node).build() : builder.master(master).build();
    }

    PrintStream out() {
        return out;
    }

    PrintStream err() {
        return err;
    }

    /** One line for a failure: a client failure says what happened; anything else also names its type. */
    static String describe(Throwable failure) {
        if (failure instanceof CatenaException catena) {
            return oneLine(catena.getMessage());
        }
        String message = failure.getMessage();
        return oneLine(failure.getClass().getSimpleName() + (message == null ? "" : ": " + message));
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\s*\\R\\s*", " ").trim();
    }
}
