package io.catena.client.cli;

import io.catena.client.CatenaClient;
import io.catena.client.ChainView;
import io.catena.client.UnavailableException;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code catena watch}: asks the master for the chain every --interval and prints one line each time the epoch
 * changes, until Ctrl-C (or --count lines). A master that stops answering is reported once and watched for.
 */
@Command(name = "watch", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Print the chain each time its epoch changes, until Ctrl-C.")
final class WatchCommand implements Callable<Integer> {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    @ParentCommand
    CatenaCli cli;

    @Spec
    CommandSpec spec;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "500ms",
            converter = Converters.DurationConverter.class,
            description = "how often to ask the master (default: ${DEFAULT-VALUE})")
    Duration interval;

    @Option(names = "--count", paramLabel = "N", description = "stop after printing N configurations")
    Integer count;

    @Override
    public Integer call() throws InterruptedException {
        if (interval.toMillis() < 10 || count != null && count < 1) {
            throw new ParameterException(spec.commandLine(), "--interval is at least 10ms and --count at least 1");
        }
        if (cli.node != null) {
            throw new ParameterException(spec.commandLine(), "watch asks the master; use --master, not --node");
        }
        CatenaClient client = cli.client();
        long shownEpoch = -1;
        int shown = 0;
        boolean masterLost = false;
        ChainView view = client.chain(); // the first ask fails the command when the master is unreachable
        while (true) {
            if (view != null && view.epoch() != shownEpoch) {
                cli.out().println(LocalTime.now().format(TIME) + "  " + ChainTable.line(view));
                cli.out().flush();
                shownEpoch = view.epoch();
                if (count != null && ++shown >= count) {
                    return 0;
                }
            }
            Thread.sleep(interval.toMillis());
            try {
                view = client.chain();
                if (masterLost) {
                    cli.err().println("catena: the master at " + cli.master + " answers again");
                    masterLost = false;
                }
            } catch (UnavailableException e) {
                if (!masterLost) {
                    cli.err().println("catena: " + e.getMessage() + "; still watching");
                    masterLost = true;
                }
                view = null;
            }
        }
    }
}
