package io.catena.client.cli;

import io.catena.client.Ack;
import io.catena.client.CatenaClient;
import io.catena.client.ChainView;
import io.catena.client.Consistency;
import io.catena.client.bench.BenchConfig;
import io.catena.client.bench.BenchResult;
import io.catena.client.bench.HttpOperations;
import io.catena.client.bench.LoadGenerator;
import io.catena.config.HostPort;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code catena bench}: the load generator (docs/client.md, "catena bench"). */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Load the chain with reads and writes, closed loop or open loop at a fixed rate, and print"
                + " ops/s, latency percentiles (HdrHistogram) and errors.")
final class BenchCommand implements Callable<Integer> {

    @ParentCommand
    CatenaCli cli;

    @Spec
    CommandSpec spec;

    @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "10s",
            converter = Converters.DurationConverter.class, description = "measured time (default: ${DEFAULT-VALUE})")
    Duration duration;

    @Option(names = "--warmup", paramLabel = "DURATION", defaultValue = "2s",
            converter = Converters.DurationConverter.class,
            description = "load before measuring, not counted (default: ${DEFAULT-VALUE})")
    Duration warmup;

    @Option(names = "--connections", paramLabel = "N", defaultValue = "16",
            description = "requests outstanding at once, one per connection (default: ${DEFAULT-VALUE})")
    int connections;

    @Option(names = "--rate", paramLabel = "OPS_PER_SEC",
            description = "open loop: this many requests per second in all, latency from each one's intended start;"
                    + " without it, closed loop")
    Double rate;

    @Option(names = "--keys", paramLabel = "N", defaultValue = "10000",
            description = "key space: keys <prefix>0 .. <prefix>N-1, chosen uniformly (default: ${DEFAULT-VALUE})")
    int keys;

    @Option(names = "--key-prefix", paramLabel = "P", defaultValue = "bench-",
            description = "prefix of the keys (default: ${DEFAULT-VALUE})")
    String keyPrefix;

    @Option(names = "--value-bytes", paramLabel = "N", defaultValue = "100",
            description = "size of each written value (default: ${DEFAULT-VALUE})")
    int valueBytes;

    @Option(names = "--read-ratio", paramLabel = "R", defaultValue = "0.5",
            description = "share of reads, 0..1 (default: ${DEFAULT-VALUE})")
    double readRatio;

    @Option(names = "--ack", paramLabel = "all|head|N", converter = Converters.AckConverter.class,
            description = "writes' ack level (default: the node's, all)")
    Ack ack;

    @Option(names = "--consistency", paramLabel = "tail|strong|any", defaultValue = "tail",
            description = "reads' consistency (default: ${DEFAULT-VALUE})")
    Consistency consistency;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the results as JSON to FILE")
    Path json;

    @Override
    public Integer call() throws InterruptedException, IOException {
        BenchConfig config = config();
        CatenaClient client = cli.client();
        // fail at once, in one line, when there is nothing to load
        HostPort writeTarget;
        HostPort readTarget;
        if (cli.node != null) {
            client.status(cli.node);
            writeTarget = cli.node;
            readTarget = cli.node;
        } else {
            ChainView view = client.chain();
            writeTarget = view.head();
            readTarget = config.consistency() == Consistency.TAIL ? view.tail() : view.head();
        }
        cli.err().println("catena bench: running " + format(warmup) + " warmup + " + format(duration) + " ...");
        BenchResult result;
        try (HttpOperations operations = new HttpOperations(writeTarget, readTarget, config,
                cli.requestTimeout.toMillis())) {
            result = new LoadGenerator(operations, config).run();
        }
        cli.out().print(result.text());
        cli.out().flush();
        if (json != null) {
            Files.writeString(json, result.json().encodePrettily() + "\n", StandardCharsets.UTF_8);
        }
        return 0;
    }

    private BenchConfig config() {
        if (rate != null && !(rate > 0)) {
            throw new ParameterException(spec.commandLine(), "--rate must be > 0 ops/s, not " + rate);
        }
        try {
            return new BenchConfig(duration, warmup, connections, rate == null ? 0 : rate, keys, valueBytes,
                    readRatio, ack, consistency, keyPrefix);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private static String format(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }
}
