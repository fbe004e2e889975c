package io.interactionsync.normalizer.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectWriter;
import io.interactionsync.model.InteractionEvent;
import io.interactionsync.model.InteractionEvent.Classification;
import io.interactionsync.model.InteractionEvent.Direction;
import io.interactionsync.model.InteractionEvent.Kind;
import io.interactionsync.model.InteractionEvent.Meeting;
import io.interactionsync.model.InteractionEvent.Role;
import io.interactionsync.model.Json;
import io.interactionsync.model.Provider;
import io.interactionsync.model.Source;
import io.interactionsync.normalizer.outbox.OutboxRepository.OutboxMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The relay's hand-written event serializer writes byte for byte what Jackson's reflective record serializer writes. */
class InteractionEventSerializerTests {

    /** The contract mapper's reflective record serializer: what interaction-events carried before. */
    private static final ObjectWriter REFLECTIVE = Json.mapper().writerFor(InteractionEvent.class);

    @Test
    void theRelayWritesExactlyWhatTheReflectiveSerializerWritesForEveryShapeOfEvent() throws Exception {
        List<InteractionEvent> events = events(new Random(7), 2_000);
        List<OutboxMessage> rendered = OutboxMessage.events(events); // one generator for all of them, as the relay does
        assertThat(rendered).hasSameSizeAs(events);
        for (int i = 0; i < events.size(); i++) {
            InteractionEvent e = events.get(i);
            assertThat(rendered.get(i).json()).isEqualTo(REFLECTIVE.writeValueAsString(e));
            assertThat(rendered.get(i).key()).isEqualTo(e.userId());
            assertThat(OutboxMessage.event(e).json()).isEqualTo(rendered.get(i).json());
        }
    }

    @Test
    void whatItWritesReadsBackAsTheSameEvent() throws Exception {
        for (InteractionEvent e : events(new Random(11), 500)) {
            assertThat(Json.mapper().readValue(OutboxMessage.event(e).payload(), InteractionEvent.class)).isEqualTo(e);
        }
    }

    /** Every enum value, nulls in every nullable field (recipientCount too), instants with and without fractions, text needing escapes. */
    private static List<InteractionEvent> events(Random r, int n) {
        String[] texts = {null, "", "Jörg \"JJ\" Müller", "a\\b\nc\u0001", "日本語 ✉", "plain", "x".repeat(300)};
        List<InteractionEvent> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Meeting meeting = r.nextBoolean() ? null : new Meeting(instant(r), r.nextInt(4) == 0 ? null : instant(r),
                    r.nextBoolean(), r.nextInt(500), pick(r, texts), r.nextBoolean());
            out.add(new InteractionEvent(r.nextInt(3), r.nextInt(20) == 0 ? null : UUID.randomUUID(), pick(r, texts),
                    pick(r, texts), pick(r, Provider.values()), pick(r, Source.values()), pick(r, Kind.values()),
                    pick(r, Direction.values()), pick(r, texts), pick(r, texts), pick(r, Role.values()),
                    r.nextInt(20) == 0 ? null : instant(r), pick(r, texts), pick(r, texts), pick(r, texts),
                    pick(r, texts), r.nextBoolean(), pick(r, Classification.values()), r.nextBoolean(), meeting,
                    r.nextBoolean(), r.nextInt(3) == 0 ? null : r.nextInt(20_000), r.nextBoolean()));
        }
        return out;
    }

    private static Instant instant(Random r) {
        long seconds = 1_500_000_000L + r.nextInt(400_000_000);
        int nanos = switch (r.nextInt(4)) {
            case 0 -> 0;
            case 1 -> r.nextInt(1000) * 1_000_000;
            case 2 -> r.nextInt(1_000_000) * 1_000;
            default -> r.nextInt(1_000_000_000);
        };
        return Instant.ofEpochSecond(seconds, nanos);
    }

    /** One of {@code values}, or null one time in eight. */
    private static <T> T pick(Random r, T[] values) {
        return r.nextInt(8) == 0 ? null : values[r.nextInt(values.length)];
    }
}
