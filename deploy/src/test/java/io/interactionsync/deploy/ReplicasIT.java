package io.interactionsync.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.interactionsync.deploy.replicas.ReplicasProof;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Two replicas of each sync service and of the normalizer on the packaged local stack (issue 19 item 3; its ports
 * 8081-8084 and 8182-8184, 9081-9084 and 9182-9184, Kafka 9092/9093 and database {@code interaction_sync}: it runs
 * alone, like {@code SoakIT}): {@link ReplicasProof} — a one-replica baseline, then two replicas that split the accounts
 * and the {@code raw-records} partitions under a binding Gmail project quota, one replica of each sync service killed
 * (-9) mid-backfill and its jobs taken over by the other once their 8 s leases expire; the final event set equals the
 * baseline's. Logs: {@code .local/replicas/} at the repository root.
 */
class ReplicasIT {

    @Test
    void twoReplicasSplitTheWorkRespectTheProjectQuotaTakeOverAfterKillNineAndEndWithTheBaselinesEvents()
            throws Exception {
        ReplicasProof.Options options = ReplicasProof.Options.ci();
        ReplicasProof.Result result = new ReplicasProof(options, Path.of("..").toAbsolutePath().normalize(), System.out)
                .run();
        System.out.println(result.line());

        // both replicas of each sync service ran accounts of the backfill, and each killed one's jobs were claimed by
        // the other after their leases ended (lease 8 s + claim poll 1 s; slack for this shared machine) and finished
        assertThat(result.takeovers()).extracting(ReplicasProof.Takeover::service)
                .containsExactlyInAnyOrder("google-sync-service", "microsoft-sync-service");
        for (ReplicasProof.Takeover t : result.takeovers()) {
            assertThat(t.split()).as(t.service() + " split").hasSize(2)
                    .allSatisfy((replica, accounts) -> assertThat(accounts).isNotEmpty());
            assertThat(t.survivor()).isNotEqualTo(t.killed());
            assertThat(t.jobs()).as(t.service() + " jobs of the killed replica").isNotEmpty().allSatisfy(job -> {
                assertThat(job.claimed()).as("claimed after its lease ended").isGreaterThanOrEqualTo(job.leaseEnded() - 0.3)
                        .isLessThan(15);
                assertThat(job.finished()).as("finished by the survivor").isGreaterThan(job.claimed());
            });
        }
        // both normalizers held raw-records partitions at once, none twice
        assertThat(result.normalizerPartitions()).containsOnlyKeys("event-normalizer-0", "event-normalizer-1")
                .allSatisfy((replica, partitions) -> assertThat(partitions).isNotEmpty());
        Set<Integer> all = new HashSet<>();
        result.normalizerPartitions().values().forEach(p -> assertThat(all.addAll(p)).isTrue());
        // the project quota bound both Google replicas (their pacers waited for the shared budget), and the emulator
        // never had to refuse a request
        assertThat(result.exhaustedLeases()).hasSize(2).allSatisfy((replica, n) -> assertThat(n).isPositive());
        assertThat(result.gmailQuota().path("projectLimitRejections").asLong(-1)).isZero();
        assertThat(result.gmailQuota().path("userLimitRejections").asLong(-1)).isZero();
        assertThat(result.gmailQuota().path("projectUnitsPeakPerMinute").asLong())
                .isPositive().isLessThanOrEqualTo(options.projectUnitsPerMinute());
        // the same event set as one replica without faults
        assertThat(result.baselineEvents()).isPositive();
        assertThat(List.of(result.comparison().missing(), result.comparison().extra(), result.comparison().duplicates(),
                result.comparison().reclassified())).allSatisfy(d -> assertThat(d).isEmpty());
    }
}
