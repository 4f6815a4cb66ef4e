package io.catena.master.runtime;

import java.util.List;

/**
 * A configuration this master installed (stored, then pushed), as the dashboard's event log shows it: what the
 * {@code reconfiguration} events of {@code GET /events} carry (docs/master.md, "Dashboard").
 *
 * @param timeMs   wall-clock time of the install, milliseconds since the Unix epoch (for display only)
 * @param chain    node ids, head first
 * @param learners node ids, in their order after the tail
 * @param reason   the coordinator's reason for the change, for operators
 */
public record Reconfiguration(long timeMs, long epoch, List<String> chain, List<String> learners, String reason) {

    public Reconfiguration {
        chain = List.copyOf(chain);
        learners = List.copyOf(learners);
    }
}
