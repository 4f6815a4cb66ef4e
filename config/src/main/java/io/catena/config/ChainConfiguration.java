package io.catena.config;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One configuration of the chain: an epoch and the ordered nodes, head first and tail last. Epochs strictly
 * increase from one configuration to the next; a node refuses anything older than what it has accepted.
 * {@code learners} are nodes attached after the tail that are catching up and are not yet part of the chain.
 */
public record ChainConfiguration(long epoch, List<NodeDescriptor> chain, List<NodeDescriptor> learners) {

    public ChainConfiguration {
        if (epoch < 1) {
            throw new IllegalArgumentException("epoch must be >= 1, got " + epoch);
        }
        chain = List.copyOf(Objects.requireNonNull(chain, "chain"));
        learners = List.copyOf(Objects.requireNonNull(learners, "learners"));
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a chain needs at least one node");
        }
        Set<String> ids = new HashSet<>();
        for (NodeDescriptor node : chain) {
            if (!ids.add(node.id())) {
                throw new IllegalArgumentException("node id '" + node.id() + "' appears twice in the configuration");
            }
        }
        for (NodeDescriptor node : learners) {
            if (!ids.add(node.id())) {
                throw new IllegalArgumentException("node id '" + node.id() + "' appears twice in the configuration");
            }
        }
    }

    public static ChainConfiguration of(long epoch, List<NodeDescriptor> chain) {
        return new ChainConfiguration(epoch, chain, List.of());
    }

    public NodeDescriptor head() {
        return chain.get(0);
    }

    public NodeDescriptor tail() {
        return chain.get(chain.size() - 1);
    }

    /** Index in the chain, or -1 when the node is not in the chain. */
    public int indexOf(String nodeId) {
        for (int i = 0; i < chain.size(); i++) {
            if (chain.get(i).id().equals(nodeId)) {
                return i;
            }
        }
        return -1;
    }

    public Optional<NodeDescriptor> node(String nodeId) {
        int index = indexOf(nodeId);
        return index < 0 ? Optional.empty() : Optional.of(chain.get(index));
    }

    public Role roleOf(String nodeId) {
        int index = indexOf(nodeId);
        if (index < 0) {
            return Role.OUTSIDE;
        }
        if (chain.size() == 1) {
            return Role.SOLE;
        }
        if (index == 0) {
            return Role.HEAD;
        }
        return index == chain.size() - 1 ? Role.TAIL : Role.MIDDLE;
    }

    public Optional<NodeDescriptor> predecessorOf(String nodeId) {
        int index = indexOf(nodeId);
        return index <= 0 ? Optional.empty() : Optional.of(chain.get(index - 1));
    }

    public Optional<NodeDescriptor> successorOf(String nodeId) {
        int index = indexOf(nodeId);
        return index < 0 || index == chain.size() - 1 ? Optional.empty() : Optional.of(chain.get(index + 1));
    }
}
