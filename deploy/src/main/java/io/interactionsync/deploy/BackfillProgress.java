package io.interactionsync.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.model.Topics;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * How far the backfill of a set of users has come, read the way an operator would: account sync status
 * from the connector, the normalizer's consumer lag from Kafka, and the rows in PostgreSQL.
 */
public final class BackfillProgress {

    /** One reading. */
    public record Snapshot(int accounts, int accountsSynced, int accountsFailed, long messagesRead,
                           long messagesEstimated, long normalizerLag, long eventsWritten,
                           Map<String, Integer> runningJobs) {

        /** Every account synced (or failed) and the normalizer has consumed everything published. */
        public boolean settled() {
            return accounts > 0 && accountsSynced + accountsFailed == accounts && normalizerLag == 0;
        }

        public String line(long seconds) {
            return String.format("[%4ds] accounts synced %d/%d%s · messages and events read %d%s · normalizer lag %d · events written %d%s",
                    seconds, accountsSynced, accounts, accountsFailed > 0 ? " (" + accountsFailed + " failed)" : "",
                    messagesRead, messagesEstimated > messagesRead ? " of about " + messagesEstimated : "", normalizerLag,
                    eventsWritten, runningJobs.isEmpty() ? "" : " · running jobs " + runningJobs.entrySet().stream()
                            .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")));
        }
    }

    private final StackEndpoints endpoints;
    private final StackClient client;
    private final boolean replicas;

    public BackfillProgress(StackEndpoints endpoints, StackClient client) {
        this(endpoints, client, false);
    }

    /** @param replicas whether each reading also counts the running sync jobs per lease owner (several replicas) */
    public BackfillProgress(StackEndpoints endpoints, StackClient client, boolean replicas) {
        this.endpoints = endpoints;
        this.client = client;
        this.replicas = replicas;
    }

    /**
     * @param userJwts portal JWT per user id
     * @param since    only a sync that finished at or after this instant counts (a re-run's earlier
     *                 "synced" must not end the wait before the new sync ran)
     */
    public Snapshot read(Map<String, String> userJwts, Instant since) {
        int accounts = 0;
        int synced = 0;
        int failed = 0;
        long read = 0;
        long estimated = 0;
        for (String jwt : userJwts.values()) {
            List<JsonNode> userAccounts = new java.util.ArrayList<>();
            client.googleAccounts(jwt).forEach(userAccounts::add);
            client.microsoftAccounts(jwt).forEach(userAccounts::add);
            for (JsonNode account : userAccounts) {
                accounts++;
                String status = account.path("syncStatus").asText();
                if (status.equals("synced") && syncedSince(account, since)) {
                    synced++;
                } else if (status.equals("error") || status.equals("reauth_required")) {
                    failed++;
                }
                for (JsonNode source : account.path("sources")) {
                    long fetched = source.path("fetched").asLong(0);
                    read += fetched;
                    // no estimate yet (Graph calendars, a first Calendar listing): what was read is the floor
                    estimated += Math.max(fetched, source.path("estimatedTotal").asLong(fetched));
                }
            }
        }
        return new Snapshot(accounts, synced, failed, read, estimated, normalizerLag(), eventsWritten(userJwts.keySet()),
                replicas ? runningJobs(endpoints.database()) : Map.of());
    }

    /**
     * The sync services' running jobs per lease owner ({@code google-sync-0 → 2}), sorted by owner: which replica syncs
     * how many accounts now. Empty before the services created their tables.
     */
    public static Map<String, Integer> runningJobs(LocalDatabase database) {
        Map<String, Integer> owners = new java.util.TreeMap<>();
        try (Connection c = database.connect()) {
            for (String schema : List.of("google_sync", "microsoft_sync")) {
                try (PreparedStatement q = c.prepareStatement("select lease_owner, count(*) from " + schema
                        + ".sync_jobs where state = 'running' group by lease_owner"); ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        owners.put(rs.getString(1), rs.getInt(2));
                    }
                } catch (SQLException e) {
                    // that service has not migrated its schema yet (autocommit: the next statement runs anyway)
                }
            }
        } catch (SQLException e) {
            return Map.of();
        }
        return owners;
    }

    private static boolean syncedSince(JsonNode account, Instant since) {
        for (JsonNode source : account.path("sources")) {
            String last = source.path("lastSyncedAt").asText("");
            if (source.path("enabled").asBoolean(true) && (last.isEmpty() || Instant.parse(last).isBefore(since))) {
                return false;
            }
        }
        return true;
    }

    long normalizerLag() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap()))) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("event-normalizer")
                    .partitionsToOffsetAndMetadata().get();
            Set<TopicPartition> partitions = admin.describeTopics(List.of(Topics.RAW_RECORDS)).allTopicNames().get()
                    .get(Topics.RAW_RECORDS).partitions().stream()
                    .map(p -> new TopicPartition(Topics.RAW_RECORDS, p.partition())).collect(Collectors.toSet());
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(
                    partitions.stream().collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()))).all().get();
            long lag = 0;
            for (TopicPartition tp : partitions) {
                OffsetAndMetadata c = committed.get(tp);
                lag += ends.get(tp).offset() - (c == null ? 0 : c.offset());
            }
            return lag;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        } catch (Exception e) {
            return -1;
        }
    }

    long eventsWritten(Set<String> userIds) {
        try (Connection c = endpoints.database().connect();
             PreparedStatement q = c.prepareStatement(
                     "select count(*) from normalizer.interaction_events where user_id = any(?) and not deleted")) {
            Array ids = c.createArrayOf("text", userIds.toArray());
            q.setArray(1, ids);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            return 0; // the normalizer has not created its table yet
        }
    }
}
