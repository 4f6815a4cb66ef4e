package io.catena.client;

/**
 * The client's retry rules (docs/client.md, "Retry rules"), in one place. Pure: the caller supplies the attempt,
 * its counters and the time left, and carries out the decision.
 *
 * <p>The one rule everything else follows from: a write is resent only when it surely was not applied. A
 * connection that was refused, a 503 and a 307 say so; a 504 {@code outcome_unknown}, a 5xx or a connection lost
 * after sending do not, so those writes are surfaced as {@link OutcomeUnknownException}. Reads change nothing and
 * are resent after any failure to get an answer.
 */
final class RetryRules {

    /** Redirects followed in a row before the client re-discovers instead: a 307 loop means a stale node. */
    static final int REDIRECTS_MAX = 4;
    static final long BACKOFF_MS_MIN = 50;
    static final long BACKOFF_MS_MAX = 1_000;

    private RetryRules() {
    }

    /**
     * @param write       whether the request is a PUT or DELETE
     * @param redirects   307s followed so far in this operation
     * @param retries     retries so far in this operation (sets the backoff)
     * @param remainingMs time left before the operation's deadline
     */
    static Decision decide(Attempt attempt, boolean write, int redirects, int retries, long remainingMs) {
        assert redirects >= 0 && retries >= 0 : "counters are never negative";
        Decision decision;
        if (attempt instanceof Attempt.Answered answered) {
            decision = decideAnswered(answered, write, redirects, retries);
        } else if (attempt instanceof Attempt.NotSent notSent) {
            decision = new Decision.Retry(backoffMs(retries), notSent.reason());
        } else if (attempt instanceof Attempt.Lost lost) {
            decision = write
                    ? new Decision.Surface(new OutcomeUnknownException(null, "the connection was lost after the "
                            + "write was sent (" + lost.reason() + "); it may or may not have taken effect"))
                    : new Decision.Retry(backoffMs(retries), lost.reason());
        } else {
            throw new AssertionError("unknown attempt " + attempt);
        }
        if (decision instanceof Decision.Retry retry && retry.delayMs() > remainingMs) {
            return new Decision.Surface(new UnavailableException("gave up after " + (retries + 1)
                    + " attempts: " + retry.reason()));
        }
        return decision;
    }

    private static Decision decideAnswered(Attempt.Answered answer, boolean write, int redirects, int retries) {
        int status = answer.status();
        if (status >= 200 && status < 300 || status == 404 && !write && "not_found".equals(answer.errorCode())) {
            return new Decision.Done();
        }
        if (status == 307) {
            if (answer.location() != null && redirects < REDIRECTS_MAX) {
                return new Decision.Follow(answer.location());
            }
            return new Decision.Retry(backoffMs(retries), redirects + " redirects in a row, last "
                    + answer.errorCode() + " to " + answer.location());
        }
        if (status == 503) {
            long delayMs = answer.retryAfterMs() > 0 ? answer.retryAfterMs() : backoffMs(retries);
            return new Decision.Retry(delayMs, "503 " + answer.errorCode() + ": " + answer.message());
        }
        if (status == 412) {
            return new Decision.Surface(new PreconditionFailedException(describe(answer)));
        }
        if (status >= 500 && write) {
            return new Decision.Surface(new OutcomeUnknownException(answer.seq(), describe(answer)));
        }
        if (status >= 500 && status != 500 && status != 501) {
            return new Decision.Retry(backoffMs(retries), describe(answer)); // a read: 502/504 from a proxy
        }
        return new Decision.Surface(new RejectedException(status, answer.errorCode() == null ? "http_" + status
                : answer.errorCode(), describe(answer)));
    }

    /** 50 ms, doubling per retry, at most 1 s. */
    static long backoffMs(int retries) {
        return Math.min(BACKOFF_MS_MAX, BACKOFF_MS_MIN << Math.min(retries, 10));
    }

    private static String describe(Attempt.Answered answer) {
        String text = answer.status() + " " + (answer.errorCode() == null ? "" : answer.errorCode());
        return answer.message() == null ? text.trim() : text.trim() + ": " + answer.message();
    }
}
