package io.interactionsync.normalizer.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.interactionsync.model.InteractionEvent;
import io.interactionsync.model.Json;
import io.interactionsync.model.Topics;
import io.interactionsync.normalizer.outbox.OutboxRepository.EventRef;
import io.interactionsync.normalizer.outbox.OutboxRepository.OutboxMessage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

/** What the relay needs to put an event on interaction-events-state: its key, its deleted flag, its user's partition. */
class StateTopicRecordsTests {

    @Test
    void theUsersPartitionIsTheOneTheDefaultPartitionerChoosesForTheUserId() {
        Random r = new Random(3);
        for (int i = 0; i < 10_000; i++) {
            byte[] user = ("user-" + UUID.randomUUID() + (i % 7 == 0 ? "-ü✉" : "")).getBytes(StandardCharsets.UTF_8);
            for (int partitions : new int[] {1, 3, 12, 1 + r.nextInt(100)}) {
                assertThat(OutboxRelay.partitionOf(user, partitions))
                        .isEqualTo(BuiltInPartitioner.partitionForKey(user, partitions));
            }
        }
    }

    @Test
    void aRenderedEventCarriesItsIdAndDeletedFlag() throws Exception {
        List<InteractionEvent> events = List.of(event(false), event(true));
        List<OutboxMessage> rendered = OutboxMessage.events(events);
        for (int i = 0; i < events.size(); i++) {
            assertThat(rendered.get(i).event())
                    .isEqualTo(new EventRef(events.get(i).id().toString(), events.get(i).deleted()));
        }
    }

    @Test
    void aStoredEventMessageIsReadBackWithItsIdAndDeletedFlagAndOtherTopicsWithout() throws Exception {
        for (boolean deleted : new boolean[] {false, true}) {
            InteractionEvent e = event(deleted);
            // as the erasure paths store it: the deleted copy's JSON in the outbox table
            OutboxMessage stored = OutboxMessage.of(Topics.INTERACTION_EVENTS, e.userId(), OutboxMessage.event(e).json());
            assertThat(stored.event()).isEqualTo(new EventRef(e.id().toString(), deleted));
            // field order does not matter, nested objects are skipped
            String reordered = "{\"meeting\":{\"id\":\"not-this\",\"deleted\":false},\"deleted\":" + deleted
                    + ",\"id\":\"" + e.id() + "\",\"userId\":\"u\"}";
            assertThat(OutboxMessage.of(Topics.INTERACTION_EVENTS, "u", reordered).event())
                    .isEqualTo(new EventRef(e.id().toString(), deleted));
        }
        assertThat(OutboxMessage.of(Topics.RAW_RECORDS_DLQ, "acc", "{\"schemaVersion\":1}").event()).isNull();
    }

    private static InteractionEvent event(boolean deleted) throws Exception {
        String json = """
                {"schemaVersion":1,"id":"%s","userId":"user-1","accountId":"acc-1","provider":"google",
                 "source":"google_calendar","kind":"meeting","direction":"meeting","contactEmail":"jane@client.example",
                 "role":"attendee","occurredAt":"2025-11-24T17:00:00Z","remoteId":"cal-1","mailbox":"alice@acme.test",
                 "viaSharedMailbox":false,"classification":"person","newsletter":false,
                 "meeting":{"startAt":"2025-11-24T17:00:00Z","allDay":false,"attendeeCount":3},"deleted":%s}"""
                .formatted(UUID.randomUUID(), deleted);
        return Json.mapper().readValue(json, InteractionEvent.class);
    }
}
