package io.interactionsync.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.interactionsync.model.Source;
import io.interactionsync.model.SyncRequest;
import io.interactionsync.sync.connector.AccountToken;
import io.interactionsync.sync.jobs.AccountJobs;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SyncCoreTests {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @Test
    void jobColumnsRoundTrip() {
        Set<Source> sources = EnumSet.of(Source.OUTLOOK_CALENDAR, Source.OUTLOOK_MAIL);
        assertThat(SyncJob.sources(SyncJob.wire(sources))).isEqualTo(sources);
        assertThat(SyncJob.sources("")).isEmpty();
        assertThat(SyncJob.mode(SyncJob.wire(SyncRequest.Mode.FULL))).isEqualTo(SyncRequest.Mode.FULL);
    }

    @Test
    void scopesMatchWithOrWithoutTheProviderPrefix() {
        AccountToken graph = token(List.of("https://graph.microsoft.com/Mail.Read", "offline_access"));
        assertThat(graph.hasAnyScope(Set.of("Mail.ReadBasic", "Mail.Read"), "https://graph.microsoft.com/")).isTrue();
        assertThat(graph.hasAnyScope(Set.of("Calendars.Read"), "https://graph.microsoft.com/")).isFalse();
        AccountToken google = token(List.of("https://www.googleapis.com/auth/gmail.metadata"));
        assertThat(google.hasScope("https://www.googleapis.com/auth/gmail.metadata")).isTrue();
        assertThat(google.hasScope("https://www.googleapis.com/auth/calendar.readonly")).isFalse();
        assertThat(token(List.of()).hasScope("anything")).as("scopes not reported count as granted").isTrue();
    }

    @Test
    void tokenNeverInToString() {
        assertThat(token(List.of()).toString()).doesNotContain("secret-token").contains("acc-1");
    }

    @Test
    void exhaustedAttemptsRescheduleAtTheProvidersTime() {
        Instant retryAt = NOW.plusSeconds(20);
        assertThatThrownBy(() -> RetryBackoff.awaitNextAttempt(settings(), CLOCK, 3, retryAt, "throttled"))
                .isInstanceOfSatisfying(RetryLaterException.class, e -> {
                    assertThat(e.notBefore()).isEqualTo(retryAt);
                    assertThat(e.getMessage()).contains("after 3 attempts");
                });
    }

    @Test
    void waitBeyondTheInlineLimitReschedulesInsteadOfSleeping() {
        Instant retryAt = NOW.plus(Duration.ofMinutes(5));
        assertThatThrownBy(() -> RetryBackoff.awaitNextAttempt(settings(), CLOCK, 1, retryAt, "throttled"))
                .isInstanceOfSatisfying(RetryLaterException.class,
                        e -> assertThat(e.notBefore()).isBetween(retryAt, retryAt.plusMillis(250)));
    }

    @Test
    void shortBackoffSleepsWithinItsBounds() throws InterruptedException {
        Duration slept = RetryBackoff.awaitNextAttempt(settings(), CLOCK, 2, null, "5xx");
        // attempt 2: base = 2 x 10 ms, waited between half and all of it
        assertThat(slept).isBetween(Duration.ofMillis(10), Duration.ofMillis(20));
    }

    @Test
    void aFailedSourceOutranksARetryAndTheEarlierRetryWins() {
        JobResult done = new JobResult.Completed();
        JobResult soon = new JobResult.RetryLater(NOW.plusSeconds(10), "a");
        JobResult later = new JobResult.RetryLater(NOW.plusSeconds(60), "b");
        JobResult failed = new JobResult.Failed("c");
        assertThat(AccountJobs.worse(done, later)).isSameAs(later);
        assertThat(AccountJobs.worse(later, soon)).isSameAs(soon);
        assertThat(AccountJobs.worse(soon, failed)).isSameAs(failed);
        assertThat(AccountJobs.worse(failed, done)).isSameAs(failed);
        assertThat(AccountJobs.worse(done, done)).isSameAs(done);
    }

    private static AccountToken token(List<String> scopes) {
        return new AccountToken("acc-1", "u-1", "microsoft", "a@example.com", "secret-token", NOW.plusSeconds(3600), scopes);
    }

    private static SyncSettings settings() {
        SyncSettings.Retry retry = new SyncSettings.Retry() {
            public int maxAttempts() { return 3; }
            public Duration initialBackoff() { return Duration.ofMillis(10); }
            public Duration maxBackoff() { return Duration.ofMillis(100); }
            public Duration maxInlineWait() { return Duration.ofSeconds(1); }
        };
        SyncSettings.Worker worker = new SyncSettings.Worker() {
            public int concurrency() { return 1; }
            public Duration pollInterval() { return Duration.ofSeconds(1); }
            public Duration leaseDuration() { return Duration.ofSeconds(8); }
            public Duration heartbeatInterval() { return Duration.ofSeconds(2); }
            public Duration retryDelay() { return Duration.ofSeconds(30); }
            public Duration shutdownGrace() { return Duration.ofSeconds(1); }
            public Duration rerunDelay() { return Duration.ZERO; }
        };
        return new SyncSettings() {
            public Retry retry() { return retry; }
            public Worker worker() { return worker; }
            public Status status() { return null; }
            public Audit audit() { return null; }
            public RawRecords rawRecords() { return null; }
            public Push push() { return null; }
        };
    }
}
