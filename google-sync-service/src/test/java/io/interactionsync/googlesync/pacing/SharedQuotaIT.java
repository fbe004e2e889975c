package io.interactionsync.googlesync.pacing;

import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.KafkaTestResource;
import io.interactionsync.testsupport.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Two {@link SharedQuota} instances (two replicas) sharing one budget in PostgreSQL, each spending as fast as it
 * can from several threads: no sliding period ever gets more than the quota, and the budget is actually used.
 * Scaled down: 1,100 units per second in 100 ms windows (100 units per window) instead of 1,200,000 per minute.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class SharedQuotaIT {

    private static final int QUOTA = 1_100;
    private static final Duration PERIOD = Duration.ofSeconds(1);

    @Inject
    AgroalDataSource dataSource;

    private record Spend(long atNanos, int units, int replica) {
    }

    @Test
    void shouldNeverGrantMoreThanTheSharedQuotaInAnyPeriodAcrossTwoReplicas() throws Exception {
        String key = "test-" + UUID.randomUUID();
        AtomicLong exhausted = new AtomicLong();
        List<SharedQuota> replicas = List.of(
                new SharedQuota(dataSource, key, QUOTA, PERIOD, Duration.ofMillis(100), 20,
                        outcome -> exhausted.addAndGet("exhausted".equals(outcome) ? 1 : 0)),
                new SharedQuota(dataSource, key, QUOTA, PERIOD, Duration.ofMillis(100), 20,
                        outcome -> exhausted.addAndGet("exhausted".equals(outcome) ? 1 : 0)));
        assertThat(replicas.getFirst().perWindow()).isEqualTo(100);

        ConcurrentLinkedQueue<Spend> spends = new ConcurrentLinkedQueue<>();
        long end = System.nanoTime() + Duration.ofMillis(3_000).toNanos();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int r = 0; r < replicas.size(); r++) {
                for (int t = 0; t < 4; t++) {
                    int replica = r;
                    threads.submit(() -> {
                        while (System.nanoTime() < end) {
                            replicas.get(replica).acquire(5);
                            spends.add(new Spend(System.nanoTime(), 5, replica));
                        }
                        return null;
                    });
                }
            }
        }

        List<Spend> sorted = new ArrayList<>(spends);
        sorted.sort(java.util.Comparator.comparingLong(Spend::atNanos));
        int maxInPeriod = 0;
        int sum = 0;
        int from = 0;
        for (Spend s : sorted) { // sliding period ending at each spend
            sum += s.units();
            while (sorted.get(from).atNanos() <= s.atNanos() - PERIOD.toNanos()) {
                sum -= sorted.get(from++).units();
            }
            maxInPeriod = Math.max(maxInPeriod, sum);
        }
        int total = sorted.stream().mapToInt(Spend::units).sum();
        assertThat(maxInPeriod).as("units spent in any 1 s across both replicas").isLessThanOrEqualTo(QUOTA);
        assertThat(total).as("the budget is used: about 3 s worth").isGreaterThan(2 * QUOTA);
        assertThat(sorted).anyMatch(s -> s.replica() == 0).anyMatch(s -> s.replica() == 1);
        assertThat(exhausted.get()).as("replicas waited for the next window").isPositive();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "select max(granted) from google_sync.quota_windows where quota = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getInt(1)).as("granted in one window").isLessThanOrEqualTo(100);
            }
        }
    }
}
