package io.interactionsync.normalizer.mapper;

import static io.interactionsync.normalizer.fixtures.GmailFixtures.message;
import static org.assertj.core.api.Assertions.assertThat;

import io.interactionsync.model.ContractSchemas;
import io.interactionsync.model.DeadLetter;
import io.interactionsync.model.InteractionEvent;
import io.interactionsync.model.Json;
import io.interactionsync.model.RawRecord;
import io.interactionsync.model.Source;
import io.interactionsync.normalizer.fixtures.CalendarFixtures;
import io.interactionsync.normalizer.fixtures.GmailFixtures;
import io.interactionsync.normalizer.fixtures.GraphMailFixtures;
import io.interactionsync.normalizer.service.BatchNormalizer;
import io.interactionsync.normalizer.service.BatchNormalizer.Lookups;
import io.interactionsync.normalizer.service.BatchNormalizer.Plan;
import io.interactionsync.normalizer.service.BatchNormalizer.RemoteKey;
import io.interactionsync.normalizer.service.IncomingRecord;
import io.interactionsync.normalizer.service.RecordDecoder;
import io.interactionsync.normalizer.service.RetentionWindow;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A batch end to end without I/O: R-F1..R-F3 and the batch-level part of R-B1, R-B2. */
class BatchNormalizerTests {

    private final BatchNormalizer normalizer = new BatchNormalizer(
            new RecordDecoder(Clock.fixed(Instant.parse("2026-11-26T12:00:00Z"), ZoneOffset.UTC)), Mappers.all());
    private long offset;

    private IncomingRecord in(Object value) {
        byte[] bytes = value instanceof byte[] b ? b
                : value instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : json(value);
        return new IncomingRecord("raw-records", 0, offset++, GmailFixtures.ACCOUNT, bytes);
    }

