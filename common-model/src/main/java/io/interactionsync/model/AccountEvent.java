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
 * @param sharedMailbox the shared address, for {@code shared_mailbox_added/removed/access_changed}
 * @param purge         for {@code disconnected}: also delete the account's interaction events
 * @param directory     for {@code directory_changed}: the collection's new state
 * @param at            when it happened
 * @param blocklist     for {@code blocklist_changed}: the complete new list and whose it is (then {@code accountId} is
 *                      the user id or the collection id, the record's key)
 * @param state         for {@code shared_mailbox_access_changed}: the subscription's new state
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
        Instant at,
        Blocklist blocklist,
        SharedMailboxState state) {

    public static final int SCHEMA_VERSION = 1;

    public enum Type {
        @JsonProperty("connected") CONNECTED,
        @JsonProperty("scopes_changed") SCOPES_CHANGED,
        @JsonProperty("reauth_required") REAUTH_REQUIRED,
        @JsonProperty("disconnected") DISCONNECTED,
        /**
         * The account is about to be disconnected: the sync services stop its push channels (Gmail watch, Calendar
         * channels, Graph subscriptions) now, while its tokens still work. {@code disconnected} follows after the
         * connector's grace ({@code connector.disconnect.push-stop-grace}, 2 s); nothing is awaited.
         */
        @JsonProperty("disconnecting") DISCONNECTING,
        @JsonProperty("shared_mailbox_added") SHARED_MAILBOX_ADDED,
        @JsonProperty("shared_mailbox_removed") SHARED_MAILBOX_REMOVED,
        @JsonProperty("directory_changed") DIRECTORY_CHANGED,
        /** A user's or a team collection's blocklist was replaced; keyed by the user id or the collection id. */
        @JsonProperty("blocklist_changed") BLOCKLIST_CHANGED,
        /** A subscriber's access to a shared mailbox changed (access denied, account suspended, active again). */
        @JsonProperty("shared_mailbox_access_changed") SHARED_MAILBOX_ACCESS_CHANGED
    }

    /**
     * The state of one account's subscription to a shared mailbox: {@code active} (its mail is attributed to the
     * account's user), {@code access_denied} (Exchange refused the account's access), {@code suspended} (the account
     * is {@code reauth_required} or disconnected). Only an active subscription is attributed.
     */
    public enum SharedMailboxState {
        @JsonProperty("active") ACTIVE,
        @JsonProperty("access_denied") ACCESS_DENIED,
        @JsonProperty("suspended") SUSPENDED;

        public String wireName() {
            return WireNames.of(this);
        }
    }

    /**
     * A complete blocklist: entries are lower-case addresses ({@code person@x.com}) or domains with a leading {@code @}
     * ({@code @x.com}: the domain and its subdomains).
     *
     * @param scope   {@code user}: the portal user's own list; {@code collection}: the whole team's
     * @param ownerId the user id or the collection id
     */
    public record Blocklist(Scope scope, String ownerId, List<String> entries) {
        public enum Scope {
            @JsonProperty("user") USER,
            @JsonProperty("collection") COLLECTION
        }
    }

    /** The fields every type shared before {@code blocklist} and {@code state} were added. */
    public AccountEvent(int schemaVersion, Type type, String accountId, String userId, Provider provider, String email,
                        List<String> scopes, List<Source> sources, String sharedMailbox, Boolean purge,
                        Directory directory, Instant at) {
        this(schemaVersion, type, accountId, userId, provider, email, scopes, sources, sharedMailbox, purge, directory,
                at, null, null);
    }

    /** {@code blocklist_changed}: keyed by {@code ownerId} (also the user id for a user's own list). */
    public static AccountEvent blocklistChanged(Blocklist blocklist, Instant at) {
        return new AccountEvent(SCHEMA_VERSION, Type.BLOCKLIST_CHANGED, blocklist.ownerId(),
                blocklist.scope() == Blocklist.Scope.USER ? blocklist.ownerId() : null, null, null, null, null, null,
                null, null, at, blocklist, null);
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

    /** {@code shared_mailbox_access_changed}: the account's subscription to {@code sharedMailbox} is now {@code state}. */
    public static AccountEvent sharedMailboxAccessChanged(String accountId, String userId, Provider provider,
                                                          String email, String sharedMailbox, SharedMailboxState state,
                                                          Instant at) {
        return new AccountEvent(SCHEMA_VERSION, Type.SHARED_MAILBOX_ACCESS_CHANGED, accountId, userId, provider, email,
                null, null, sharedMailbox, null, null, at, null, state);
    }

    /** An event about one account (connected, scopes_changed, reauth_required…). */
    public static AccountEvent of(Type type, String accountId, String userId, Provider provider, String email,
                                  List<String> scopes, List<Source> sources, Instant at) {
        return new AccountEvent(SCHEMA_VERSION, type, accountId, userId, provider, email, scopes, sources,
                null, null, null, at, null, null);
    }
}
