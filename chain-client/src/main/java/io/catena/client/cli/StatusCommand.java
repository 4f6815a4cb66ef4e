package io.catena.client.cli;

import io.catena.client.CatenaClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code catena status}: the master's view of the chain as a table; with --node, that node's own status. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show the master's view of the chain: epoch, each node's role, address, liveness, seqs,"
                + " lag and lease. With --node, show that node's own status instead.")
final class StatusCommand implements Callable<Integer> {

    @ParentCommand
    CatenaCli cli;

    @Override
    public Integer call() {
        CatenaClient client = cli.client();
        if (cli.node != null) {
            cli.out().println(ChainTable.node(client.status(cli.node)));
        } else {
            cli.out().print(ChainTable.table(client.chain()));
        }
        cli.out().flush();
        return 0;
    }
}
