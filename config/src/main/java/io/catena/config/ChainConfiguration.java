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
 * {@link #NONE} (epoch 0, no nodes) is what a node holds before any master has configured it.
 */
public record ChainConfiguration(long epoch, List<NodeDescriptor> chain, List<NodeDescriptor> learners) {

    /** No configuration yet: epoch 0, no nodes; every node is OUTSIDE it. */
    public static final ChainConfiguration NONE = new ChainConfiguration(0, List.of(), List.of());

    public ChainConfiguration {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
        }
        chain = List.copyOf(Objects.requireNonNull(chain, "chain"));
        learners = List.copyOf(Objects.requireNonNull(learners, "learners"));
        if (chain.isEmpty() != (epoch == 0)) {
            throw new IllegalArgumentException(epoch == 0 ? "epoch 0 is the empty configuration"
                    : "a chain needs at least one node");
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

    public boolean isNone() {
        return epoch == 0;
    }

    /** The ids of the chain, head first. */
    public List<String> chainIds() {
        return chain.stream().map(NodeDescriptor::id).toList();
    }

    /** Whether the node is in the chain or among the learners. */
    public boolean contains(String nodeId) {
        return indexOf(nodeId) >= 0 || learners.stream().anyMatch(node -> node.id().equals(nodeId));
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

    /** The node in the chain or among the learners. */
    public Optional<NodeDescriptor> node(String nodeId) {
        int index = lineIndexOf(nodeId);
        return index < 0 ? Optional.empty() : Optional.of(line().get(index));
    }

    /** The chain followed by the learners: the line entries flow down, head first. */
    public List<NodeDescriptor> line() {
        if (learners.isEmpty()) {
            return chain;
        }
        List<NodeDescriptor> line = new java.util.ArrayList<>(chain);
        line.addAll(learners);
        return line;
    }

    private int lineIndexOf(String nodeId) {
        int index = indexOf(nodeId);
        if (index >= 0) {
            return index;
        }
        for (int i = 0; i < learners.size(); i++) {
            if (learners.get(i).id().equals(nodeId)) {
                return chain.size() + i;
            }
        }
        return -1;
    }

    public Role roleOf(String nodeId) {
        int index = indexOf(nodeId);
        if (index < 0) {
            return lineIndexOf(nodeId) >= 0 ? Role.LEARNER : Role.OUTSIDE;
        }
        if (chain.size() == 1) {
            return Role.SOLE;
        }
        if (index == 0) {
            return Role.HEAD;
        }
        return index == chain.size() - 1 ? Role.TAIL : Role.MIDDLE;
    }

    /** The node entries come from: the one before in the chain; for the first learner, the tail. */
    public Optional<NodeDescriptor> predecessorOf(String nodeId) {
        int index = lineIndexOf(nodeId);
        return index <= 0 ? Optional.empty() : Optional.of(line().get(index - 1));
    }

    /** The node entries go to: the next in the chain; for the tail, the first learner, if any. */
    public Optional<NodeDescriptor> successorOf(String nodeId) {
        int index = lineIndexOf(nodeId);
        List<NodeDescriptor> line = line();
        return index < 0 || index == line.size() - 1 ? Optional.empty() : Optional.of(line.get(index + 1));
    }
}
