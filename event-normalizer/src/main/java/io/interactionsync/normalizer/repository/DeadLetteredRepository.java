package io.interactionsync.normalizer.repository;

import io.interactionsync.model.DeadLetter;
import io.interactionsync.normalizer.service.BatchNormalizer.RecordKey;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code normalizer.dead_lettered_resources} (V12): the resources whose last dead-lettered record named them, with the
 * dead letter's code and a short reason, so the completeness audit is told "dead-lettered" rather than "missing"
 * ({@link IngestedRepository}). Written in the transaction that dead-letters the record.
 */
@ApplicationScoped
public class DeadLetteredRepository {

    /** The reason kept per resource: enough to tell the audit why; the DLQ holds the whole one. */
    public static final int MAX_REASON = 200;

    /**
     * Remembers the resources as dead-lettered, replacing an older dead letter of the same resource: one statement, and
     * none for a batch without such dead letters. The keys are distinct (a map), as one {@code on conflict do update}
     * statement requires.
     */
    public Uni<Void> save(SqlClient sql, Map<RecordKey, DeadLetter> deadLettered) {
        if (deadLettered.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        int n = deadLettered.size();
        UUID[] ids = new UUID[n];
        String[] accounts = new String[n];
        String[] sources = new String[n];
        String[] remoteIds = new String[n];
        String[] codes = new String[n];
        String[] reasons = new String[n];
        Integer[] partitions = new Integer[n];
        Long[] offsets = new Long[n];
        OffsetDateTime[] at = new OffsetDateTime[n];
        int i = 0;
        for (Map.Entry<RecordKey, DeadLetter> e : deadLettered.entrySet()) {
            RecordKey k = e.getKey();
            DeadLetter dl = e.getValue();
            ids[i] = k.resourceId();
            accounts[i] = k.accountId();
            sources[i] = k.source().wireName();
            remoteIds[i] = k.remoteId();
            codes[i] = dl.code();
            reasons[i] = shortReason(dl.reason());
            partitions[i] = dl.partition();
            offsets[i] = dl.offset();
            at[i] = dl.failedAt().atOffset(ZoneOffset.UTC);
            i++;
        }
        return sql.preparedQuery("insert into normalizer.dead_lettered_resources as d (resource_id, account_id, source, "
                        + "remote_id, code, reason, kafka_partition, kafka_offset, dead_lettered_at) "
                        + "select unnest($1::uuid[]), unnest($2::text[]), unnest($3::text[]), unnest($4::text[]), "
                        + "unnest($5::text[]), unnest($6::text[]), unnest($7::integer[]), unnest($8::bigint[]), "
                        + "unnest($9::timestamptz[]) "
                        + "on conflict (resource_id) do update set code = excluded.code, reason = excluded.reason, "
                        + "kafka_partition = excluded.kafka_partition, kafka_offset = excluded.kafka_offset, "
                        + "dead_lettered_at = excluded.dead_lettered_at")
                .execute(Tuple.tuple(List.<Object>of(ids, accounts, sources, remoteIds, codes, reasons, partitions,
                        offsets, at)))
                .replaceWithVoid();
    }

    /** A purged account's dead letters go with its versions. A scan (no index on account_id): both are rare. */
    public Uni<Void> deleteAccount(SqlClient sql, String accountId) {
        return sql.preparedQuery("delete from normalizer.dead_lettered_resources where account_id = $1")
                .execute(Tuple.of(accountId)).replaceWithVoid();
    }

    static String shortReason(String reason) {
        if (reason == null || reason.isBlank()) {
            return "";
        }
        // one line, and no control character: PostgreSQL text cannot hold NUL, and a reason may quote the payload
        String oneLine = reason.replaceAll("[\\s\\p{Cntrl}]+", " ").strip();
        if (oneLine.length() <= MAX_REASON) {
            return oneLine;
        }
        int end = MAX_REASON - 1;
        if (Character.isHighSurrogate(oneLine.charAt(end - 1))) {
            end--; // never half a character
        }
        return oneLine.substring(0, end) + "…";
    }
}
