package io.catena.client;

/** What the client does after an {@link Attempt}: the output of {@link RetryRules}. */
sealed interface Decision {

    /** A final answer (2xx, or 404 {@code not_found} on a read): hand it to the caller. */
    record Done() implements Decision {
    }

    /** A 307: send the same request to {@code location}, learning the new head or tail from it. */
    record Follow(String location) implements Decision {
    }

    /** Nothing was done: forget the route, discover again, and resend after {@code delayMs}. */
    record Retry(long delayMs, String reason) implements Decision {
    }

    /** Give the caller this failure. */
    record Surface(CatenaException failure) implements Decision {
    }
}
