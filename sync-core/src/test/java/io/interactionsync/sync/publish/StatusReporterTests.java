package io.interactionsync.sync.publish;

import static org.assertj.core.api.Assertions.assertThat;

import io.interactionsync.model.Completeness;
import io.interactionsync.model.Source;
import io.interactionsync.model.SyncStatus;
import io.interactionsync.sync.audit.AuditResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The progress a status carries: an estimate never below what was read, and a full bar once the run finished. */
class StatusReporterTests {

    static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");

    /** Keeps what would go to Kafka. */
    static final class Published extends SyncStatusPublisher {
        final List<SyncStatus> statuses = new ArrayList<>();

        Published() {
            super(null);
        }

        @Override
        public void publish(SyncStatus status) {
            statuses.add(status);
        }

        SyncStatus last() {
            return statuses.getLast();
        }
    }

    private static StatusReporter reporter(Published out, Source source) {
        // every call is due: one record, no time
        return new StatusReporter(out, "acc-1", source, 1, Duration.ZERO, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void anEstimateBelowWhatWasReadIsRaisedToIt() {
        Published out = new Published();
        StatusReporter status = reporter(out, Source.GMAIL);

        status.progress(1574, 674L, null);
        assertThat(out.last().fetched()).isEqualTo(1574);
        assertThat(out.last().estimatedTotal()).isEqualTo(1574L);

        status.progress(1600, 2100L, null);
        assertThat(out.last().estimatedTotal()).as("a higher estimate stays as given").isEqualTo(2100L);

        status.error(2487, 1567L, null, "boom");
        assertThat(out.last().state()).isEqualTo(SyncStatus.State.ERROR);
        assertThat(out.last().estimatedTotal()).isEqualTo(2487L);

        assertThat(out.statuses).allSatisfy(s -> assertThat(s.estimatedTotal()).isGreaterThanOrEqualTo(s.fetched()));
    }

    @Test
    void noEstimateStaysNullWhileRunningAndTheFinishedRunIsFull() {
        Published out = new Published();
        StatusReporter status = reporter(out, Source.OUTLOOK_CALENDAR);

        status.progress(12, null, null);
        assertThat(out.last().estimatedTotal()).isNull();

        status.synced(40, NOW);
        assertThat(out.last().state()).isEqualTo(SyncStatus.State.SYNCED);
        assertThat(out.last().fetched()).isEqualTo(40);
        assertThat(out.last().estimatedTotal()).isEqualTo(40L);
    }

    @Test
    void anOverEstimateEndsAtTheCountEvenWhenTheAuditLeftGaps() {
        Published out = new Published();
        StatusReporter status = reporter(out, Source.OUTLOOK_MAIL);
        status.progress(10, 5000L, null);
        assertThat(out.last().estimatedTotal()).isEqualTo(5000L);

        status.synced(900, NOW);
        assertThat(out.last().estimatedTotal()).as("the run read all there was").isEqualTo(900L);

        status.audit(new AuditResult(new Completeness(NOW, 901, 900, 1, 0), List.of("m-1"), "1 message not repaired"));
        status.synced(900, NOW);
        assertThat(out.last().state()).isEqualTo(SyncStatus.State.INCOMPLETE);
        assertThat(out.last().estimatedTotal()).isEqualTo(900L);
    }

    @Test
    void aTerminalStateCarriesNoProgress() {
        Published out = new Published();
        reporter(out, Source.GMAIL).state(SyncStatus.State.REAUTH_REQUIRED, "token revoked");
        assertThat(out.last().fetched()).isZero();
        assertThat(out.last().estimatedTotal()).isNull();
    }
}
