package io.catena.config;

/** When the storage writer forces a batch to disk. */
public enum SyncPolicy {
    /** fsync once per group-committed batch, before anything in it is acknowledged (the default). */
    SYNC,
    /** Leave flushing to the operating system: survives a process crash, not a machine crash. */
    NONE
}
