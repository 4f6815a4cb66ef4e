package io.catena.master.runtime;

import io.catena.config.CommandLine;
import io.catena.config.LogFormat;
import io.catena.config.HostPort;
import io.catena.config.MasterSettings;
import io.catena.config.SettingsException;
import io.catena.config.SettingsSource;
import io.catena.master.store.ConfigurationStore;
import io.catena.membership.HazelcastMembership;
import io.catena.membership.MemberInfo;
import io.catena.membership.Membership;
import io.catena.membership.MembershipSettings;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the configuration master: {@code MasterMain [--config FILE] [--<setting> VALUE]...}. Settings come from
 * the file, then {@code CATENA_*} environment variables, then flags (see MasterSettings). Exits 2 on invalid
 * settings, 70 when the master cannot start or cannot persist.
 */
public final class MasterMain {

    private static final Logger log = LoggerFactory.getLogger(MasterMain.class);

    private MasterMain() {
    }

    public static void main(String[] args) {
        MasterSettings settings;
        Membership membership;
        try {
            settings = parse(args);
            membership = new HazelcastMembership(membershipSettings(settings),
                    MemberInfo.master(settings.id(), settings.http().toString()));
        } catch (SettingsException e) {
            System.err.println("catena master: invalid settings: " + String.join("; ", e.problems()));
            System.exit(2);
            return;
        } catch (IllegalArgumentException e) {
            System.err.println("catena master: " + e.getMessage());
            System.exit(2);
            return;
        }
        Vertx vertx = Vertx.vertx();
        MasterRuntime runtime = new MasterRuntime(settings, new ConfigurationStore(settings.dataDir()), membership,
                MasterMain::die);
        vertx.deployVerticle(runtime).onFailure(e -> {
            log.error("master {} failed to start: {}", settings.id(), e.getMessage(), e);
            die(e);
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("master {} stopping", settings.id());
            try {
                vertx.close().await();
            } catch (Exception e) {
                log.warn("closing Vert.x failed: {}", e.toString());
            } finally {
                membership.close();
            }
        }, "catena-shutdown"));
    }

    static MasterSettings parse(String[] args) {
        CommandLine commandLine = CommandLine.parse("master", args);
        SettingsSource source = commandLine.source(System.getenv());
        LogFormat logFormat = LogFormat.load(source);
        MasterSettings settings = MasterSettings.load(source); // also reports an invalid logFormat
        logFormat.apply();
        LogContext.set(settings.id(), 0);
        log.info("effective settings{}: {}", commandLine.configFile() == null ? ""
                : " (file " + commandLine.configFile() + ")", source.effective());
        return settings;
    }

    /** The master joins as a full member; it announces its id and HTTP address to the nodes. */
    static MembershipSettings membershipSettings(MasterSettings settings) {
        return new MembershipSettings(settings.clusterName(), settings.hazelcastBind().toString(),
                settings.hazelcastSeeds().stream().map(HostPort::toString).toList(),
                settings.heartbeatIntervalSeconds(), settings.maxNoHeartbeatSeconds(), false,
                MembershipSettings.DEFAULT_MERGE_INTERVAL_SECONDS);
    }

    private static void die(Throwable cause) {
        new Thread(() -> System.exit(70), "catena-exit").start();
    }
}
