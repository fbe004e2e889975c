package io.interactionsync.relationship.support;

import io.interactionsync.model.InteractionEvent;
import io.interactionsync.model.InteractionEvent.Classification;
import io.interactionsync.model.InteractionEvent.Direction;
import io.interactionsync.model.InteractionEvent.Kind;
import io.interactionsync.model.InteractionEvent.Role;
import io.interactionsync.model.Provider;
import io.interactionsync.model.Source;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/** InteractionEvents as the normalizer publishes them, for this module's tests. */
public final class Events {

    private Events() {
    }

    public static InteractionEvent email(String userId, String accountId, String contact, Direction direction,
                                         Role role, Instant at, String messageId, Integer recipients) {
        return new InteractionEvent(InteractionEvent.SCHEMA_VERSION, UUID.randomUUID(), userId, accountId,
                Provider.GOOGLE, Source.GMAIL, Kind.EMAIL, direction, contact, "Name of " + contact, role, at,
                "r-" + UUID.randomUUID(), messageId, "t-" + messageId, userId + "@acme.test", false,
                Classification.PERSON, false, null, false, recipients, false);
    }

    public static InteractionEvent sent(String userId, String accountId, String contact, Instant at, String messageId) {
        return email(userId, accountId, contact, Direction.OUTBOUND, Role.TO, at, messageId, 1);
    }

    public static InteractionEvent received(String userId, String accountId, String contact, Instant at,
                                            String messageId) {
        return email(userId, accountId, contact, Direction.INBOUND, Role.FROM, at, messageId, 1);
    }

    public static InteractionEvent meeting(String userId, String accountId, String contact, Instant start,
                                           int attendees) {
        return new InteractionEvent(InteractionEvent.SCHEMA_VERSION, UUID.randomUUID(), userId, accountId,
                Provider.GOOGLE, Source.GOOGLE_CALENDAR, Kind.MEETING, Direction.MEETING, contact, null,
                Role.ATTENDEE, start, "ev-" + UUID.randomUUID(), null, null, userId + "@acme.test", false,
                Classification.PERSON, false,
                new InteractionEvent.Meeting(start, start.plus(Duration.ofMinutes(30)), false, attendees, "accepted",
                        false), false, null, false);
    }

    /** {@code e} with another classification and newsletter flag. */
    public static InteractionEvent classified(InteractionEvent e, Classification classification, boolean newsletter) {
        return new InteractionEvent(e.schemaVersion(), e.id(), e.userId(), e.accountId(), e.provider(), e.source(),
                e.kind(), e.direction(), e.contactEmail(), e.contactName(), e.role(), e.occurredAt(), e.remoteId(),
                e.internetMessageId(), e.threadId(), e.mailbox(), e.viaSharedMailbox(), classification, newsletter,
                e.meeting(), e.deleted(), e.recipientCount(), e.recipientsTruncated());
    }
}
