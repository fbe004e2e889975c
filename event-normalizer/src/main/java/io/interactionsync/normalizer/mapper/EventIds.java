package io.interactionsync.normalizer.mapper;

import io.interactionsync.model.InteractionEvent.Role;
import io.interactionsync.model.Source;
import io.interactionsync.model.WireNames;
import io.interactionsync.normalizer.parse.Md5;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Event ids are derived from the uniqueness key (userId, source, remoteId, contactEmail, role) — a name-based
 * UUID — so a redelivered or replayed record produces the same id and downstream consumers can dedupe on it.
 */
public final class EventIds {

    private EventIds() {
    }

    public static UUID of(String userId, Source source, String remoteId, String contactEmail, Role role) {
        String name = String.join("\u0000", userId, source.wireName(), remoteId, contactEmail,
                WireNames.of(role));
        return Md5.nameUuid(name.getBytes(StandardCharsets.UTF_8));
    }
}
