package io.catena.node.runtime;

import io.catena.config.CommandLine;
import io.catena.config.LogFormat;
import io.catena.config.NodeSettings;
import io.catena.config.SettingsException;
import io.catena.config.SettingsSource;
import io.catena.node.storage.LmdbStorage;
import io.catena.node.storage.Storage;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts one storage node: {@code NodeMain [--config FILE] [--<setting> VALUE]...}. Settings come from the file,
 * then {@code CATENA_*} environment variables, then flags (see NodeSettings). Exits 2 on invalid settings.
 */
public final class NodeMain {

    private static final Logger log = LoggerFactory.getLogger(NodeMain.class);

    private NodeMain() {
    }

    public static void main(String[] args) {
        NodeSettings settings;
        try {
            settings = parse(args);
        } catch (SettingsException | IllegalArgumentException e) {
            System.err.println("catena node: " + e.getMessage());
            System.exit(2);
            return;
        }
        Storage storage = LmdbStorage.open(settings.dataDir(), settings.id(), settings.syncPolicy(),
                settings.lmdbMapBytes(), settings.batchEntriesMax(), settings.batchBytesMax());
        Vertx vertx = Vertx.vertx();
        NodeRuntime runtime = new NodeRuntime(settings, storage, NodeMain::die);
        vertx.deployVerticle(runtime).onFailure(e -> {
            log.error("node {} failed to start", settings.id(), e);
            die(e);
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("node {} stopping", settings.id());
            try {
                vertx.close().await();
            } catch (Exception e) {
                storage.close();
            }
        }, "catena-shutdown"));
    }

    static NodeSettings parse(String[] args) {
        CommandLine commandLine = CommandLine.parse("node", args);
        SettingsSource source = commandLine.source(System.getenv());
        LogFormat logFormat = LogFormat.load(source);
        NodeSettings settings = NodeSettings.load(source); // also reports an invalid logFormat
        logFormat.apply();
        LogContext.set(settings.id(), settings.configuration().epoch(),
                settings.configuration().roleOf(settings.id()).wireName());
        log.info("effective settings{}: {}", commandLine.configFile() == null ? ""
                : " (file " + commandLine.configFile() + ")", source.effective());
        return settings;
    }

    private static void die(Throwable cause) {
        new Thread(() -> System.exit(70), "catena-exit").start();
    }
}
