package io.catena.master.core;

import io.catena.config.NodeDescriptor;
import io.catena.config.Role;
import java.util.List;

/**
 * What {@code GET /chain} shows: the configuration with each node's last report and liveness: the chain head
 * first, the learners in their order after the tail, and the other nodes the master knows.
 */
public record ChainView(long epoch, List<NodeView> chain, List<LearnerView> learners, List<NodeView> others) {

    public ChainView {
        chain = List.copyOf(chain);
        learners = List.copyOf(learners);
        others = List.copyOf(others);
    }

    /**
     * @param lag          entries behind the most advanced node of the chain (by appliedSeq)
     * @param alive        reported within the report timeout, and not reported gone by membership since
     * @param member       Hazelcast membership lists it (a hint; see {@code alive})
     * @param leaseLeftMs  how long the master still honours this node's lease (0 when none)
     * @param draining     an operator asked to remove it: it gets no lease (docs/master.md, "Drain")
     */
    public record NodeView(NodeDescriptor node, Role role, boolean alive, boolean member, long reportedEpoch,
                           long appliedSeq, long committedSeq, long lag, long leaseLeftMs, boolean draining) {
    }

    /**
     * @param caughtUp   its last report, in {@code reportedEpoch}, said its log holds every committed entry
     * @param lagEntries the tail's last reported committedSeq minus this learner's appliedSeq (at least 0)
     */
    public record LearnerView(NodeDescriptor node, boolean alive, boolean member, long reportedEpoch,
                              long appliedSeq, boolean caughtUp, long lagEntries) {
    }
}
