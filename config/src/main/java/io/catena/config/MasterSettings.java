package io.catena.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything the configuration master runs with. Every field has a documented default and a checked range; units
 * go last in names. Load with {@link #load(SettingsSource)}, which reports every invalid value at once.
 *
 * <p>The master serves its HTTP API on {@code http} (nodes report there, operators read {@code GET /chain}),
 * joins the membership cluster as a full member on {@code hazelcastBind}, and keeps its last configuration in
 * {@code dataDir}. The lease rules (DESIGN.md §4): a node in the chain holds a lease of {@code leaseMs} from each
 * report; the master removes it only {@code leaseMs + leaseMarginMs} after the last lease it granted; a node silent
 * for {@code reportTimeoutMs} is suspected, which must come before its lease runs out.
 *
 * @param id                       this master's stable id (key {@code id}; default {@code m1})
 * @param http                     where the HTTP API listens and the address nodes report to; also the local
 *                                 address of the master's outgoing pushes (required; the demo uses
 *                                 {@code 127.0.0.1:7000})
 * @param hazelcastBind            where this master's membership endpoint listens, an IPv4 {@code ip:port}
 *                                 (required)
 * @param hazelcastSeeds           membership addresses to join through (default: {@code hazelcastBind})
 * @param clusterName              membership cluster name (default {@code catena})
 * @param dataDir                  where the last configuration is kept (default {@code master-data/<id>})
 * @param chainLengthMin           live nodes needed before the first configuration (epoch 1) is formed
 *                                 (default 3, 1..64)
 * @param leaseMs                  lease granted to a chain node per report, milliseconds (default 2 000)
 * @param leaseMarginMs            extra wait past a lease's end before the master acts on it, milliseconds
 *                                 (default 250): clock-rate drift and scheduling delays
 * @param reportTimeoutMs          a node with no report for this long is suspected, milliseconds (default 1 000;
 *                                 less than {@code leaseMs})
 * @param tickIntervalMs           period of the coordinator's timer input, milliseconds (default 100)
 * @param pushTimeoutMs            how long a configuration push to one node may take, milliseconds
 *                                 (default 1 000)
 * @param heartbeatIntervalSeconds membership heartbeat period, seconds (default 1; the same on every member)
 * @param maxNoHeartbeatSeconds    a member silent this long leaves the membership view, seconds (default 3; at
 *                                 least two heartbeat intervals; the same on every member)
 * @param promoteLagEntriesMax     a learner is promoted into the chain (appended as the new tail) only once its
 *                                 appliedSeq is at most this many entries behind the tail's committedSeq
 *                                 (default 1 000, 0..1 000 000 000; docs/master.md, "Learners"): the smaller, the
 *                                 shorter the new tail's catch-up inside the chain, during which it serves no
 *                                 strong read
 * @param masters                  the HTTP addresses of every master of the group, this one's {@code http}
 *                                 included (default: just {@code http}, a lone master); an odd number (1, 3, 5).
 *                                 A configuration counts only once a majority of them has durably accepted it
 *                                 (docs/master.md, "Several masters")
 * @param masterProbeIntervalMs    how often the leading master re-confirms its ballot with the others,
 *                                 milliseconds (default 100)
 * @param masterConfirmMs          a leading master grants leases only within this long of a probe a majority
 *                                 answered; a new leader waits it out on top of one lease before its first change,
 *                                 milliseconds (default 500; more than {@code masterProbeIntervalMs})
 * @param masterBackoffMs          a master refused by a higher ballot waits this long before it tries to lead
 *                                 again, milliseconds (default 2 000)
 */
