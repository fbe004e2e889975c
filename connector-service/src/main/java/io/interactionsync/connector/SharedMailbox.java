package io.interactionsync.connector;

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

/**
 * A shared mailbox (normalised address) a Microsoft account reads through Graph with a {@code .Shared} scope, and the
 * state of that subscription ({@link io.interactionsync.model.AccountEvent.SharedMailboxState} wire names: only an
 * {@code active} one is attributed).
 */
@Entity
@Table(name = "shared_mailboxes")
public class SharedMailbox extends PanacheEntityBase {

    public static final String ACTIVE = "active";
    public static final String ACCESS_DENIED = "access_denied";
    public static final String SUSPENDED = "suspended";

    @EmbeddedId
    public Key key;

    @Column(name = "added_at", nullable = false)
    public Instant addedAt;

    /** {@code active}, {@code access_denied} or {@code suspended}. */
    @Column(nullable = false)
    public String state = ACTIVE;

    @Column(name = "state_changed_at")
    public Instant stateChangedAt;

    @Embeddable
    public static class Key implements Serializable {
        @Column(name = "account_id")
        public UUID accountId;
        @Column(name = "address")
        public String address;

        public Key() {
        }

        public Key(UUID accountId, String address) {
            this.accountId = accountId;
            this.address = address;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(accountId, k.accountId) && Objects.equals(address, k.address);
        }

        @Override
        public int hashCode() {
            return Objects.hash(accountId, address);
        }
    }
}
