package io.interactionsync.deploy.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.emulator.generate.DataGenerator;
import io.interactionsync.emulator.generate.GenerateRequest;
import io.interactionsync.emulator.store.EmulatorStore;
import io.interactionsync.emulator.store.GmailMessage;
import io.interactionsync.emulator.store.GoogleUser;
import io.interactionsync.model.AccountEvent;
import io.interactionsync.model.Provider;
import io.interactionsync.model.RawRecord;
import io.interactionsync.model.Source;
import io.interactionsync.model.Topics;
import io.interactionsync.model.serde.JsonSerializer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The backlog the benchmark normalizes: Gmail metadata of generated teams, produced to {@code raw-records} as
 * google-sync publishes a backfill (RawRecord envelopes keyed by account id, the messages.get(format=metadata)
 * resource with google-sync's metadataHeaders), after the {@code account-events} the connector publishes (one
 * {@code directory_changed} per team, one {@code connected} per account).
 *
 * <p>The mail comes from the provider emulator's generator (the one that fills the local stack's mailboxes):
 * external threads, internal threads, newsletters, notifications, lists, bulk sends, with encoded-word and
 * "Last, First" names. It is generated one team at a time (teams of {@code teamSize}) so that the benchmark JVM
 * never holds more than one team's mail.
 *
 * <p>Transactional: the raw records go in ONE Kafka transaction, so a {@code read_committed} consumer (the normalizer)
 * sees none of them until {@link #produce} commits it, and then all at once: the benchmark's second backlog arrives
 * whole at a normalizer that is already running. Account-events are sent outside it, as the connector sends them.
 */
final class GmailBacklog {

    /** google-sync's default {@code google-sync.gmail.metadata-headers} (GoogleSyncConfig). */
    static final Set<String> METADATA_HEADERS = Set.of("From", "To", "Cc", "Bcc", "Date", "Message-ID",
            "In-Reply-To", "References", "List-Unsubscribe", "List-Unsubscribe-Post", "List-Id", "Precedence",
            "Delivered-To", "Return-Path", "Sender", "Reply-To", "Auto-Submitted", "Feedback-ID",
            "X-Auto-Response-Suppress", "Mailing-List", "X-Mailman-Version", "X-Google-Group-Id", "Content-Type")
            .stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());

    /** A backfill's get batch: records of one account are published in runs of this size, accounts interleaved. */
    private static final int RUN = 100;

    /**
     * What was produced. {@code nextOffsets}: per raw-records partition, the offset after its last record (of a
     * transactional backlog only; empty otherwise). A consumer commits that offset, short of the end offset, which
     * counts the transaction's commit marker too.
     */
    record Produced(long records, long inbox, long sent, int accounts, int teams, Map<Integer, Long> nextOffsets) {
    }

    private final String bootstrap;
    private final long seed;
    private final int firstTeam;
    private final boolean transactional;

    GmailBacklog(String bootstrap, long seed) {
        this(bootstrap, seed, 0, false);
    }

    /** {@code firstTeam}: the number of the first team's domain (team&lt;n&gt;.bench.test), so backlogs do not share accounts. */
    GmailBacklog(String bootstrap, long seed, int firstTeam, boolean transactional) {
        this.bootstrap = bootstrap;
        this.seed = seed;
        this.firstTeam = firstTeam;
        this.transactional = transactional;
    }

    /** Produces about {@code records} raw records for {@code users} accounts (fewer if mailboxes run short). */
    Produced produce(long records, int users, int teamSize) {
        int teams = (users + teamSize - 1) / teamSize;
        long perMailbox = (records + users - 1) / users;
        if (perMailbox > 100_000) {
            throw new IllegalArgumentException("more than 100,000 records per account: use more --users");
        }
        // Not every generated message is backfilled (drafts, spam, trash): generate a margin more than needed.
        int generated = (int) (perMailbox + perMailbox / 2 + 10);
        Instant anchor = LocalDate.of(2026, 11, 1).atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant observedAt = Instant.now();
        long planned = 0, produced = 0, inbox = 0, sent = 0;
        Map<Integer, Long> nextOffsets = new java.util.concurrent.ConcurrentHashMap<>();
        int accounts = 0, teamsDone = 0;
        try (Producer<String, Object> producer = producer(null);
             Producer<String, Object> transaction = transactional ? producer("bench-backlog-" + seed) : null) {
            Producer<String, Object> rawRecords = transaction == null ? producer : transaction;
            Callback recordOffset = transaction == null ? null : (metadata, e) -> {
                if (e == null) {
                    nextOffsets.merge(metadata.partition(), metadata.offset() + 1, Math::max);
                }
            };
            if (transaction != null) {
                transaction.initTransactions();
                transaction.beginTransaction();
            }
            for (int t = 0; t < teams && produced < records; t++) {
                int members = Math.min(teamSize, users - t * teamSize);
                String domain = "team" + (firstTeam + t) + ".bench.test";
                EmulatorStore store = new EmulatorStore();
                new DataGenerator(new GenerateRequest(seed + t, members, 0, generated, 0, 12, domain, anchor))
                        .loadInto(store);
                List<GoogleUser> team = store.googleUsers();
                String collection = uuid("collection:" + domain);
                producer.send(new ProducerRecord<>(Topics.ACCOUNT_EVENTS, collection, new AccountEvent(
                        AccountEvent.SCHEMA_VERSION, AccountEvent.Type.DIRECTORY_CHANGED, collection, null, null, null,
                        null, null, null, null, new AccountEvent.Directory(collection, "Bench team " + t,
                        team.stream().map(GoogleUser::email).toList(), List.of(domain)), observedAt)));
                Map<GoogleUser, List<GmailMessage>> backfills = new LinkedHashMap<>();
                for (GoogleUser u : team) {
                    String accountId = uuid("account:" + u.email());
                    producer.send(new ProducerRecord<>(Topics.ACCOUNT_EVENTS, accountId, AccountEvent.of(
                            AccountEvent.Type.CONNECTED, accountId, uuid("user:" + u.email()), Provider.GOOGLE, u.email(),
                            List.of("https://www.googleapis.com/auth/gmail.metadata"), List.of(Source.GMAIL),
                            observedAt)));
                    // Each account's share of what is still missing: a mailbox short of backfillable mail is made
                    // up by the next ones, so that the backlog holds exactly the records asked for.
                    long quota = (records - planned + (users - accounts) - 1) / (users - accounts);
                    List<GmailMessage> backfill = backfill(u, (int) quota);
                    backfills.put(u, backfill);
                    planned += backfill.size();
                    accounts++;
                }
                // Accounts back-fill concurrently in google-sync: interleave them in runs of one get batch.
                for (int from = 0; produced < records; from += RUN) {
                    boolean any = false;
                    for (Map.Entry<GoogleUser, List<GmailMessage>> e : backfills.entrySet()) {
                        List<GmailMessage> list = e.getValue();
                        String email = e.getKey().email();
                        String accountId = uuid("account:" + email);
                        String userId = uuid("user:" + email);
                        for (int i = from; i < Math.min(list.size(), from + RUN) && produced < records; i++) {
                            any = true;
                            GmailMessage m = list.get(i);
                            JsonNode payload = m.toJson(GmailMessage.Format.METADATA, METADATA_HEADERS);
                            RawRecord r = new RawRecord(RawRecord.SCHEMA_VERSION, Source.GMAIL, RawRecord.Op.UPSERT,
                                    accountId, userId, email, false, m.id(), observedAt, "bench-" + accountId, payload);
                            rawRecords.send(new ProducerRecord<>(Topics.RAW_RECORDS, accountId, r), recordOffset);
                            produced++;
                            if (m.hasLabel("SENT")) {
                                sent++;
                            } else {
                                inbox++;
                            }
                        }
                    }
                    if (!any) {
                        break;
                    }
                }
                producer.flush();
                rawRecords.flush(); // the same producer unless transactional
                teamsDone++;
                System.out.printf(Locale.ROOT, "==> team %d/%d (%d accounts, %s): %,d raw records produced so far%n",
                        t + 1, teams, members, domain, produced);
            }
            producer.flush();
            if (transaction != null) {
                transaction.commitTransaction(); // every record visible at once
            }
        }
        return new Produced(produced, inbox, sent, accounts, teamsDone, Map.copyOf(nextOffsets));
    }

    /**
     * What google-sync's backfill publishes of a mailbox: messages in INBOX or SENT (not spam, trash or drafts
     * only), newest first, cut after {@code max} as the backfill horizon cuts them.
     */
    private static List<GmailMessage> backfill(GoogleUser u, int max) {
        List<GmailMessage> out = new ArrayList<>(max);
        for (GmailMessage m : u.mailbox().list(Set.of(), false, Integer.MAX_VALUE, null, null).messages()) {
            if (out.size() == max) {
                break;
            }
            if (m.hasLabel("INBOX") || m.hasLabel("SENT")) {
                out.add(m);
            }
        }
        return out;
    }

    private static String uuid(String name) {
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** {@code transactionalId}: null for a plain producer. */
    private Producer<String, Object> producer(String transactionalId) {
        // google-sync's raw-records producer: acks=all, idempotent, String keys, the common-model JSON serializer.
        Map<String, Object> config = new java.util.HashMap<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 10,
                ProducerConfig.BATCH_SIZE_CONFIG, 262_144,
                ProducerConfig.CLIENT_ID_CONFIG, transactionalId == null ? "bench-backlog" : transactionalId));
        if (transactionalId != null) {
            config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
            config.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 900_000); // the broker's maximum: a slow machine's minutes
        }
        return new KafkaProducer<>(config, new StringSerializer(), new JsonSerializer<>());
    }
}
