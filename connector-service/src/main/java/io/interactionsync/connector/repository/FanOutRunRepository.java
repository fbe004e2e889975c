package io.interactionsync.connector.repository;

import io.quarkus.hibernate.orm.panache.Panache;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Timestamp;
import java.time.Instant;

/** Claims of scheduled fan-out slots: the first replica to insert a slot runs it, the others skip. */
@ApplicationScoped
public class FanOutRunRepository {

    public boolean claim(Instant slot, Instant now) {
        return Panache.getEntityManager().createNativeQuery("""
                insert into connector.sync_fan_out_runs (scheduled_for, claimed_at) values (?1, ?2)
                on conflict (scheduled_for) do nothing
                """)
                .setParameter(1, Timestamp.from(slot))
                .setParameter(2, Timestamp.from(now))
                .executeUpdate() == 1;
    }

    public void recordRequests(Instant slot, int requests) {
        Panache.getEntityManager().createNativeQuery(
                        "update connector.sync_fan_out_runs set requests = ?2 where scheduled_for = ?1")
                .setParameter(1, Timestamp.from(slot))
                .setParameter(2, requests)
                .executeUpdate();
    }
}
