package io.catena.client;

/** What came of sending one request once: the input of {@link RetryRules}. */
sealed interface Attempt {

    /**
     * The node answered. {@code errorCode}, {@code message} and {@code seq} come from a JSON error body (null when
     * absent); {@code location} from a 307; {@code retryAfterMs} from {@code Retry-After} (0 when absent).
     */
    record Answered(int status, String errorCode, String message, Long seq, String location, long retryAfterMs)
            implements Attempt {
    }

    /** Nothing reached a node: connection refused, connect timeout, or no route could be discovered. */
    record NotSent(String reason) implements Attempt {
    }

    /** The request may have reached the node but no answer came back: reset, closed, or timed out. */
    record Lost(String reason) implements Attempt {
    }
}
