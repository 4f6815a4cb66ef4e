package io.catena.master.core;

import io.catena.config.NodeDescriptor;
import io.catena.config.Role;
import java.util.List;

/** What {@code GET /chain} shows: the configuration with each node's last report and liveness. */
public record ChainView(long epoch, List<NodeView> chain, List<NodeView> others) {

    /**
     * @param lag          entries behind the most advanced node of the chain (by appliedSeq)
     * @param alive        a member of the cluster that reported within the report timeout
     * @param leaseLeftMs  how long the master still honours this node's lease (0 when none)
     */
    public record NodeView(NodeDescriptor node, Role role, boolean alive, long reportedEpoch, long appliedSeq,
                           long committedSeq, long lag, long leaseLeftMs) {
    }
}
