package io.interactionsync.normalizer.mapper;

import io.interactionsync.model.InteractionEvent;
import io.interactionsync.normalizer.rules.SkipReason;
import java.util.List;

/**
 * What one upsert record means: the complete set of live events of its (user, source, remoteId). Events that
 * existed before and are not in the set are marked deleted (so a message moved to TRASH, R-F2, or a rule change
 * on replay, retracts its events).
 *
 * @param events           the events, empty when skipped
 * @param skip             why no events were produced, or null
 * @param droppedAddresses junk addresses dropped by R-A2
 */
public record Mapping(List<InteractionEvent> events, SkipReason skip, int droppedAddresses) {

    public static Mapping skipped(SkipReason reason, int droppedAddresses) {
        return new Mapping(List.of(), reason, droppedAddresses);
    }
}
