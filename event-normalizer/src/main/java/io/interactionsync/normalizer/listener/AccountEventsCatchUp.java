package io.interactionsync.normalizer.listener;

import io.interactionsync.model.Topics;
import io.interactionsync.normalizer.config.KafkaClientSecurity;
import io.interactionsync.normalizer.config.NormalizerConfig;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Holds {@code raw-records} back at startup until the {@code account-events} that were already in Kafka have been
 * applied — by any replica: it watches the group's committed offsets — so a backlog's first batches see the team
 * directory (R-B2), the accounts' own addresses (R-B1) and the shared-mailbox subscribers (R-B5). Both topics are
 * consumed at once; without the wait, a restart over a backlog normalised its first records before the directory was
 * stored, and colleagues became contacts (6.4 % of 391,884 events in the benchmark). What this replica applied
 * counts at once ({@link #applied}), without waiting for its offset commit (throttled, every second). Only the events present at
 * startup are waited for; later ones race with mail as they always may. After {@code
 * normalizer.startup.account-events-wait} it goes on with a warning rather than stop the pipeline.
 */
@ApplicationScoped
public class AccountEventsCatchUp {

    private static final Duration POLL = Duration.ofMillis(250);

    private final String bootstrapServers;
    private final String groupId;
    private final Duration maxWait;
    private final CompletableFuture<Void> caughtUp = new CompletableFuture<>();
    /** The next offset to apply per partition, as this replica committed its transactions (ahead of Kafka's commit). */
    private final Map<TopicPartition, OffsetAndMetadata> appliedHere = new ConcurrentHashMap<>();
    private final Object progress = new Object();

    public AccountEventsCatchUp(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers,
                                @ConfigProperty(name = "mp.messaging.incoming.account-events.group.id") String groupId,
                                NormalizerConfig config) {
        this.bootstrapServers = bootstrapServers;
        this.groupId = groupId;
        this.maxWait = config.startup().accountEventsWait();
    }

    void start(@Observes StartupEvent ev) {
        if (maxWait.isZero()) {
            caughtUp.complete(null);
            return;
        }
        Thread.ofVirtual().name("account-events-catch-up").start(this::await);
    }

    /** Completes once the account-events present at startup are applied (or the wait ran out). */
    public Uni<Void> awaited() {
        return caughtUp.isDone() ? Uni.createFrom().voidItem() : Uni.createFrom().completionStage(caughtUp);
    }

    /** Whether raw-records may flow: the account-events present at startup are applied, or the wait ran out. */
    public boolean done() {
        return caughtUp.isDone();
    }

    /** Called after this replica committed the account-events of {@code partition} up to {@code lastOffset}. */
    public void applied(TopicPartition partition, long lastOffset) {
        if (caughtUp.isDone()) {
            return;
        }
        appliedHere.merge(partition, new OffsetAndMetadata(lastOffset + 1), AccountEventsCatchUp::further);
        synchronized (progress) {
            progress.notifyAll();
        }
    }

    /** Whether every partition's committed offset has reached its end offset as of startup. */
    static boolean caughtUp(Map<TopicPartition, Long> ends, Map<TopicPartition, OffsetAndMetadata> committed) {
        return behind(ends, committed) == 0;
    }

    /** Records not yet applied: end offset minus committed offset (none committed: the log start, 0), summed. */
    static long behind(Map<TopicPartition, Long> ends, Map<TopicPartition, OffsetAndMetadata> committed) {
        long behind = 0;
        for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
            OffsetAndMetadata c = committed.get(e.getKey());
            behind += Math.max(0, e.getValue() - (c == null ? 0 : c.offset()));
        }
        return behind;
    }

    private void await() {
        long start = System.nanoTime();
        Map<String, Object> adminConfig = new java.util.HashMap<>(KafkaClientSecurity.properties());
        adminConfig.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(adminConfig)) {
            Map<TopicPartition, Long> ends = endOffsets(admin);
            Map<TopicPartition, OffsetAndMetadata> committed = committed(admin);
            long polledAt = System.nanoTime();
            long behind = behind(ends, merged(committed, appliedHere));
            boolean waited = behind > 0;
            if (waited) {
                Log.infof("raw-records wait until the %d account-events already in Kafka are applied", behind);
            }
            while (behind > 0) {
                if (System.nanoTime() - start > maxWait.toNanos()) {
                    Log.warnf("raw-records go on after %s with %d account-events not yet applied: their first records "
                            + "may miss the team directory", maxWait, behind);
                    return;
                }
                synchronized (progress) {
                    progress.wait(POLL.toMillis()); // woken by this replica's progress; others' is polled
                }
                if (System.nanoTime() - polledAt >= POLL.toNanos()) {
                    committed = committed(admin);
                    polledAt = System.nanoTime();
                }
                behind = behind(ends, merged(committed, appliedHere));
            }
            if (waited) {
                Log.infof("account-events caught up after %d ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            Log.warnf("raw-records go on without waiting for account-events: %s", e.toString());
        } finally {
            caughtUp.complete(null);
        }
    }

    /** Per partition the further of the group's committed offset and this replica's applied one. */
    static Map<TopicPartition, OffsetAndMetadata> merged(Map<TopicPartition, OffsetAndMetadata> committed,
                                                        Map<TopicPartition, OffsetAndMetadata> appliedHere) {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>(committed);
        appliedHere.forEach((tp, o) -> out.merge(tp, o, AccountEventsCatchUp::further));
        return out;
    }

    private static OffsetAndMetadata further(OffsetAndMetadata a, OffsetAndMetadata b) {
        return a.offset() >= b.offset() ? a : b;
    }

    private static Map<TopicPartition, Long> endOffsets(Admin admin) throws Exception {
        var description = admin.describeTopics(List.of(Topics.ACCOUNT_EVENTS)).allTopicNames().get(30, TimeUnit.SECONDS)
                .get(Topics.ACCOUNT_EVENTS);
        Map<TopicPartition, OffsetSpec> request = description.partitions().stream().collect(Collectors.toMap(
                p -> new TopicPartition(Topics.ACCOUNT_EVENTS, p.partition()), p -> OffsetSpec.latest()));
        Map<TopicPartition, Long> ends = new HashMap<>();
        admin.listOffsets(request).all().get(30, TimeUnit.SECONDS).forEach((tp, info) -> ends.put(tp, info.offset()));
        return ends;
    }

    private Map<TopicPartition, OffsetAndMetadata> committed(Admin admin) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> all = admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata()
                .get(30, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        all.forEach((tp, o) -> {
            if (o != null && tp.topic().equals(Topics.ACCOUNT_EVENTS)) {
                out.put(tp, o);
            }
        });
        return out;
    }
}
