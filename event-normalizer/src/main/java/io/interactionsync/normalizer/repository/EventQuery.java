package io.interactionsync.normalizer.repository;

import io.interactionsync.model.InteractionEvent;
import io.interactionsync.model.Source;
import java.time.Instant;
import java.util.UUID;

/**
 * A page request on a user's events, newest first. {@code afterOccurredAt}/{@code afterId} is the keyset
 * position of the last item of the previous page.
 */
public record EventQuery(String userId, Instant since, Instant until, String contactEmail, Source source,
                         InteractionEvent.Kind kind, int limit, Instant afterOccurredAt, UUID afterId) {
}