    private static byte[] json(Object value) {
        try {
            return Json.mapper().writeValueAsBytes(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Plan plan(List<IncomingRecord> batch, Lookups lookups) {
        return normalizer.plan(normalizer.prepare(batch), lookups);
    }

    @Test
    void R_F3_poisonRecordsBecomeDeadLettersAndTheRestIsMapped() {
        RawRecord good1 = message("g1").labels("INBOX").from("jane@client.example").to("alice@acme.test").record();
        RawRecord good2 = message("g2").labels("INBOX").from("joe@client.example").to("alice@acme.test").record();
        RawRecord calendar = new RawRecord(1, Source.GOOGLE_CALENDAR, RawRecord.Op.UPSERT, "a", "u", "alice@acme.test",
                false, "ev1", Instant.now(), "r", Json.mapper().createObjectNode().put("id", "ev1"));
        byte[] brokenUtf8 = {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'};
        List<IncomingRecord> batch = new ArrayList<>();
        batch.add(in(good1));
        batch.add(in("{not json"));
        batch.add(in(brokenUtf8));
        batch.add(in("{\"schemaVersion\":1,\"source\":\"gmail\"}"));
        batch.add(in(Map.of("schemaVersion", 1, "source", "fax", "op", "upsert", "accountId", "a", "userId", "u",
                "mailbox", "m@x.com", "sharedMailbox", false, "remoteId", "r", "observedAt", "2026-11-24T10:00:00Z",
                "payload", Map.of())));
        batch.add(in(calendar));
        batch.add(in(GmailFixtures.upsert(message("bad").internalDate(null).from("jane@client.example")
                .to("alice@acme.test").json().put("payload", "oops"))));
        batch.add(new IncomingRecord("raw-records", 0, offset++, "k", null));
        batch.add(in(good2));

        Plan plan = plan(batch, Lookups.EMPTY);

        assertThat(plan.deadLetters()).extracting(DeadLetter::code).containsExactly("invalid_json", "invalid_json",
                "schema_violation", "schema_violation", "unparseable_payload", "null_value", "unparseable_payload");
        assertThat(plan.deadLetters()).allSatisfy(dl -> {
            assertThat(dl.reason()).isNotBlank();
            assertThat(dl.sourceTopic()).isEqualTo("raw-records");
            assertThat(ContractSchemas.validate(ContractSchemas.Contract.DEAD_LETTER, Json.mapper().valueToTree(dl)))
                    .isEmpty();
        });
        DeadLetter utf8 = plan.deadLetters().get(1);
        assertThat(utf8.original()).isNull();
        assertThat(Base64.getDecoder().decode(utf8.originalBase64())).isEqualTo(brokenUtf8);
        assertThat(plan.deadLetters().get(0).original()).isEqualTo("{not json");
        assertThat(plan.desired().values()).flatMap(l -> l).extracting(InteractionEvent::contactEmail)
                .containsExactly("jane@client.example", "joe@client.example");
    }

    @Test
    void R_F3_anUnmappablePayloadIsDeadLetteredWithItsReason() {
        RawRecord noTime = message("t").internalDate(null).labels("INBOX").from("jane@client.example")
                .to("alice@acme.test").record();
        Plan plan = plan(List.of(in(noTime)), Lookups.EMPTY);
        assertThat(plan.deadLetters()).singleElement().satisfies(dl -> {
            assertThat(dl.code()).isEqualTo("unparseable_payload");
            assertThat(dl.reason()).contains("internalDate");
        });
    }

    @Test
    void R_F2_deleteRecordsRetractAndALaterUpsertRevives() {
        RawRecord up = message("m1").labels("INBOX").from("jane@client.example").to("alice@acme.test").record();
        Plan deleted = plan(List.of(in(up), in(GmailFixtures.delete("m1"))), Lookups.EMPTY);
        RemoteKey key = new RemoteKey(GmailFixtures.USER, Source.GMAIL, "m1");
        assertThat(deleted.desired()).containsOnlyKeys(key);
        assertThat(deleted.desired().get(key)).isEmpty();
        Plan revived = plan(List.of(in(GmailFixtures.delete("m1")), in(up)), Lookups.EMPTY);
        assertThat(revived.desired().get(key)).hasSize(1);
    }

    @Test
    void R_F2_aMessageMovedToTrashHasNoLiveEvents() {
        RawRecord trashed = message("m1").labels("TRASH").from("jane@client.example").to("alice@acme.test").record();
        Plan plan = plan(List.of(in(trashed)), Lookups.EMPTY);
        assertThat(plan.desired().get(new RemoteKey(GmailFixtures.USER, Source.GMAIL, "m1"))).isEmpty();
    }

    @Test
    void R_B1_aliasLearnedFromSentMailAppliesToTheWholeBatchAndIsStored() {
        RawRecord received = message("r").labels("INBOX").from("jane@client.example").to("alice.a@acme-alias.example")
                .record();
        RawRecord sent = message("s").labels("SENT").from("alice.a@acme-alias.example").to("jane@client.example").record();
        Plan plan = plan(List.of(in(received), in(sent)), Lookups.EMPTY);
        assertThat(plan.ownerAddresses()).contains(
                new BatchNormalizer.OwnerAddress(GmailFixtures.ACCOUNT, GmailFixtures.USER, "alice.a@acme-alias.example"),
                new BatchNormalizer.OwnerAddress(GmailFixtures.ACCOUNT, GmailFixtures.USER, "alice@acme.test"));
        assertThat(plan.desired().get(new RemoteKey(GmailFixtures.USER, Source.GMAIL, "r")))
                .extracting(InteractionEvent::contactEmail).containsExactly("jane@client.example");
    }

    /** An Outlook message in folder {@code folder} of alice's mailbox, from {@code from} to {@code to}. */
    private static RawRecord graph(String id, String folder, String from, String to) {
        var m = GraphMailFixtures.from(GraphMailFixtures.message(id), from, null);
        m.put("parentFolderId", folder);
        GraphMailFixtures.add(m, "toRecipients", to, null);
        return CalendarFixtures.record(Source.OUTLOOK_MAIL, RawRecord.Op.UPSERT, m);
    }

    @Test
    void R_B1_outlookAliasesAreLearnedFromTheFolderHoldingTheOwnersSentMail() {
        String sent = "AQMkAD-sent", inbox = "AQMkAD-inbox";
        List<IncomingRecord> batch = List.of(
                in(graph("o1", sent, GmailFixtures.MAILBOX, "jane@client.example")),
                in(graph("o2", sent, GmailFixtures.MAILBOX, "joe@client.example")),
                in(graph("o3", inbox, "jane@client.example", GmailFixtures.MAILBOX)),
                // Sent from an alias: in the folder of the owner's sent copies, so outbound, and the alias is an owner.
                in(graph("o4", sent, "alice.a@acme-alias.example", "zed@client.example")),
                // A reply to the alias: the alias is no contact.
                in(graph("o5", inbox, "zed@client.example", "alice.a@acme-alias.example")));
        Plan plan = plan(batch, Lookups.EMPTY);
        assertThat(plan.ownerAddresses()).contains(
                new BatchNormalizer.OwnerAddress(GmailFixtures.ACCOUNT, GmailFixtures.USER, "alice.a@acme-alias.example"));
        assertThat(plan.ownerAddresses()).extracting(BatchNormalizer.OwnerAddress::key)
                .doesNotContain("jane@client.example", "zed@client.example");
        assertThat(plan.desired().get(new RemoteKey(GmailFixtures.USER, Source.OUTLOOK_MAIL, "o4"))).singleElement()
                .satisfies(e -> {
                    assertThat(e.direction()).isEqualTo(InteractionEvent.Direction.OUTBOUND);
                    assertThat(e.contactEmail()).isEqualTo("zed@client.example");
                });
        assertThat(plan.desired().get(new RemoteKey(GmailFixtures.USER, Source.OUTLOOK_MAIL, "o5")))
                .extracting(InteractionEvent::contactEmail).containsExactly("zed@client.example");
        assertThat(plan.folderVotes()).isEqualTo(Map.of(GmailFixtures.ACCOUNT, Map.of(sent, 2)));
    }

    @Test
    void R_B1_outlookStoredFolderEvidenceDecidesAndATieLearnsNothing() {
        RawRecord fromAlias = graph("a1", "AQMkAD-sent", "alice.a@acme-alias.example", "zed@client.example");
        Lookups stored = new Lookups(Map.of(), List.of(), Map.of(), Map.of(), Map.of(), Map.of(),
                Map.of(GmailFixtures.ACCOUNT, Map.of("AQMkAD-sent", 40L, "AQMkAD-inbox", 1L)));
        assertThat(plan(List.of(in(fromAlias)), stored).ownerAddresses()).extracting(BatchNormalizer.OwnerAddress::key)
                .contains("alice.a@acme-alias.example");
        assertThat(plan(List.of(in(fromAlias)), Lookups.EMPTY).ownerAddresses())
                .as("no evidence yet: a stranger's mail, not an alias").extracting(BatchNormalizer.OwnerAddress::key)
                .doesNotContain("alice.a@acme-alias.example");
        Lookups tie = new Lookups(Map.of(), List.of(), Map.of(), Map.of(), Map.of(), Map.of(),
                Map.of(GmailFixtures.ACCOUNT, Map.of("AQMkAD-sent", 3L, "AQMkAD-inbox", 3L)));
        assertThat(plan(List.of(in(fromAlias)), tie).ownerAddresses()).extracting(BatchNormalizer.OwnerAddress::key)
                .doesNotContain("alice.a@acme-alias.example");
    }

    @Test
    void R_B1_theAddressesOfTheUsersOtherAccountsAreOwnerAddresses() {
        RawRecord fromOtherAccount = message("o").labels("INBOX").from("alice@acme.onmicrosoft.example")
                .to("alice@acme.test, zed@other.example").record();
        Lookups lookups = new Lookups(Map.of(GmailFixtures.USER, Set.of("alice@acme.onmicrosoft.example")), List.of(),
                Map.of(), Map.of());
        Plan plan = plan(List.of(in(fromOtherAccount)), lookups);
        assertThat(plan.desired().values()).flatMap(l -> l).singleElement().satisfies(e -> {
            assertThat(e.direction()).isEqualTo(InteractionEvent.Direction.OUTBOUND);
            assertThat(e.contactEmail()).isEqualTo("zed@other.example");
        });
    }

    @Test
    void R_B2_theUsersCollectionsAreThoseContainingTheAccountEmail() {
        RawRecord received = message("r").labels("INBOX").from("dan@partner.example").to("alice@acme.test")
                .cc("zed@other.example").record();
        Lookups lookups = new Lookups(Map.of(), List.of(
                new BatchNormalizer.Collection("team", Set.of("alice@acme.test", "dan@partner.example"), Set.of()),
                new BatchNormalizer.Collection("not-mine", Set.of("someone@else.example"), Set.of("other.example"))),
                Map.of(), Map.of());
        Plan plan = plan(List.of(in(received)), lookups);
        assertThat(plan.desired().values()).flatMap(l -> l).extracting(InteractionEvent::contactEmail)
                .containsExactly("zed@other.example");
    }

    @Test
    void R_F1_theSameRecordTwiceInABatchYieldsOneSetOfEvents() {
        RawRecord up = message("m1").labels("INBOX").from("jane@client.example").to("alice@acme.test").record();
        Plan plan = plan(List.of(in(up), in(up)), Lookups.EMPTY);
        assertThat(plan.desired()).hasSize(1);
        assertThat(plan.desired().values()).flatMap(l -> l).hasSize(1);
    }

    @Test
    void R_F3_aDeadLetteredRecordRecordsNoVersionSoTheAuditSeesItAsNeverProcessed() {
        RawRecord good = message("g1").labels("INBOX").from("jane@client.example").to("alice@acme.test").record();
        RawRecord skipped = message("d1").labels("DRAFT").from("alice@acme.test").to("jane@client.example").record();
        RawRecord deleted = GmailFixtures.delete("gone");
        // fails while reading the mail facts (before mapping)
        RawRecord noTime = message("t1").internalDate(null).labels("INBOX").from("jane@client.example")
                .to("alice@acme.test").record();
        // a Calendar event without a start fails while mapping
        RawRecord noStart = CalendarFixtures.record(Source.GOOGLE_CALENDAR, RawRecord.Op.UPSERT,
                Json.mapper().createObjectNode().put("id", "ev1"));
        // the same resource decided by a good record first, then a poison one: the good one's version stays
        RawRecord firstGood = CalendarFixtures.record(Source.GOOGLE_CALENDAR, RawRecord.Op.UPSERT,
                CalendarFixtures.googleMeeting("ev2"));
        RawRecord thenPoison = CalendarFixtures.record(Source.GOOGLE_CALENDAR, RawRecord.Op.UPSERT,
                Json.mapper().createObjectNode().put("id", "ev2"));
        List<IncomingRecord> batch = List.of(in(good), in(skipped), in(deleted), in(noTime), in(noStart),
                in(firstGood), in(thenPoison));

        Plan plan = plan(batch, Lookups.EMPTY);

        assertThat(plan.deadLetters()).hasSize(3);
        assertThat(plan.versions()).hasSize(4);
        assertThat(plan.versions().keySet()).extracting(k -> k.source().wireName() + "/" + k.remoteId())
                .containsExactlyInAnyOrder("gmail/g1", "gmail/d1", "gmail/gone", "google_calendar/ev2");
        assertThat(plan.versions().entrySet()).filteredOn(e -> e.getKey().remoteId().equals("ev2"))
                .singleElement().satisfies(e -> assertThat(e.getValue().offset()).isEqualTo(batch.get(5).offset()));
    }

    /**
     * R-F3 and the completeness audit: a dead letter whose record names its resource (account, source, remote id,
     * even in an otherwise broken envelope) is remembered by resource with its last code; one that names nothing (not
     * JSON, a tombstone) cannot be; a resource with a version, from this batch or stored, counts as processed.
     */
    @Test
    void R_F3_aDeadLetteredResourceIsRememberedWithItsCodeUnlessItHasAVersion() {
        RawRecord noTime = message("t1").internalDate(null).labels("INBOX").from("jane@client.example")
                .to("alice@acme.test").record();
        var noObservedAt = Json.mapper().<com.fasterxml.jackson.databind.node.ObjectNode>valueToTree(
                message("t2").labels("INBOX").from("jane@client.example").to("alice@acme.test").record());
        noObservedAt.remove("observedAt");
        var schemaFirst = noObservedAt.deepCopy().put("remoteId", "t3");
        RawRecord thenUnparseable = message("t3").internalDate(null).labels("INBOX").from("jane@client.example")
                .to("alice@acme.test").record();
        RawRecord poisonFirst = message("t4").internalDate(null).labels("INBOX").from("jane@client.example")
                .to("alice@acme.test").record();
        RawRecord thenGood = message("t4").labels("INBOX").from("jane@client.example").to("alice@acme.test").record();
        // fails while mapping (no start), but was applied before: processed, whatever failed since
        RawRecord storedThenPoison = CalendarFixtures.record(Source.GOOGLE_CALENDAR, RawRecord.Op.UPSERT,
                Json.mapper().createObjectNode().put("id", "ev-stored"));
        RawRecord noStart = CalendarFixtures.record(Source.GOOGLE_CALENDAR, RawRecord.Op.UPSERT,
                Json.mapper().createObjectNode().put("id", "ev1"));
        List<IncomingRecord> batch = List.of(in("{not json"), new IncomingRecord("raw-records", 0, offset++, "k", null),
                in(noTime), in(noObservedAt), in(schemaFirst), in(thenUnparseable), in(poisonFirst), in(thenGood),
                in(storedThenPoison), in(noStart));
        BatchNormalizer.RecordKey stored = BatchNormalizer.RecordKey.of(GmailFixtures.ACCOUNT, Source.GOOGLE_CALENDAR,
                "ev-stored");
        Lookups lookups = new Lookups(Map.of(), List.of(), Map.of(), Map.of(), Map.of(),
                Map.of(stored, new BatchNormalizer.Version(0, 0)), Map.of());

        Plan plan = plan(batch, lookups);

        assertThat(plan.deadLetters()).hasSize(9);
        Map<String, String> remembered = new java.util.TreeMap<>();
        plan.deadLettered().forEach((key, dl) -> {
            assertThat(key.accountId()).isEqualTo(GmailFixtures.ACCOUNT);
            assertThat(key.resourceId()).isEqualTo(io.interactionsync.normalizer.repository.ResourceIds.of(
                    key.accountId(), key.source(), key.remoteId()));
            remembered.put(key.source().wireName() + "/" + key.remoteId(), dl.code());
        });
        assertThat(remembered).containsExactlyEntriesOf(new java.util.TreeMap<>(Map.of(
                "gmail/t1", "unparseable_payload",
                "gmail/t2", "schema_violation",
                "gmail/t3", "unparseable_payload",
                "google_calendar/ev1", "unparseable_payload")));
        assertThat(plan.deadLettered().get(BatchNormalizer.RecordKey.of(GmailFixtures.ACCOUNT, Source.GMAIL, "t2"))
                .reason()).contains("observedAt");
    }

    private static RawRecord shared(RawRecord.Op op, com.fasterxml.jackson.databind.JsonNode payload) {
        return io.interactionsync.normalizer.fixtures.CalendarFixtures.record(Source.OUTLOOK_MAIL, op, payload,
                "DealFlow@acme.test", true, "acc-alice", "user-alice");
    }

    @Test
    void R_B5_aSharedMailboxRecordIsAttributedToEverySubscriber() {
        var payload = io.interactionsync.normalizer.fixtures.GraphMailFixtures.add(
                io.interactionsync.normalizer.fixtures.GraphMailFixtures.from(
                        io.interactionsync.normalizer.fixtures.GraphMailFixtures.message("sm1"),
                        "founder@startup.example", "Fay"), "toRecipients", "dealflow@acme.test", null);
        Lookups lookups = new Lookups(Map.of("user-bob", Set.of("bob@acme.test")),
                List.of(new BatchNormalizer.Collection("team", Set.of("bob@acme.test", "carol@acme.test"), Set.of())),
                Map.of(), Map.of(), Map.of("dealflow@acme.test", List.of(
                        new BatchNormalizer.Subscriber("acc-alice", "user-alice"),
                        new BatchNormalizer.Subscriber("acc-bob", "user-bob"),
                        new BatchNormalizer.Subscriber("acc-bob-2", "user-bob"))));
        var withCarol = payload.deepCopy();
        io.interactionsync.normalizer.fixtures.GraphMailFixtures.add(withCarol, "ccRecipients", "carol@acme.test", null);
        Plan plan = plan(List.of(in(shared(RawRecord.Op.UPSERT, withCarol))), lookups);
        assertThat(plan.desired()).containsOnlyKeys(new RemoteKey("user-alice", Source.OUTLOOK_MAIL, "sm1"),
                new RemoteKey("user-bob", Source.OUTLOOK_MAIL, "sm1"));
        List<InteractionEvent> alice = plan.desired().get(new RemoteKey("user-alice", Source.OUTLOOK_MAIL, "sm1"));
        List<InteractionEvent> bob = plan.desired().get(new RemoteKey("user-bob", Source.OUTLOOK_MAIL, "sm1"));
        // carol is bob's colleague (bob's collection), not alice's: each subscriber gets their own view
        assertThat(alice).extracting(InteractionEvent::contactEmail)
                .containsExactly("founder@startup.example", "carol@acme.test");
        assertThat(bob).extracting(InteractionEvent::contactEmail).containsExactly("founder@startup.example");
        assertThat(bob).allSatisfy(e -> {
            assertThat(e.viaSharedMailbox()).isTrue();
            assertThat(e.accountId()).isEqualTo("acc-bob");
            assertThat(e.mailbox()).isEqualTo("DealFlow@acme.test");
            assertThat(e.direction()).isEqualTo(InteractionEvent.Direction.INBOUND);
        });
        assertThat(alice.get(0).id()).isNotEqualTo(bob.get(0).id());
        // a delete retracts every subscriber's events
        Plan deleted = plan(List.of(in(shared(RawRecord.Op.DELETE, Json.mapper().createObjectNode().put("id", "sm1")))),
                lookups);
        assertThat(deleted.desired()).hasSize(2).allSatisfy((k, v) -> assertThat(v).isEmpty());
    }

    @Test
    void R_D1_aCalendarDeleteRecordRetractsTheMeetingsEvents() {
        var event = io.interactionsync.normalizer.fixtures.CalendarFixtures.googleMeeting("ev1");
        RawRecord up = io.interactionsync.normalizer.fixtures.CalendarFixtures.record(Source.GOOGLE_CALENDAR,
                RawRecord.Op.UPSERT, event);
        RawRecord cancelled = io.interactionsync.normalizer.fixtures.CalendarFixtures.record(Source.GOOGLE_CALENDAR,
                RawRecord.Op.DELETE, Json.mapper().createObjectNode().put("id", "ev1").put("status", "cancelled"));
        RemoteKey key = new RemoteKey(GmailFixtures.USER, Source.GOOGLE_CALENDAR, "ev1");
        assertThat(plan(List.of(in(up)), Lookups.EMPTY).desired().get(key)).isNotEmpty();
        Plan plan = plan(List.of(in(up), in(cancelled)), Lookups.EMPTY);
        assertThat(plan.desired().get(key)).isEmpty();
        assertThat(plan.deadLetters()).isEmpty();
    }

    @Test
    void retentionWindowLeavesOutEventsOlderThanTheTeamsOrTheGlobalWindowAndKeepsTheRecordProcessed() {
        Instant now = Instant.parse("2026-11-26T12:00:00Z");
        String old = Long.toString(now.atOffset(ZoneOffset.UTC).minusMonths(20).toInstant().toEpochMilli());
        String recent = Long.toString(now.minusSeconds(86_400).toEpochMilli());
        RawRecord oldMail = message("old").internalDate(old).labels("INBOX").from("jane@client.example")
                .to("alice@acme.test").record();
        RawRecord newMail = message("new").internalDate(recent).labels("INBOX").from("joe@client.example")
                .to("alice@acme.test").record();
        List<IncomingRecord> batch = List.of(in(oldMail), in(newMail));
        Lookups team12 = new Lookups(Map.of(), List.of(
                new BatchNormalizer.Collection("team", Set.of("alice@acme.test"), Set.of(), 12),
                new BatchNormalizer.Collection("longer", Set.of("alice@acme.test"), Set.of(), 48)), Map.of(), Map.of());

        Lookups noTeam = new Lookups(Map.of(), List.of(), Map.of(), Map.of());
        // no window at all: both stored
        assertThat(normalizer.plan(normalizer.prepare(batch), noTeam, new RetentionWindow(now, 0)).desired().values())
                .flatMap(l -> l).hasSize(2);
        // the shortest team window (12 months) applies, whatever the global one
        Plan byTeam = normalizer.plan(normalizer.prepare(batch), team12, new RetentionWindow(now, 36));
        assertThat(byTeam.desired().values()).flatMap(l -> l).extracting(InteractionEvent::remoteId)
                .containsExactly("new");
        assertThat(byTeam.desired()).as("the old message decides: no events (an older row would be retracted)")
                .containsKey(new RemoteKey(GmailFixtures.USER, Source.GMAIL, "old"));
        assertThat(byTeam.versions()).as("processed: the audit must not re-publish it").hasSize(2);
        assertThat(byTeam.stats().outcomes()).containsEntry("gmail/expired", 1).containsEntry("gmail/events", 1);
        // no team window: the global one (24 months keeps the 20-month-old message, 18 does not)
        assertThat(normalizer.plan(normalizer.prepare(batch), noTeam, new RetentionWindow(now, 24)).desired().values())
                .flatMap(l -> l).hasSize(2);
        assertThat(normalizer.plan(normalizer.prepare(batch), noTeam, new RetentionWindow(now, 18)).desired().values())
                .flatMap(l -> l).extracting(InteractionEvent::remoteId).containsExactly("new");
    }
}
