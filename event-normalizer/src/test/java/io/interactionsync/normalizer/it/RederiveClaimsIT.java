package io.interactionsync.normalizer.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.interactionsync.normalizer.rederive.RederiveRepository;
import io.interactionsync.normalizer.rederive.RederiveRepository.Claimed;
import io.interactionsync.testsupport.DataKeyServerTestResource;
import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.KafkaTestResource;
import io.interactionsync.testsupport.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Issue 18, fast failover of the re-derivation queue: a claim names its replica. Other replicas skip a live claim and
 * take over an expired one; the same replica restarted (same instance id) takes its own back at once; a working
 * replica's heartbeat extends its claims. In one transaction that is rolled back, so the application's own worker never
 * sees the rows.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
@WithTestResource(DataKeyServerTestResource.class)
class RederiveClaimsIT {

    private static final Duration AWAIT = Duration.ofSeconds(30);
    private static final Duration LEASE = Duration.ofSeconds(10);

    @Inject
    Pool pool;
    @Inject
    RederiveRepository queue;

    @Test
    void aRestartedReplicaResumesItsOwnClaimsAtOnceAndOthersOnlyOnceTheyExpire() {
        SqlConnection conn = pool.getConnection().await().atMost(AWAIT);
        Transaction tx = conn.begin().await().atMost(AWAIT);
        try {
            String account = "acc-claims-" + UUID.randomUUID();
            UUID a = UUID.randomUUID();
            UUID b = UUID.randomUUID();
            conn.preparedQuery("insert into normalizer.rederive_queue (resource_id, account_id, reason) "
                    + "values ($1, $3, 'history'), ($2, $3, 'history')").execute(Tuple.of(a, b, account))
                    .await().atMost(AWAIT);

            List<Claimed> first = mine(conn, "normalizer-0", account);
            assertThat(first).extracting(Claimed::resourceId).containsExactlyInAnyOrder(a, b);
            // normalizer-0 is killed; another replica finds both claims live
            assertThat(mine(conn, "normalizer-1", account)).isEmpty();
            // normalizer-0 restarted under its name: its claims are its own to resume, now
            assertThat(mine(conn, "normalizer-0", account)).extracting(Claimed::resourceId)
                    .containsExactlyInAnyOrder(a, b);

            // while it works, its heartbeat keeps them; another replica's heartbeat renews nothing of its
            assertThat(queue.renew(conn, first, LEASE, "normalizer-1").await().atMost(AWAIT)).isZero();
            assertThat(queue.renew(conn, first, LEASE, "normalizer-0").await().atMost(AWAIT)).isEqualTo(2);
            assertThat(remaining(conn, a)).isGreaterThan(Duration.ofSeconds(5)).isLessThanOrEqualTo(LEASE);

            // a replica that is gone for good: once its lease ran out (no heartbeat), another replica takes over
            conn.preparedQuery("update normalizer.rederive_queue set claimed_until = clock_timestamp() "
                    + "- interval '1 second' where resource_id = $1").execute(Tuple.of(a)).await().atMost(AWAIT);
            assertThat(mine(conn, "normalizer-1", account)).extracting(Claimed::resourceId).containsExactly(a);
            assertThat(claimedBy(conn, a)).isEqualTo("normalizer-1");
            assertThat(claimedBy(conn, b)).isEqualTo("normalizer-0");

            // a resource queued again is unclaimed: anyone may take it
            conn.preparedQuery("insert into normalizer.rederive_queue (resource_id, account_id, reason) "
                    + "values ($1, $2, 'alias') on conflict (resource_id) do update set enqueued_at = clock_timestamp(), "
                    + "claimed_until = null, claimed_by = null").execute(Tuple.of(b, account)).await().atMost(AWAIT);
            assertThat(mine(conn, "normalizer-2", account)).extracting(Claimed::resourceId).containsExactly(b);
        } finally {
            tx.rollback().await().atMost(AWAIT);
            conn.close().await().atMost(AWAIT);
        }
    }

    /**
     * What {@code owner} claims now, of this test's rows (a limit above anything else queued: the rows other tests left
     * are claimed too, inside this transaction only).
     */
    private List<Claimed> mine(SqlConnection conn, String owner, String account) {
        return queue.claim(conn, 1_000_000, LEASE, owner).await().atMost(AWAIT).stream()
                .filter(c -> account.equals(c.accountId())).toList();
    }

    private static String claimedBy(SqlConnection conn, UUID resource) {
        return conn.preparedQuery("select claimed_by from normalizer.rederive_queue where resource_id = $1")
                .execute(Tuple.of(resource)).await().atMost(AWAIT).iterator().next().getString(0);
    }

    private static Duration remaining(SqlConnection conn, UUID resource) {
        double seconds = conn.preparedQuery("select extract(epoch from claimed_until - clock_timestamp()) "
                        + "from normalizer.rederive_queue where resource_id = $1")
                .execute(Tuple.of(resource)).await().atMost(AWAIT).iterator().next().getNumeric(0).doubleValue();
        return Duration.ofMillis((long) (seconds * 1000));
    }
}
