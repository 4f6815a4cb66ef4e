package io.catena.client.cli;

import io.catena.client.Ack;
import io.catena.client.CatenaClient;
import io.catena.client.WriteOptions;
import io.catena.client.WriteResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code catena put KEY VALUE} or {@code catena put KEY --file FILE}: prints {@code seq=N}. */
@Command(name = "put", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Write a value at the head; prints the write's seq once the chain acknowledged it.")
final class PutCommand implements Callable<Integer> {

    @ParentCommand
    CatenaCli cli;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "KEY", description = "the key (UTF-8, 1..511 bytes)")
    String key;

    @Parameters(index = "1", arity = "0..1", paramLabel = "VALUE", description = "the value, as UTF-8 text")
    String value;

    @Option(names = "--file", paramLabel = "FILE", description = "read the value's bytes from FILE instead")
    Path file;

    @Option(names = "--ack", paramLabel = "all|head|N", converter = Converters.AckConverter.class,
            description = "answer once the tail (all, the default), the head, or N nodes have the write")
    Ack ack;

    @Option(names = "--if-match", paramLabel = "SEQ", description = "write only if the key's value has this seq")
    Long ifMatch;

    @Option(names = "--if-absent", description = "write only if the key has no value (If-None-Match: *)")
    boolean ifAbsent;

    @Override
    public Integer call() {
        byte[] bytes = valueBytes();
        WriteOptions options = KvOptions.write(spec, ack, ifMatch, ifAbsent);
        CatenaClient client = cli.client();
        WriteResult result = client.put(key, bytes, options);
        cli.out().println(KvOptions.describe(result));
        return 0;
    }

    private byte[] valueBytes() {
        if ((value == null) == (file == null)) {
            throw new ParameterException(spec.commandLine(), "give either VALUE or --file FILE");
        }
        if (value != null) {
            return value.getBytes(StandardCharsets.UTF_8);
        }
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), "cannot read --file " + file + ": " + e);
        }
    }
}
