package io.interactionsync.connector.repository;

import io.interactionsync.connector.RetentionPolicy;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.List;

@ApplicationScoped
public class RetentionPolicyRepository implements PanacheRepositoryBase<RetentionPolicy, String> {

    /**
     * The policies of the collections having one of {@code emails} (normalised, lower-case) among their member emails,
     * ordered by collection id.
     */
    public List<RetentionPolicy> forMembers(Collection<String> emails) {
        if (emails.isEmpty()) {
            return List.of();
        }
        @SuppressWarnings("unchecked")
        List<RetentionPolicy> found = getEntityManager().createNativeQuery("""
                select r.* from connector.collection_retention r
                join connector.collections c on c.id = r.collection_id
                where c.member_emails && string_to_array(:emails, chr(10))
                order by r.collection_id
                """, RetentionPolicy.class)
                .setParameter("emails", String.join("\n", emails))
                .getResultList();
        return found;
    }
}
