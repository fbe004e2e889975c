package io.interactionsync.connector;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * The complete blocklist of a portal user (scope {@code user}) or of a team collection (scope {@code collection}):
 * lower-case addresses and {@code @domain} entries whose interactions are never stored.
 */
@Entity
@Table(name = "blocklists")
public class Blocklist extends PanacheEntityBase {

    public static final String USER = "user";
    public static final String COLLECTION = "collection";

    @EmbeddedId
    public Key key;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(nullable = false, columnDefinition = "text[]")
    public List<String> entries;

    @Column(name = "updated_by", nullable = false)
    public String updatedBy;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Embeddable
    public static class Key implements Serializable {
        @Column(name = "scope")
        public String scope;
        @Column(name = "owner_id")
        public String ownerId;

        public Key() {
        }

        public Key(String scope, String ownerId) {
            this.scope = scope;
            this.ownerId = ownerId;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(scope, k.scope) && Objects.equals(ownerId, k.ownerId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(scope, ownerId);
        }
    }
}
