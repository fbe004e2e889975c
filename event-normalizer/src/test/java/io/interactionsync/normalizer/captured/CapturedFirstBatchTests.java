package io.interactionsync.normalizer.captured;

import static org.assertj.core.api.Assertions.assertThat;

import io.interactionsync.normalizer.mapper.Mappers;
import io.interactionsync.normalizer.service.BatchNormalizer;
import io.interactionsync.normalizer.service.BatchNormalizer.Lookups;
import io.interactionsync.normalizer.service.BatchNormalizer.Plan;
import io.interactionsync.normalizer.service.RecordDecoder;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * R-B2 on the captured payloads as the backfill's <em>first</em> batch meets them: a fresh database where the
 * connector's account-events are in (directory, shared mailbox subscribers) but {@code owner_aliases} is still
 * empty, since it is filled from raw records only. The whole capture is one poll (max.poll.records 2,000), as in
 * the demo stack, where the same thing happened live (team members stored as contacts of the shared mailbox's mail).
 * <p>
 * This failed on the first capture (found by it): for a shared mailbox the colleagues were found through the
 * subscribers' <em>stored</em> owner addresses only, so until a subscriber's own mail had been committed in an earlier
 * batch the team directory did not apply to the shared mailbox. Now the batch's own owner addresses count too, the
 * subscriber's own addresses are never contacts, and the connector's {@code connected} event stores the account's
 * address up front ({@code NormalizerPipelineIT.sharedMailboxRecordsAreAttributedToEverySubscriber}).
 */
class CapturedFirstBatchTests {

    @BeforeAll
    static void normalizeTheCapture() {
        CapturedPayloadsTests.normalizeTheCapture();
    }

    @Test
    void rB2_colleaguesNeverBecomeContactsEvenInTheFirstBatch() {
        Lookups steady = CapturedPayloadsTests.lookups;
        Lookups fresh = new Lookups(Map.of(), steady.collections(), Map.of(), Map.of(), steady.subscribersByMailbox(),
                Map.of(), Map.of());
        BatchNormalizer normalizer = new BatchNormalizer(
                new RecordDecoder(Clock.fixed(Instant.parse("2026-11-26T12:00:00Z"), ZoneOffset.UTC)), Mappers.all());
        Plan first = normalizer.plan(normalizer.prepare(
                CapturedPayloadsTests.records.stream().map(CapturedPayloadsTests::incoming).toList()), fresh);
        List<String> colleagues = first.desired().entrySet().stream()
                .flatMap(en -> en.getValue().stream().filter(e -> CapturedPayloadsTests.internal(e.contactEmail()))
                        .map(e -> en.getKey().userId() + " " + e.source().wireName() + " " + e.mailbox()
                                + (e.viaSharedMailbox() ? " (shared)" : "") + " " + e.remoteId() + " → "
                                + e.contactEmail() + " " + e.role()))
                .toList();
        assertThat(colleagues).as("colleagues that became contacts").isEmpty();
    }
}
