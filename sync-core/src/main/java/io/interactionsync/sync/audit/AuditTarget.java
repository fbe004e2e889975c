package io.interactionsync.sync.audit;

import io.interactionsync.model.Source;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One account × source (× shared mailbox) as the provider-specific side of a {@link CompletenessAuditor} sees it.
 * Implementations use the service's own paced, retried provider calls and its own published-records table; every
 * publish waits for Kafka's acks and updates that table, exactly like a sync step.
 */
public interface AuditTarget {

    Source source();

    /** A shared mailbox's address, or null (the default) for the account's own data. */
    default String mailbox() {
        return null;
    }

    /**
     * Lists the provider's ids inside the horizon (id-level: the cheapest listing the API has), calling {@code sink}
     * once per id that should be published live. Ids the listing cannot judge (e.g. not yet fetched Gmail messages
     * that may be drafts) may be passed: {@link #republish} reports them as not eligible.
     */
    void listProvider(Consumer<String> sink) throws InterruptedException;

    /**
     * What this service published inside the horizon: id → {@code true} when its last record was an upsert. Called
     * after {@link #listProvider}, so a target may use what the listing saw (e.g. etags that show a lost change: such
     * an id is reported as not published).
     */
    Map<String, Boolean> published();

    /**
     * Of published live ids the listing did not return, those the provider really lost: gone (404) or moved out of
     * scope (trash, spam, junk, deleted items). The others were only missing from the listing.
     */
    Set<String> confirmGone(Collection<String> ids) throws InterruptedException;

    /** Fetches these ids from the provider and publishes them as upserts. */
    Repair republish(Collection<String> ids) throws InterruptedException;

    /** Publishes deletes for these ids; returns the ids whose delete was acknowledged. */
    Set<String> publishDeletes(Collection<String> ids) throws InterruptedException;

    /**
     * The account the normalizer keyed an id's record by: the audited account, except for shared mailboxes whose
     * records carry the subscriber that read them.
     */
    default String ingestAccount(String accountId, String id) {
        return accountId;
    }

    /** Appended to the audit's log line: what the target reconciled besides records (e.g. folders), or "". */
    default String note() {
        return "";
    }

    /**
     * @param published   ids fetched and published (acks received)
     * @param notEligible ids that turned out not to belong (draft, chat, beyond the horizon): not gaps
     * @param failed      id → why it could not be repaired (still failing after retries)
     */
    record Repair(Set<String> published, Set<String> notEligible, Map<String, String> failed) {
    }
}
