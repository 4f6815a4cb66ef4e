package io.catena.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Everything a storage node runs with. Every field has a documented default and a checked range; units go last
 * in names. Load with {@link #load(SettingsSource)}, which reports every invalid value at once.
 *
 * <p>Two control planes. With a master (the default): the node's own addresses are {@code http} and
 * {@code replication}, it joins the membership cluster ({@code hazelcastBind}, {@code hazelcastSeeds}) and reports
 * to the master ({@code masterHttp}), which gives it its configuration and lease. Static (for tests and
 * experiments, when {@code chain} is set): {@code epoch} and the ordered {@code chain} of node ids, each with
 * {@code node.<id>.http} and {@code node.<id>.replication}; no master, no failover, leases never expire.
 *
 * @param id                       this node's stable id (key {@code id})
 * @param self                     this node's descriptor (its id and addresses)
 * @param configuration            the static configuration, or {@link ChainConfiguration#NONE} under a master
 * @param masterHttp               the master's HTTP address to report to at first (null when static); the
 *                                 membership view's active master takes over once known
 * @param reportIntervalMs         period of reports to the master (default 200)
 * @param clusterName              membership cluster name (default {@code catena})
 * @param hazelcastBind            where this node's membership endpoint listens (null when static)
 * @param hazelcastSeeds           membership addresses to join through (default: {@code hazelcastBind})
 * @param httpBind                 where the HTTP API listens (default: this node's {@code http} address)
 * @param replicationBind          where the replication listener binds (default: this node's replication
 *                                 address); differs only when a proxy stands in front of the node
 * @param dataDir                  the LMDB environment's directory (default {@code data/<id>})
 * @param syncPolicy               {@code sync} (fsync per batch, default) or {@code none}
 * @param valueBytesMax            largest value accepted, bytes (default 1 MiB)
 * @param writeTimeoutMs           how long a client write waits for its commit before the client is told the
 *                                 outcome is unknown (default 30 000)
 * @param pendingWritesMax         writes the head holds uncommitted before it answers 503 (default 65 536)
 * @param batchEntriesMax          entries per storage transaction at most (default 4 096)
 * @param batchBytesMax            bytes per storage transaction at most (default 16 MiB)
 * @param replicationWindowEntries entries sent to a successor beyond what it has made durable (default 16 384)
 * @param frameBytesMax            largest replication frame, bytes (default 4 MiB; at least valueBytesMax + 4 KiB)
 * @param lmdbMapBytes             LMDB map size, bytes: the most the environment can hold (default 8 GiB)
 * @param tickIntervalMs           period of the replica's timer input (default 50)
 * @param reconnectDelayMs         pause between attempts to reach the successor (default 100)
 * @param scanLimitMax             most pairs one {@code GET /kv} scan returns (default 1 000)
 * @param minSeqWaitMs             how long a {@code consistency=any&min_seq=S} read waits for this node to commit
 *                                 through S before answering 503 (default 1 000)
 * @param ackDefault               the ack level of writes that name none: {@code all} (default), {@code head} or
 *                                 a node count
 * @param logRetentionEntries      committed entries kept in the log behind the commit point for a successor to
 *                                 catch up from (default 100 000); older ones are compacted, and a successor
 *                                 further behind gets a snapshot of the data
 * @param snapshotChunkBytes       bytes of keys and values per snapshot chunk at most (a single larger pair
 *                                 travels alone; default 1 MiB; at most frameBytesMax - 4 KiB)
 */
public record NodeSettings(
        String id,
        NodeDescriptor self,
        ChainConfiguration configuration,
        HostPort masterHttp,
        long reportIntervalMs,
        String clusterName,
        HostPort hazelcastBind,
        List<HostPort> hazelcastSeeds,
        HostPort httpBind,
        HostPort replicationBind,
        Path dataDir,
        SyncPolicy syncPolicy,
        int valueBytesMax,
        long writeTimeoutMs,
        int pendingWritesMax,
        int batchEntriesMax,
        long batchBytesMax,
        int replicationWindowEntries,
        int frameBytesMax,
        long lmdbMapBytes,
        long tickIntervalMs,
        long reconnectDelayMs,
        int scanLimitMax,
        long minSeqWaitMs,
        String ackDefault,
        long logRetentionEntries,
        int snapshotChunkBytes) {

    public static final int KEY_BYTES_MAX = 511;
    private static final long MIB = 1L << 20;

    public static NodeSettings load(SettingsSource source) {
        String id = source.requiredString("id");
        if (!id.isEmpty() && !NodeIds.isValid(id)) {
            source.error("id: invalid node id '" + id + "': " + NodeIds.RULE);
        }
        boolean isStatic = !source.list("chain").isEmpty();
        ChainConfiguration configuration;
        NodeDescriptor self;
        HostPort masterHttp = null;
        HostPort hazelcastBind = null;
        List<HostPort> seeds = List.of();
        if (isStatic) {
            configuration = staticConfiguration(source, source.longValue("epoch", 1, 1, Long.MAX_VALUE));
            self = configuration == null ? null : configuration.node(id).orElse(null);
            if (configuration != null && self == null && !id.isEmpty()) {
                source.error("id '" + id + "' is not in chain " + ids(configuration));
            }
        } else {
            configuration = ChainConfiguration.NONE;
            self = selfUnderMaster(source, id);
            masterHttp = source.hostPort("masterHttp", null);
            hazelcastBind = source.hostPort("hazelcastBind", null);
            if (masterHttp == null || hazelcastBind == null) {
                source.error("masterHttp and hazelcastBind are required when no static chain is set");
            }
            seeds = source.hostPorts("hazelcastSeeds", hazelcastBind == null ? List.of() : List.of(hazelcastBind));
        }
        long reportIntervalMs = source.longValue("reportIntervalMs", 200, 10, 60_000);
        String clusterName = source.string("clusterName", "catena");
        HostPort httpBind = source.hostPort("httpBind", self == null ? null : self.http());
        HostPort replicationBind = source.hostPort("replicationBind", self == null ? null : self.replication());
        Path dataDir = Path.of(source.string("dataDir", "data/" + id));
        SyncPolicy syncPolicy = source.enumValue("syncPolicy", SyncPolicy.SYNC);
        int valueBytesMax = source.intValue("valueBytesMax", (int) MIB, 0, 64 * (int) MIB);
        long writeTimeoutMs = source.longValue("writeTimeoutMs", 30_000, 1, 3_600_000);
        int pendingWritesMax = source.intValue("pendingWritesMax", 65_536, 1, 16_777_216);
        int batchEntriesMax = source.intValue("batchEntriesMax", 4_096, 1, 1_000_000);
        long batchBytesMax = source.longValue("batchBytesMax", 16 * MIB, 1, 1024 * MIB);
        int windowEntries = source.intValue("replicationWindowEntries", 16_384, 1, 16_777_216);
        int frameBytesMax = source.intValue("frameBytesMax", 4 * (int) MIB, 64 * 1024, 256 * (int) MIB);
        long lmdbMapBytes = source.longValue("lmdbMapBytes", 8192 * MIB, 16 * MIB, 1L << 44);
        long tickIntervalMs = source.longValue("tickIntervalMs", 50, 1, 10_000);
        long reconnectDelayMs = source.longValue("reconnectDelayMs", 100, 1, 60_000);
        int scanLimitMax = source.intValue("scanLimitMax", 1_000, 1, 100_000);
        long minSeqWaitMs = source.longValue("minSeqWaitMs", 1_000, 0, 60_000);
        String ackDefault = source.string("ackDefault", "all");
        long logRetentionEntries = source.longValue("logRetentionEntries", 100_000, 1, Long.MAX_VALUE / 4);
        int snapshotChunkBytes = source.intValue("snapshotChunkBytes", Math.min((int) MIB, frameBytesMax - 4096), 1024,
                64 * (int) MIB);
        if (!ackDefault.matches("all|head|[1-9][0-9]{0,8}")) {
            source.error("ackDefault: must be all, head or a node count >= 1, got '" + ackDefault + "'");
        }
        if ((long) frameBytesMax < (long) valueBytesMax + 4096) {
            source.error("frameBytesMax (" + frameBytesMax + ") must be at least valueBytesMax + 4096 ("
                    + ((long) valueBytesMax + 4096) + ") so that any accepted value can be replicated");
        }
        if ((long) snapshotChunkBytes > (long) frameBytesMax - 4096) {
            source.error("snapshotChunkBytes (" + snapshotChunkBytes + ") must be at most frameBytesMax - 4096 ("
                    + ((long) frameBytesMax - 4096) + ") so that a chunk fits in one frame");
        }
        source.throwIfInvalid();
        return new NodeSettings(id, self, configuration, masterHttp, reportIntervalMs, clusterName, hazelcastBind,
                seeds, httpBind, replicationBind, dataDir, syncPolicy, valueBytesMax,
                writeTimeoutMs, pendingWritesMax, batchEntriesMax, batchBytesMax, windowEntries, frameBytesMax,
                lmdbMapBytes, tickIntervalMs, reconnectDelayMs, scanLimitMax, minSeqWaitMs, ackDefault,
                logRetentionEntries, snapshotChunkBytes);
    }

    public static NodeSettings load(Path file, Map<String, String> env, Map<String, String> overrides) {
        return load(SettingsSource.load(file, env, overrides));
    }

    /** Whether the chain comes from the settings file (no master, no failover). */
    public boolean isStatic() {
        return masterHttp == null;
    }

    private static NodeDescriptor selfUnderMaster(SettingsSource source, String id) {
        HostPort http = source.hostPort("http", null);
        HostPort replication = source.hostPort("replication", null);
        if (http == null || replication == null) {
            source.error("http and replication (this node's addresses) are required when no static chain is set");
            return null;
        }
        return NodeIds.isValid(id) ? new NodeDescriptor(id, http, replication) : null;
    }

    private static ChainConfiguration staticConfiguration(SettingsSource source, long epoch) {
        List<String> chainIds = source.list("chain");
        if (chainIds.isEmpty()) {
            source.error("chain is required: the ordered node ids, head first (e.g. chain=n1,n2,n3)");
            return null;
        }
        List<NodeDescriptor> chain = new ArrayList<>();
        for (String nodeId : chainIds) {
            if (!NodeIds.isValid(nodeId)) {
                source.error("chain: invalid node id '" + nodeId + "': " + NodeIds.RULE);
                continue;
            }
            HostPort http = source.hostPort("node." + nodeId + ".http", null);
            HostPort replication = source.hostPort("node." + nodeId + ".replication", null);
            if (http == null || replication == null) {
                source.error("node." + nodeId + ".http and node." + nodeId + ".replication are required");
                continue;
            }
            chain.add(new NodeDescriptor(nodeId, http, replication));
        }
        if (chain.size() != chainIds.size()) {
            return null;
        }
        try {
            return ChainConfiguration.of(epoch, chain);
        } catch (IllegalArgumentException e) {
            source.error("chain: " + e.getMessage());
            return null;
        }
    }

    private static List<String> ids(ChainConfiguration configuration) {
        return configuration.chain().stream().map(NodeDescriptor::id).toList();
    }
}
