package io.catena.membership;

import java.util.ArrayList;
import java.util.List;

/**
 * How a process joins the membership cluster. Every member of one cluster must use the same
 * {@code clusterName}, {@code heartbeatIntervalSeconds} and {@code maxNoHeartbeatSeconds}, or members flap (one
 * side declares the other dead while the other still thinks it is alive). The constructor checks every field and
 * reports every problem at once.
 *
 * @param clusterName              members join only a cluster of the same name (default {@code catena})
 * @param bind                     {@code ip:port} this member listens on; every socket it opens, inbound or
 *                                 outbound, uses this IP (an IPv4 literal), so that per-address network faults
 *                                 cut exactly this member off
 * @param seeds                    {@code ip:port} of members to join through (TCP-IP join); may include
 *                                 {@code bind}; not empty
 * @param heartbeatIntervalSeconds period of heartbeats between members (default 1)
 * @param maxNoHeartbeatSeconds    a member silent this long is removed from the view (default 3); at least two
 *                                 heartbeat intervals, so one late heartbeat does not remove a live member
 * @param lite                     join as a lite member (storage nodes) rather than a full member (masters);
 *                                 the data-holding distinction is irrelevant here, it only keeps Hazelcast's
 *                                 partition table on the masters
 * @param mergeIntervalSeconds     how often the oldest member of each side looks for another cluster of the same
 *                                 name among the seeds and merges with it (default 5). This is what reunites the
 *                                 view after a partition heals or a paused member resumes: a member removed by
 *                                 heartbeat timeout forms a cluster of its own and comes back only through a
 *                                 merge, under a new member UUID. Hazelcast's defaults (first run after 300 s,
 *                                 then every 120 s) would keep such a member out for minutes.
 */
public record MembershipSettings(
        String clusterName,
        String bind,
        List<String> seeds,
        int heartbeatIntervalSeconds,
        int maxNoHeartbeatSeconds,
        boolean lite,
        int mergeIntervalSeconds) {

    public static final String DEFAULT_CLUSTER_NAME = "catena";
    public static final int DEFAULT_HEARTBEAT_INTERVAL_SECONDS = 1;
    public static final int DEFAULT_MAX_NO_HEARTBEAT_SECONDS = 3;
    public static final int DEFAULT_MERGE_INTERVAL_SECONDS = 5;

    public MembershipSettings {
        List<String> problems = problems(clusterName, bind, seeds, heartbeatIntervalSeconds, maxNoHeartbeatSeconds);
        if (mergeIntervalSeconds < 1) {
            problems.add("mergeIntervalSeconds must be at least 1, got " + mergeIntervalSeconds);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid membership settings: " + String.join("; ", problems));
        }
        seeds = List.copyOf(seeds);
    }

    /** Settings with the default merge interval. */
    public MembershipSettings(String clusterName, String bind, List<String> seeds, int heartbeatIntervalSeconds,
            int maxNoHeartbeatSeconds, boolean lite) {
        this(clusterName, bind, seeds, heartbeatIntervalSeconds, maxNoHeartbeatSeconds, lite,
                DEFAULT_MERGE_INTERVAL_SECONDS);
    }

    /** Settings with the default cluster name, heartbeat timing and merge interval. */
    public static MembershipSettings of(String bind, List<String> seeds, boolean lite) {
        return new MembershipSettings(DEFAULT_CLUSTER_NAME, bind, seeds, DEFAULT_HEARTBEAT_INTERVAL_SECONDS,
                DEFAULT_MAX_NO_HEARTBEAT_SECONDS, lite, DEFAULT_MERGE_INTERVAL_SECONDS);
    }

    public String bindHost() {
        return Endpoints.host(bind);
    }

    public int bindPort() {
        return Endpoints.port(bind);
    }

    private static List<String> problems(String clusterName, String bind, List<String> seeds,
            int heartbeatIntervalSeconds, int maxNoHeartbeatSeconds) {
        List<String> problems = new ArrayList<>();
        if (clusterName == null || clusterName.isBlank()) {
            problems.add("clusterName must not be blank");
        }
        String bindProblem = Endpoints.hostPortProblem(bind);
        if (bindProblem != null) {
            problems.add("bind: " + bindProblem);
        } else if (!Endpoints.isIpv4Literal(Endpoints.host(bind))) {
            problems.add("bind: the host must be an IPv4 address (member sockets bind to it), got '" + bind + "'");
        }
        if (seeds == null || seeds.isEmpty()) {
            problems.add("seeds must name at least one host:port (this member's own bind address will do)");
        } else {
            for (String seed : seeds) {
                String seedProblem = Endpoints.hostPortProblem(seed);
                if (seedProblem != null) {
                    problems.add("seeds: " + seedProblem);
                } else if (!Endpoints.isIpv4Literal(Endpoints.host(seed))) {
                    // With interfaces enabled, Hazelcast silently drops a seed host name that does not resolve to
                    // an address matching this member's own interface list.
                    problems.add("seeds: the host must be an IPv4 address, got '" + seed + "'");
                }
            }
        }
        if (heartbeatIntervalSeconds < 1) {
            problems.add("heartbeatIntervalSeconds must be at least 1, got " + heartbeatIntervalSeconds);
        }
        if (maxNoHeartbeatSeconds < 2 * Math.max(1, heartbeatIntervalSeconds)) {
            problems.add("maxNoHeartbeatSeconds must be at least two heartbeat intervals ("
                    + 2 * Math.max(1, heartbeatIntervalSeconds) + "), got " + maxNoHeartbeatSeconds);
        }
        return problems;
    }
}
