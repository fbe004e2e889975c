package io.interactionsync.connector;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * A team collection's retention policy: what a disconnect does with an account's data when its user does not say,
 * and how many months of interaction events the team's members keep (null: the global window).
 */
@Entity
@Table(name = "collection_retention")
public class RetentionPolicy extends PanacheEntityBase {

    public static final String PURGE = "purge";
    public static final String KEEP = "keep";

    @Id
    @Column(name = "collection_id")
    public String collectionId;

    /** {@value #PURGE} or {@value #KEEP}. */
    @Column(name = "on_disconnect", nullable = false)
    public String onDisconnect;

    @Column(name = "event_months")
    public Integer eventMonths;

    @Column(name = "updated_by", nullable = false)
    public String updatedBy;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