public record MasterSettings(
        String id,
        HostPort http,
        HostPort hazelcastBind,
        List<HostPort> hazelcastSeeds,
        String clusterName,
        Path dataDir,
        int chainLengthMin,
        long leaseMs,
        long leaseMarginMs,
        long reportTimeoutMs,
        long tickIntervalMs,
        long pushTimeoutMs,
        int heartbeatIntervalSeconds,
        int maxNoHeartbeatSeconds,
        long promoteLagEntriesMax,
        List<HostPort> masters,
        long masterProbeIntervalMs,
        long masterConfirmMs,
        long masterBackoffMs) {

    public static final String DEFAULT_ID = "m1";
    public static final long PROMOTE_LAG_ENTRIES_MAX_DEFAULT = 1_000;
    public static final int CHAIN_LENGTH_MIN_MAX = 64;

    public MasterSettings {
        hazelcastSeeds = List.copyOf(hazelcastSeeds);
        masters = List.copyOf(masters);
    }

    /** Whether this master is alone, its own majority (the default). */
    public boolean alone() {
        return masters.size() == 1;
    }

    public static MasterSettings load(SettingsSource source) {
        String id = source.string("id", DEFAULT_ID);
        if (!NodeIds.isValid(id)) {
            source.error("id: invalid master id '" + id + "': " + NodeIds.RULE);
        }
        HostPort http = required(source, "http", "this master's HTTP API, e.g. 127.0.0.1:7000");
        HostPort hazelcastBind = required(source, "hazelcastBind", "this master's membership endpoint, e.g."
                + " 127.0.0.1:5701");
        List<HostPort> seeds = source.hostPorts("hazelcastSeeds",
                hazelcastBind == null ? List.of() : List.of(hazelcastBind));
        String clusterName = source.string("clusterName", "catena");
        if (clusterName.isBlank()) {
            source.error("clusterName must not be blank");
        }
        Path dataDir = Path.of(source.string("dataDir", "master-data/" + id));
        int chainLengthMin = source.intValue("chainLengthMin", 3, 1, CHAIN_LENGTH_MIN_MAX);
        long leaseMs = source.longValue("leaseMs", 2_000, 1, 600_000);
        long leaseMarginMs = source.longValue("leaseMarginMs", 250, 0, 600_000);
        long reportTimeoutMs = source.longValue("reportTimeoutMs", 1_000, 1, 600_000);
        long tickIntervalMs = source.longValue("tickIntervalMs", 100, 1, 10_000);
        long pushTimeoutMs = source.longValue("pushTimeoutMs", 1_000, 1, 600_000);
        int heartbeatIntervalSeconds = source.intValue("heartbeatIntervalSeconds", 1, 1, 600);
        int maxNoHeartbeatSeconds = source.intValue("maxNoHeartbeatSeconds", 3, 2, 3_600);
        long promoteLagEntriesMax = source.longValue("promoteLagEntriesMax", PROMOTE_LAG_ENTRIES_MAX_DEFAULT, 0,
                1_000_000_000);
        List<HostPort> masters = source.hostPorts("masters", http == null ? List.of() : List.of(http));
        if (http != null && !masters.contains(http)) {
            source.error("masters (" + masters + ") must include this master's own http address " + http);
        }
        if (http != null && (masters.size() % 2 == 0 || masters.stream().distinct().count() != masters.size())) {
            source.error("masters must list an odd number (1, 3, 5...) of distinct addresses, got " + masters
                    + ": a majority of an even group tolerates no more failures than the group one smaller");
        }
        long masterProbeIntervalMs = source.longValue("masterProbeIntervalMs", 100, 1, 60_000);
        long masterConfirmMs = source.longValue("masterConfirmMs", 500, 2, 600_000);
        long masterBackoffMs = source.longValue("masterBackoffMs", 2_000, 0, 600_000);
        if (masterConfirmMs <= masterProbeIntervalMs) {
            source.error("masterConfirmMs (" + masterConfirmMs + ") must be more than masterProbeIntervalMs ("
                    + masterProbeIntervalMs + "): a leader re-confirms itself before its confirmation lapses");
        }
        if (tickIntervalMs * 2 > reportTimeoutMs) {
            // the coordinator takes a gap between decisions longer than reportTimeoutMs for a stop of its own
            source.error("tickIntervalMs (" + tickIntervalMs + ") must be at most half of reportTimeoutMs ("
                    + reportTimeoutMs + ")");
        }
        if (reportTimeoutMs >= leaseMs) {
            source.error("reportTimeoutMs (" + reportTimeoutMs + ") must be less than leaseMs (" + leaseMs
                    + "): a silent node must be suspected before its lease runs out");
        }
        if (maxNoHeartbeatSeconds < 2 * heartbeatIntervalSeconds) {
            source.error("maxNoHeartbeatSeconds (" + maxNoHeartbeatSeconds + ") must be at least two heartbeat"
                    + " intervals (" + 2 * heartbeatIntervalSeconds + "), or one late heartbeat removes a live"
                    + " member");
        }
        source.throwIfInvalid();
        return new MasterSettings(id, http, hazelcastBind, seeds, clusterName, dataDir, chainLengthMin, leaseMs,
                leaseMarginMs, reportTimeoutMs, tickIntervalMs, pushTimeoutMs, heartbeatIntervalSeconds,
                maxNoHeartbeatSeconds, promoteLagEntriesMax, masters, masterProbeIntervalMs, masterConfirmMs,
                masterBackoffMs);
    }

    public static MasterSettings load(Path file, Map<String, String> env, Map<String, String> overrides) {
        return load(SettingsSource.load(file, env, overrides));
    }

    private static HostPort required(SettingsSource source, String key, String what) {
        if (source.raw(key).filter(value -> !value.isEmpty()).isEmpty()) {
            source.error(key + " is required: " + what + " (set it in the settings file, as "
                    + SettingsSource.envName(key) + " or as --" + key + ")");
            return null;
        }
        return source.hostPort(key, null);
    }
}
