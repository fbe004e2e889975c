package io.interactionsync.connector.operations;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.util.List;

/**
 * The team's accounts as the alerts and the dashboard read them, refreshed every {@code connector.metrics.account-states-every}:
 * <ul>
 *   <li>{@code connector_accounts{provider,status}}: accounts by status ({@code active}, {@code reauth_required});</li>
 *   <li>{@code connector_sources{provider,source,state}}: sources (own and shared mailboxes) by their last reported
 *       state ({@code pending … incomplete, error, reauth_required, access_denied});</li>
 *   <li>{@code connector_sources_last_success_age_seconds{provider,source}}: the stalest source of an active account,
 *       seconds since its last successful sync (since the account was connected when it never synced).</li>
 * </ul>
 * Every replica reads the same tables and reports the same figures: aggregate with {@code max}. A state that no
 * longer occurs drops out of the gauge (MultiGauge overwrite), so a recovered account stops alerting.
 */
@ApplicationScoped
public class AccountStateGauges {

    private final EntityManager entityManager;
    private final MultiGauge accounts;
    private final MultiGauge sources;
    private final MultiGauge lastSuccessAge;

    public AccountStateGauges(EntityManager entityManager, MeterRegistry registry) {
        this.entityManager = entityManager;
        this.accounts = MultiGauge.builder("connector.accounts")
                .description("Connected accounts by provider and status").register(registry);
        this.sources = MultiGauge.builder("connector.sources")
                .description("Account sources (own and shared mailboxes) by provider, source and last reported state")
                .register(registry);
        this.lastSuccessAge = MultiGauge.builder("connector.sources.last.success.age").baseUnit("seconds")
                .description("Seconds since the stalest source of an active account last synced successfully")
                .register(registry);
    }

    @Scheduled(identity = "account-state-gauges", every = "${connector.metrics.account-states-every:30s}",
            delayed = "${connector.metrics.account-states-delay:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    @Transactional
    void refresh() {
        accounts.register(rows("""
                select lower(provider), lower(status), count(*) from connector.accounts group by 1, 2
                """).stream().map(r -> MultiGauge.Row.of(Tags.of("provider", (String) r[0], "status", (String) r[1]),
                ((Number) r[2]).doubleValue())).toList(), true);
        sources.register(rows("""
                select lower(a.provider), s.source, s.state, count(*)
                from connector.source_sync_status s join connector.accounts a on a.id = s.account_id
                group by 1, 2, 3
                """).stream().map(r -> MultiGauge.Row.of(Tags.of("provider", (String) r[0], "source", (String) r[1],
                "state", (String) r[2]), ((Number) r[3]).doubleValue())).toList(), true);
        lastSuccessAge.register(rows("""
                select lower(a.provider), s.source,
                       max(extract(epoch from now() - coalesce(s.last_synced_at, a.created_at)))
                from connector.source_sync_status s join connector.accounts a on a.id = s.account_id
                where a.status = 'ACTIVE'
                group by 1, 2
                """).stream().map(r -> MultiGauge.Row.of(Tags.of("provider", (String) r[0], "source", (String) r[1]),
                ((Number) r[2]).doubleValue())).toList(), true);
    }

    @SuppressWarnings("unchecked")
    private List<Object[]> rows(String sql) {
        return entityManager.createNativeQuery(sql).getResultList();
    }
}
