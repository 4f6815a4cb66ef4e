package io.catena.node.runtime;

import io.catena.config.NodeSettings;
import io.catena.config.SettingsException;
import io.catena.config.SettingsSource;
import io.catena.node.storage.LmdbStorage;
import io.catena.node.storage.Storage;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
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
        Path file = null;
        Map<String, String> flags = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "'; usage: node [--config FILE]"
                        + " [--<setting> VALUE]...");
            }
            String name = arg.substring(2);
            String value;
            int equals = name.indexOf('=');
            if (equals >= 0) {
                value = name.substring(equals + 1);
                name = name.substring(0, equals);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException("--" + name + " needs a value");
            }
            if (name.equals("config")) {
                file = Path.of(value);
            } else {
                flags.put(name, value);
            }
        }
        SettingsSource source = SettingsSource.load(file, System.getenv(), flags);
        NodeSettings settings = NodeSettings.load(source);
        LogContext.set(settings.id(), settings.configuration().epoch(),
                settings.configuration().roleOf(settings.id()).wireName());
        log.info("effective settings{}: {}", file == null ? "" : " (file " + file + ")", source.effective());
        return settings;
    }

    private static void die(Throwable cause) {
        new Thread(() -> System.exit(70), "catena-exit").start();
    }
}
