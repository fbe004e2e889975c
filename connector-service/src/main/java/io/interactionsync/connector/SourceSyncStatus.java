package io.interactionsync.connector;

import io.interactionsync.model.Completeness;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/** The last reported progress of one account × source × mailbox (from the {@code sync-status} topic). */
@Entity
@Table(name = "source_sync_status")
public class SourceSyncStatus extends PanacheEntityBase {

    /** The account's own mailbox/calendar (as opposed to a shared mailbox). */
    public static final String OWN_MAILBOX = "";

    @EmbeddedId
    public Key key;

    @Column(nullable = false)
    public String state;

    @Column(nullable = false)
    public long fetched;

    @Column(name = "estimated_total")
    public Long estimatedTotal;

    @Column(name = "last_synced_at")
    public Instant lastSyncedAt;

    @Column(name = "last_error")
    public String lastError;

    @Column(name = "reported_at", nullable = false)
    public Instant reportedAt;

    /** The last completeness audit (all five null until one ran). */
    @Column(name = "completeness_checked_at")
    public Instant completenessCheckedAt;

    @Column(name = "completeness_provider_count")
    public Long completenessProviderCount;

    @Column(name = "completeness_ingested_count")
    public Long completenessIngestedCount;

    @Column(name = "completeness_missing")
    public Long completenessMissing;

    @Column(name = "completeness_repaired")
    public Long completenessRepaired;

    /** Push health as last reported (null until a report carried it). */
    @Column(name = "push_state")
    public String pushState;

    @Column(name = "push_expires_at")
    public Instant pushExpiresAt;

    @Column(name = "push_last_notification_at")
    public Instant pushLastNotificationAt;

    @Column(name = "push_last_error")
    public String pushLastError;

    /** The last completeness audit of this source, or null when none has been reported. */
    public Completeness completeness() {
        if (completenessCheckedAt == null) {
            return null;
        }
        return new Completeness(completenessCheckedAt, orZero(completenessProviderCount),
                orZero(completenessIngestedCount), orZero(completenessMissing), orZero(completenessRepaired));
    }

    private static long orZero(Long n) {
        return n == null ? 0 : n;
    }

    @Embeddable
    public static class Key implements Serializable {
        @Column(name = "account_id")
        public UUID accountId;
        @Column(name = "source")
        public String source;
        @Column(name = "mailbox")
        public String mailbox;

        public Key() {
        }

        public Key(UUID accountId, String source, String mailbox) {
            this.accountId = accountId;
            this.source = source;
            this.mailbox = mailbox;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(accountId, k.accountId) && Objects.equals(source, k.source)
                    && Objects.equals(mailbox, k.mailbox);
        }

        @Override
        public int hashCode() {
            return Objects.hash(accountId, source, mailbox);
        }
    }
}
