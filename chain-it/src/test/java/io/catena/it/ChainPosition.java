package io.catena.it;

import java.util.Locale;

/** Where in a chain of three a fault strikes. */
enum ChainPosition {
    HEAD, MIDDLE, TAIL;

    /** The lower-case name used in the {@code RECOVERY kind=...} lines and the recovery-times report. */
    String kind() {
        return name().toLowerCase(Locale.ROOT);
    }
}
