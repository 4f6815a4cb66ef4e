package io.catena.client.cli;

import io.catena.client.Consistency;
import io.catena.client.ReadOptions;
import io.catena.client.Value;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code catena get KEY}: prints the value (and a newline unless --raw); exit 1 when the key has none. */
@Command(name = "get", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Read a key's value at the tail (or, with --consistency, at any node of the chain).")
final class GetCommand implements Callable<Integer> {

    @ParentCommand
    CatenaCli cli;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "KEY", description = "the key")
    String key;

    @Option(names = "--consistency", paramLabel = "tail|strong|any", defaultValue = "tail",
            description = "tail (default): read at the tail; strong: committed value at any node (the --node one"
                    + " when given); any: what the node has applied, at least --min-seq")
    Consistency consistency;

    @Option(names = "--min-seq", paramLabel = "SEQ", description = "with --consistency any: at least this seq")
    Long minSeq;

    @Option(names = "--raw", description = "print the value's bytes only, without a newline after them")
    boolean raw;

    @Option(names = "--seq", description = "print seq=N (the write that produced the value) after the value")
    boolean seq;

    @Override
    public Integer call() {
        if (minSeq != null && (consistency != Consistency.ANY || minSeq < 0)) {
            throw new ParameterException(spec.commandLine(), "--min-seq takes a seq >= 0 and --consistency any");
        }
        Optional<Value> value = cli.client().get(key, new ReadOptions(consistency, minSeq, null));
        if (value.isEmpty()) {
            cli.err().println("catena: no value for key '" + key + "'");
            return CatenaCli.EXIT_FAILURE;
        }
        cli.out().write(value.get().bytes(), 0, value.get().bytes().length);
        if (!raw) {
            cli.out().println();
        }
        if (seq) {
            cli.out().println("seq=" + value.get().seq());
        }
        cli.out().flush();
        return 0;
    }
}
