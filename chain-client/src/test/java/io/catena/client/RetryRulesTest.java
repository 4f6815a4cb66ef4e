package io.catena.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RetryRulesTest {

    private static final long PLENTY_MS = 10_000;

    private static Attempt.Answered answer(int status, String code) {
        return new Attempt.Answered(status, code, "why", null, null, 0);
    }

    @Test
    void aWriteRefusedBeforeSendingIsRetriedWithBackoff() {
        Decision decision = RetryRules.decide(new Attempt.NotSent("connection refused"), true, 0, 2, PLENTY_MS);

        assertThat(decision).isEqualTo(new Decision.Retry(200, "connection refused"));
    }

    @Test
    void aWriteWhoseConnectionWasLostAfterSendingIsSurfacedAsOutcomeUnknownWithoutSeq() {
        Decision decision = RetryRules.decide(new Attempt.Lost("reset"), true, 0, 0, PLENTY_MS);

        assertThat(decision).isInstanceOfSatisfying(Decision.Surface.class, surface ->
                assertThat(surface.failure()).isInstanceOfSatisfying(OutcomeUnknownException.class,
                        unknown -> assertThat(unknown.seq()).isEmpty()));
    }

    @Test
    void aReadWhoseConnectionWasLostIsRetried() {
        assertThat(RetryRules.decide(new Attempt.Lost("reset"), false, 0, 0, PLENTY_MS))
                .isInstanceOf(Decision.Retry.class);
    }

    @Test
    void a504OutcomeUnknownIsSurfacedWithTheSeqTheHeadAssigned() {
        Attempt attempt = new Attempt.Answered(504, "outcome_unknown", "no commit seen", 42L, null, 0);

        Decision decision = RetryRules.decide(attempt, true, 0, 0, PLENTY_MS);

        assertThat(decision).isInstanceOfSatisfying(Decision.Surface.class, surface ->
                assertThat(((OutcomeUnknownException) surface.failure()).seq()).hasValue(42));
    }

    @Test
    void anyOther5xxOnAWriteIsAlsoAnUnknownOutcome() {
        assertThat(RetryRules.decide(answer(500, "internal"), true, 0, 0, PLENTY_MS))
                .isInstanceOfSatisfying(Decision.Surface.class, surface ->
                        assertThat(surface.failure()).isInstanceOf(OutcomeUnknownException.class));
    }

    @Test
    void a503IsRetriedAfterItsRetryAfter() {
        Attempt attempt = new Attempt.Answered(503, "unavailable", "no lease", null, null, 1_000);

        assertThat(RetryRules.decide(attempt, true, 0, 0, PLENTY_MS))
                .isEqualTo(new Decision.Retry(1_000, "503 unavailable: no lease"));
    }

    @Test
    void aRetryThatWouldOutlastTheDeadlineGivesUpAsUnavailable() {
        Attempt attempt = new Attempt.Answered(503, "unavailable", "no lease", null, null, 1_000);

        Decision decision = RetryRules.decide(attempt, true, 0, 3, 999);

        assertThat(decision).isInstanceOfSatisfying(Decision.Surface.class, surface -> {
            assertThat(surface.failure()).isInstanceOf(UnavailableException.class);
            assertThat(surface.failure().getMessage()).contains("4 attempts", "no lease");
        });
    }

    @Test
    void a307IsFollowedUntilTooManyInARowThenTheClientRediscovers() {
        Attempt attempt = new Attempt.Answered(307, "not_head", "go", null, "http://h:1/kv/a", 0);

        assertThat(RetryRules.decide(attempt, true, RetryRules.REDIRECTS_MAX - 1, 0, PLENTY_MS))
                .isEqualTo(new Decision.Follow("http://h:1/kv/a"));
        assertThat(RetryRules.decide(attempt, true, RetryRules.REDIRECTS_MAX, 0, PLENTY_MS))
                .isInstanceOf(Decision.Retry.class);
    }

    @Test
    void a404NotFoundIsAnAnswerForAReadButARejectionForAWrite() {
        assertThat(RetryRules.decide(answer(404, "not_found"), false, 0, 0, PLENTY_MS))
                .isEqualTo(new Decision.Done());
        assertThat(RetryRules.decide(answer(404, "no_route"), true, 0, 0, PLENTY_MS))
                .isInstanceOf(Decision.Surface.class);
    }

    @Test
    void a412IsAFailedPrecondition() {
        assertThat(RetryRules.decide(answer(412, "precondition_failed"), true, 0, 0, PLENTY_MS))
                .isInstanceOfSatisfying(Decision.Surface.class, surface ->
                        assertThat(surface.failure()).isInstanceOf(PreconditionFailedException.class));
    }

    @Test
    void aBadRequestIsRejectedWithTheNodesErrorCode() {
        assertThat(RetryRules.decide(answer(400, "bad_key"), true, 0, 0, PLENTY_MS))
                .isInstanceOfSatisfying(Decision.Surface.class, surface -> {
                    assertThat(surface.failure()).isInstanceOf(RejectedException.class);
                    assertThat(surface.failure().code()).isEqualTo("bad_key");
                });
    }

    @Test
    void theBackoffDoublesFrom50MsAndStopsAtOneSecond() {
        assertThat(RetryRules.backoffMs(0)).isEqualTo(50);
        assertThat(RetryRules.backoffMs(1)).isEqualTo(100);
        assertThat(RetryRules.backoffMs(5)).isEqualTo(1_000);
        assertThat(RetryRules.backoffMs(60)).isEqualTo(1_000);
    }
}
