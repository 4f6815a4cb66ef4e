package io.catena.master.core;

import io.catena.config.ChainConfiguration;
import io.catena.config.NodeDescriptor;
import java.util.List;

/**
 * The coordinator's one effect: make {@code configuration} durable, then push it to {@code recipients} (every node
 * of the previous and the new configuration). Nothing may see the configuration before it is durable.
 */
public record Install(ChainConfiguration configuration, List<NodeDescriptor> recipients, String reason) {

    public Install {
        recipients = List.copyOf(recipients);
    }
}
