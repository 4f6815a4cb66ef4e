package io.catena.client.cli;

import io.catena.client.CatenaClient;
import io.catena.client.ScanPage;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code catena scan}: one {@code KEY<TAB>VALUE} line per pair, in key order, paging through the tail. */
@Command(name = "scan", mixinStandardHelpOptions = true, sortOptions = false,
        description = "List committed pairs in key order at the tail: KEY<TAB>VALUE per line (values as UTF-8).")
final class ScanCommand implements Callable<Integer> {

    /** What one page asks for; the node caps it at its scanLimitMax (1000 by default). */
    static final int PAGE_LIMIT = 1_000;

    @ParentCommand
    CatenaCli cli;

    @Spec
    CommandSpec spec;

    @Option(names = "--prefix", paramLabel = "P", description = "only keys starting with P")
    String prefix;

    @Option(names = "--after", paramLabel = "KEY", description = "only keys after KEY (to resume a listing)")
    String after;

    @Option(names = "--limit", paramLabel = "N", description = "print at most N pairs (default: all)")
    Integer limit;

    @Option(names = "--keys-only", description = "print keys only")
    boolean keysOnly;

    @Option(names = "--seq", description = "print KEY<TAB>SEQ<TAB>VALUE")
    boolean seq;

    @Override
    public Integer call() {
        if (limit != null && limit < 1) {
            throw new ParameterException(spec.commandLine(), "--limit takes N >= 1, not " + limit);
        }
        CatenaClient client = cli.client();
        String from = after;
        long printed = 0;
        while (limit == null || printed < limit) {
            int pageLimit = limit == null ? PAGE_LIMIT : (int) Math.min(PAGE_LIMIT, limit - printed);
            ScanPage page = client.scan(prefix, from, pageLimit, !keysOnly);
            for (ScanPage.Item item : page.items()) {
                cli.out().println(line(item));
            }
            printed += page.items().size();
            if (page.next() == null || page.items().isEmpty()) {
                break;
            }
            from = page.next();
        }
        cli.out().flush();
        return 0;
    }

    private String line(ScanPage.Item item) {
        StringBuilder line = new StringBuilder(item.key());
        if (seq) {
            line.append('\t').append(item.seq());
        }
        if (!keysOnly) {
            line.append('\t').append(new String(item.value(), StandardCharsets.UTF_8));
        }
        return line.toString();
    }
}
