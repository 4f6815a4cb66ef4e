package io.catena.membership;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Hazelcast properties every Catena member runs with, in one place. Heartbeat timing must be the same on
 * every member; the rest keeps the embedded member to what membership needs.
 */
final class HazelcastProperties {

    static final String LOGGING_TYPE = "hazelcast.logging.type";
    static final String LOGGING_TYPE_SLF4J = "slf4j";
    static final String PHONE_HOME_ENABLED = "hazelcast.phone.home.enabled";
    static final String SHUTDOWN_HOOK_ENABLED = "hazelcast.shutdownhook.enabled";
    static final String LOCAL_ADDRESS = "hazelcast.local.localAddress";
    static final String SOCKET_BIND_ANY = "hazelcast.socket.bind.any";
    static final String SOCKET_CLIENT_BIND_ANY = "hazelcast.socket.client.bind.any";
    static final String HEARTBEAT_INTERVAL_SECONDS = "hazelcast.heartbeat.interval.seconds";
    static final String MAX_NO_HEARTBEAT_SECONDS = "hazelcast.max.no.heartbeat.seconds";
    static final String MERGE_FIRST_RUN_DELAY_SECONDS = "hazelcast.merge.first.run.delay.seconds";
    static final String MERGE_NEXT_RUN_DELAY_SECONDS = "hazelcast.merge.next.run.delay.seconds";
    static final String HEALTH_MONITORING_LEVEL = "hazelcast.health.monitoring.level";
    static final String SLOW_OPERATION_DETECTOR_ENABLED = "hazelcast.slow.operation.detector.enabled";

    private HazelcastProperties() {
    }

    static Map<String, String> forSettings(MembershipSettings settings) {
        Map<String, String> properties = new LinkedHashMap<>();
        // Hazelcast's own loggers go to slf4j; the embedding process chooses the backend.
        properties.put(LOGGING_TYPE, LOGGING_TYPE_SLF4J);
        // No call home to hazelcast.com at start and every day after.
        properties.put(PHONE_HOME_ENABLED, "false");
        // The embedding process closes membership in its own shutdown hook; Hazelcast's would race it.
        properties.put(SHUTDOWN_HOOK_ENABLED, "false");
        // Server and client sockets bind to the member's own address, so a network fault on that address
        // (nft rules between 127.0.0.x addresses in the fault tests) cuts this member off and no other.
        // The address itself is pinned by localAddress: interface matching alone cannot pick 127.0.0.2 and the
        // like, which Linux routes to lo without listing them as an address of any interface.
        properties.put(LOCAL_ADDRESS, settings.bindHost());
        properties.put(SOCKET_BIND_ANY, "false");
        properties.put(SOCKET_CLIENT_BIND_ANY, "false");
        // Failure detection: a member silent this long is removed (a killed one is seen sooner: its socket closes).
        properties.put(HEARTBEAT_INTERVAL_SECONDS, Integer.toString(settings.heartbeatIntervalSeconds()));
        properties.put(MAX_NO_HEARTBEAT_SECONDS, Integer.toString(settings.maxNoHeartbeatSeconds()));
        // Split-brain healing: how soon a side that lost contact (partition, pause) looks for the other again.
        properties.put(MERGE_FIRST_RUN_DELAY_SECONDS, Integer.toString(settings.mergeIntervalSeconds()));
        properties.put(MERGE_NEXT_RUN_DELAY_SECONDS, Integer.toString(settings.mergeIntervalSeconds()));
        // Diagnostic threads for data structures and operations Catena does not use.
        properties.put(HEALTH_MONITORING_LEVEL, "OFF");
        properties.put(SLOW_OPERATION_DETECTOR_ENABLED, "false");
        return properties;
    }
}
