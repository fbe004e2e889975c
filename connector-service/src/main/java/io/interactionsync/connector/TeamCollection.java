package io.interactionsync.connector;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A team directory collection: its members' addresses and internal domains identify colleagues. */
@Entity
@Table(name = "collections")
public class TeamCollection extends PanacheEntityBase {

    @Id
    public String id;

    @Column(nullable = false)
    public String name;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "member_emails", nullable = false, columnDefinition = "text[]")
    public List<String> memberEmails;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "internal_domains", nullable = false, columnDefinition = "text[]")
    public List<String> internalDomains;

    @Column(name = "updated_by", nullable = false)
    public String updatedBy;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
