package io.catena.sim;

/**
 * Deliberately broken versions of the protocol, emulated around the real cores, to show that the simulation is
 * not vacuous: each must be caught within a bounded number of seeds (SimulationVariantsTest).
 */
enum Variant {
    /** The real protocol. */
    NONE,
    /** The tail answers reads whether or not it holds a lease (and whether or not it has caught up). */
    TAIL_READS_WITHOUT_LEASE,
    /** After a reconfiguration, a predecessor believes its new successor already has everything: no resend. */
    SKIP_RESEND_AFTER_RECONFIGURATION,
    /** A restarted master has lost its last configuration's epoch and numbers its next one from the one before. */
    MASTER_REUSES_EPOCH,
    /** Storage reports persists durable as soon as they are submitted, before the fsync. */
    ACK_BEFORE_DURABLE,
    /** Strong reads at any node answer from local data even when the key is dirty (CRAQ without the tail query). */
    STRONG_READS_IGNORE_DIRTY,
    /**
     * Every master counts itself a majority: the oldest master in its own membership view leads and makes its
     * configurations count without the others' acceptance (what a split membership view would do without ballots).
     */
    MASTERS_WITHOUT_MAJORITY
}
