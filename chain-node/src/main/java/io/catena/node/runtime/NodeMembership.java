package io.catena.node.runtime;

import io.catena.config.HostPort;
import io.catena.config.NodeSettings;
import io.catena.membership.HazelcastMembership;
import io.catena.membership.MemberInfo;
import io.catena.membership.Membership;
import io.catena.membership.MembershipSettings;
import java.util.List;
import java.util.function.Consumer;

/**
 * This node in the membership cluster: a lite member whose attributes announce its id and addresses, so the
 * master can find it; and the node's way to find the active master (the oldest master member). Membership is a
 * hint for discovery only: the node's safety rests on epochs and leases.
 */
final class NodeMembership {

    private final Membership membership;
    private final Consumer<List<HostPort>> onMasters;

    /**
     * @param onMasters told the HTTP addresses of the masters in the view, oldest (the active-master hint) first,
     *                  whenever the view changes
     */
    NodeMembership(NodeSettings settings, Consumer<List<HostPort>> onMasters) {
        MembershipSettings membershipSettings = new MembershipSettings(settings.clusterName(),
                settings.hazelcastBind().toString(),
                settings.hazelcastSeeds().stream().map(HostPort::toString).toList(),
                MembershipSettings.DEFAULT_HEARTBEAT_INTERVAL_SECONDS,
                MembershipSettings.DEFAULT_MAX_NO_HEARTBEAT_SECONDS, true);
        MemberInfo self = MemberInfo.node(settings.id(), settings.self().http().toString(),
                settings.self().replication().toString());
        this.membership = new HazelcastMembership(membershipSettings, self);
        this.onMasters = onMasters;
    }

    /** Joins the cluster; blocks for about two seconds. */
    void start() {
        membership.start(new Membership.Listener() {
            @Override
            public void memberUp(MemberInfo member) {
                announceMaster();
            }

            @Override
            public void memberDown(MemberInfo member) {
                announceMaster();
            }
        });
        announceMaster();
    }

    private void announceMaster() {
        List<HostPort> masters = membership.members().stream().filter(MemberInfo::isMaster)
                .map(master -> HostPort.parse(master.http())).toList();
        if (!masters.isEmpty()) {
            onMasters.accept(masters);
        }
    }

    void close() {
        membership.close();
    }
}
