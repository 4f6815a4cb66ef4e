package io.catena.client.cli;

import io.catena.client.Ack;
import io.catena.client.WriteResult;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code catena del KEY}: prints {@code seq=N} (a delete of a key without a value is a write too). */
@Command(name = "del", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Delete a key at the head; prints the delete's seq once the chain acknowledged it.")
final class DelCommand implements Callable<Integer> {

    @ParentCommand
    CatenaCli cli;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "KEY", description = "the key")
    String key;

    @Option(names = "--ack", paramLabel = "all|head|N", converter = Converters.AckConverter.class,
            description = "answer once the tail (all, the default), the head, or N nodes have the delete")
    Ack ack;

    @Option(names = "--if-match", paramLabel = "SEQ", description = "delete only if the key's value has this seq")
    Long ifMatch;

    @Override
    public Integer call() {
        WriteResult result = cli.client().delete(key, KvOptions.write(spec, ack, ifMatch, false));
        cli.out().println(KvOptions.describe(result));
        return 0;
    }
}
