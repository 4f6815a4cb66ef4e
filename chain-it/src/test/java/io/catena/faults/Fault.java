package io.catena.faults;

import java.util.List;

/**
 * One fault the suite injects: its kind (the report's key) and its target, a role in the chain at the time of
 * injection or the master. {@link #ALL} is the schedule of the dedicated phases, one of each; the mixed phase
 * draws from it at random.
 */
record Fault(Kind kind, Target target) {

    enum Kind {
        KILL("kill"), PAUSE("pause"), PARTITION("partition"), LOSS("loss"), DELAY("delay"), DISK_FULL("diskFull"),
        CLOCK_SKEW("clockSkew");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    /**
     * Who is hit: a position in the current chain, the master, or the node whose data dir is on the small disk
     * or whose clock can be skewed.
     */
    enum Target {
        HEAD, MIDDLE, TAIL, MASTER, ZOMBIE_HEAD, ZOMBIE_TAIL, ANY_NODE, NON_HEAD, SMALL_DISK_NODE, SKEWED_NODE
    }

    static final List<Fault> ALL = List.of(
            new Fault(Kind.KILL, Target.HEAD),
            new Fault(Kind.KILL, Target.MIDDLE),
            new Fault(Kind.KILL, Target.TAIL),
            new Fault(Kind.KILL, Target.MASTER),
            new Fault(Kind.PAUSE, Target.HEAD),
            new Fault(Kind.PAUSE, Target.TAIL),
            new Fault(Kind.PAUSE, Target.MASTER),
            new Fault(Kind.PARTITION, Target.ZOMBIE_TAIL),
            new Fault(Kind.PARTITION, Target.ZOMBIE_HEAD),
            new Fault(Kind.PARTITION, Target.MASTER),
            new Fault(Kind.LOSS, Target.ANY_NODE),
            new Fault(Kind.DELAY, Target.NON_HEAD),
            new Fault(Kind.DISK_FULL, Target.SMALL_DISK_NODE),
            new Fault(Kind.CLOCK_SKEW, Target.SKEWED_NODE),
            new Fault(Kind.CLOCK_SKEW, Target.MASTER));

    /** The phase name, e.g. {@code kill-head}; also the registers' key prefix in that phase. */
    String name() {
        return kind.label + "-" + target.name().toLowerCase().replace('_', '-');
    }

    boolean zombie() {
        return target == Target.ZOMBIE_HEAD || target == Target.ZOMBIE_TAIL;
    }
}
