package io.interactionsync.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;

/**
 * Lifecycle of a connected account, published by the connector on {@link Topics#ACCOUNT_EVENTS}.
 *
 * @param type          what happened
 * @param accountId     the account (for {@code directory_changed}: the collection id)
 * @param userId        the portal user who owns the account
 * @param provider      google or microsoft (absent for {@code directory_changed})
 * @param email         the account's primary address
 * @param scopes        the scopes granted at the provider (from the token response)
 * @param sources       the sources enabled for syncing
 * @param sharedMailbox the shared address, for {@code shared_mailbox_added/removed}
 * @param purge         for {@code disconnected}: also delete the account's interaction events
 * @param directory     for {@code directory_changed}: the collection's new state
 * @param at            when it happened
 */
public record AccountEvent(
        int schemaVersion,
        Type type,
        String accountId,
        String userId,
        Provider provider,
        String email,
        List<String> scopes,
        List<Source> sources,
        String sharedMailbox,
        Boolean purge,
        Directory directory,
        Instant at) {

    public static final int SCHEMA_VERSION = 1;

    public enum Type {
        @JsonProperty("connected") CONNECTED,
        @JsonProperty("scopes_changed") SCOPES_CHANGED,
        @JsonProperty("reauth_required") REAUTH_REQUIRED,
        @JsonProperty("disconnected") DISCONNECTED,
        @JsonProperty("shared_mailbox_added") SHARED_MAILBOX_ADDED,
        @JsonProperty("shared_mailbox_removed") SHARED_MAILBOX_REMOVED,
        @JsonProperty("directory_changed") DIRECTORY_CHANGED
    }

    /**
     * A team collection: who counts as a colleague, and how long its members' interaction events are kept.
     *
     * @param eventMonths the team's retention window: events that occurred more than this many months ago are
     *                    deleted and no longer stored (null: the normalizer's global window applies)
     */
    public record Directory(String collectionId, String name, List<String> memberEmails, List<String> internalDomains,
                            Integer eventMonths) {

        /** A collection without a retention window of its own. */
        public Directory(String collectionId, String name, List<String> memberEmails, List<String> internalDomains) {
            this(collectionId, name, memberEmails, internalDomains, null);
        }
    }

    /** An event about one account (connected, scopes_changed, reauth_required…). */
    public static AccountEvent of(Type type, String accountId, String userId, Provider provider, String email,
                                  List<String> scopes, List<Source> sources, Instant at) {
        return new AccountEvent(SCHEMA_VERSION, type, accountId, userId, provider, email, scopes, sources,
                null, null, null, at);
    }
}
