package io.interactionsync.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interactionsync.model.ContractSchemas.Contract;
import io.interactionsync.model.serde.AccountEventDeserializer;
import io.interactionsync.model.serde.DeadLetterDeserializer;
import io.interactionsync.model.serde.InteractionEventDeserializer;
import io.interactionsync.model.serde.JsonDeserializer;
import io.interactionsync.model.serde.JsonSerializer;
import io.interactionsync.model.serde.RawRecordDeserializer;
import io.interactionsync.model.serde.SyncRequestDeserializer;
import io.interactionsync.model.serde.SyncStatusDeserializer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ContractRoundTripTests {

    static final Instant AT = Instant.parse("2026-11-24T10:00:00Z");

    static Stream<Arguments> samples() {
        JsonNode gmailPayload = json("""
                {"id":"18c1","threadId":"18c0","labelIds":["INBOX"],"internalDate":"1764064800000",
                 "payload":{"headers":[{"name":"From","value":"Bob <bob@example.com>"}]}}""");
        return Stream.of(
                Arguments.of(Contract.ACCOUNT_EVENT, new AccountEventDeserializer(),
                        AccountEvent.of(AccountEvent.Type.CONNECTED, "acc-1", "user-1", Provider.GOOGLE,
                                "alice@acme.test", List.of("https://www.googleapis.com/auth/gmail.metadata"),
                                List.of(Source.GMAIL), AT)),
                Arguments.of(Contract.ACCOUNT_EVENT, new AccountEventDeserializer(),
                        new AccountEvent(1, AccountEvent.Type.DIRECTORY_CHANGED, "col-1", null, null, null, null, null,
                                null, null, new AccountEvent.Directory("col-1", "Acme Ventures",
                                List.of("alice@acme.test", "carol@acme.test"), List.of("acme.test")), AT)),
                Arguments.of(Contract.ACCOUNT_EVENT, new AccountEventDeserializer(),
                        new AccountEvent(1, AccountEvent.Type.DISCONNECTED, "acc-1", "user-1", Provider.MICROSOFT,
                                "alice@acme.test", null, null, null, true, null, AT)),
                Arguments.of(Contract.SYNC_REQUEST, new SyncRequestDeserializer(),
                        SyncRequest.of("acc-1", Provider.GOOGLE, List.of(Source.GMAIL, Source.GOOGLE_CALENDAR),
                                SyncRequest.Mode.AUTO, SyncRequest.Reason.CONNECT, AT)),
                Arguments.of(Contract.RAW_RECORD, new RawRecordDeserializer(),
                        new RawRecord(1, Source.GMAIL, RawRecord.Op.UPSERT, "acc-1", "user-1", "alice@acme.test",
                                false, "18c1", AT, "run-1", gmailPayload)),
                Arguments.of(Contract.RAW_RECORD, new RawRecordDeserializer(),
                        new RawRecord(1, Source.GMAIL, RawRecord.Op.UPSERT, "acc-1", "user-1", null, false, "18c1", AT,
                                "run-1", null, new RawRecord.Sealed(RawRecordSeal.ALG, "kid-1", "AAECAwQFBgcICQoL",
                                "c2VhbGVkIGJ5dGVzIGFuZCBhIHRhZyE="))),
                Arguments.of(Contract.SYNC_STATUS, new SyncStatusDeserializer(),
                        new SyncStatus(1, "acc-1", Source.OUTLOOK_MAIL, "shared@acme.test", SyncStatus.State.SYNCING,
                                120, 900L, null, null, AT)),
                Arguments.of(Contract.INTERACTION_EVENT, new InteractionEventDeserializer(),
                        new InteractionEvent(1, UUID.fromString("6f1c2a8e-3f5b-4a51-9d51-0d6c1b9a0e11"), "user-1",
                                "acc-1", Provider.GOOGLE, Source.GOOGLE_CALENDAR, InteractionEvent.Kind.MEETING,
                                InteractionEvent.Direction.MEETING, "bob@example.com", "Bob Smith",
                                InteractionEvent.Role.ATTENDEE, AT, "evt-1", null, null, "alice@acme.test", false,
                                InteractionEvent.Classification.PERSON, false,
                                new InteractionEvent.Meeting(AT, AT.plusSeconds(1800), false, 3, "accepted", true), false,
                                null, false)),
                Arguments.of(Contract.INTERACTION_EVENT, new InteractionEventDeserializer(),
                        new InteractionEvent(1, UUID.randomUUID(), "user-1", "acc-1", Provider.MICROSOFT,
                                Source.OUTLOOK_MAIL, InteractionEvent.Kind.EMAIL, InteractionEvent.Direction.INBOUND,
                                "news@list.example.com", null, InteractionEvent.Role.FROM, AT, "AAMk1",
                                "<abc@list.example.com>", "conv-1", "shared@acme.test", true,
                                InteractionEvent.Classification.BULK, true, null, false, 12, false)),
                Arguments.of(Contract.INTERACTION_EVENT, new InteractionEventDeserializer(),
                        new InteractionEvent(1, UUID.randomUUID(), "user-1", "acc-1", Provider.GOOGLE, Source.GMAIL,
                                InteractionEvent.Kind.EMAIL, InteractionEvent.Direction.OUTBOUND, "r1@example.com", null,
                                InteractionEvent.Role.TO, AT, "18c2", "<mass@acme.test>", "18c2", "alice@acme.test",
                                false, InteractionEvent.Classification.BULK, true, null, false, 10_000, true)),
                Arguments.of(Contract.DEAD_LETTER, new DeadLetterDeserializer(),
                        new DeadLetter(1, "invalid_json", "Unexpected end-of-input", Topics.RAW_RECORDS, 3, 42L,
                                "acc-1", "{\"op\":", "eyJvcCI6", AT)),
                Arguments.of(Contract.SYNC_STATUS, new SyncStatusDeserializer(),
                        new SyncStatus(1, "acc-1", Source.GMAIL, null, SyncStatus.State.INCOMPLETE, 0, null, AT,
                                "2 messages still missing after repair", AT, new Completeness(AT, 1200, 1190, 12, 10))),
                Arguments.of(Contract.SYNC_REQUEST, new SyncRequestDeserializer(),
                        SyncRequest.of("acc-1", Provider.MICROSOFT, List.of(Source.OUTLOOK_MAIL),
                                SyncRequest.Mode.AUTO, SyncRequest.Reason.MANUAL, AT).withAudit()),
                Arguments.of(Contract.ACCOUNT_EVENT, new AccountEventDeserializer(),
                        new AccountEvent(1, AccountEvent.Type.DIRECTORY_CHANGED, "col-2", null, null, null, null, null,
                                null, null, new AccountEvent.Directory("col-2", "Acme Ventures",
                                List.of("alice@acme.test"), List.of(), 18), AT)),
                Arguments.of(Contract.ACCOUNT_EVENT, new AccountEventDeserializer(),
                        AccountEvent.blocklistChanged(new AccountEvent.Blocklist(AccountEvent.Blocklist.Scope.USER,
                                "user-1", List.of("bob@example.com", "@spam.example")), AT)),
                Arguments.of(Contract.ACCOUNT_EVENT, new AccountEventDeserializer(),
                        AccountEvent.blocklistChanged(new AccountEvent.Blocklist(AccountEvent.Blocklist.Scope.COLLECTION,
                                "col-1", List.of()), AT)),
                Arguments.of(Contract.ACCOUNT_EVENT, new AccountEventDeserializer(),
                        AccountEvent.sharedMailboxAccessChanged("acc-1", "user-1", Provider.MICROSOFT,
                                "alice@acme.test", "deals@acme.test", AccountEvent.SharedMailboxState.ACCESS_DENIED, AT)));
    }

    @Test
    void shouldRejectADirectoryRetentionWindowBelowOneMonth() {
        ObjectNode event = (ObjectNode) json("""
                {"schemaVersion":1,"type":"directory_changed","accountId":"col-1","at":"2026-11-24T10:00:00Z",
                 "directory":{"collectionId":"col-1","memberEmails":[],"internalDomains":[],"eventMonths":0}}""");
        assertThat(ContractSchemas.validate(Contract.ACCOUNT_EVENT, event)).anySatisfy(m -> assertThat(m).contains("eventMonths"));
        ((ObjectNode) event.get("directory")).put("eventMonths", 24);
        assertThat(ContractSchemas.validate(Contract.ACCOUNT_EVENT, event)).isEmpty();
    }

    @ParameterizedTest(name = "{0} #{index}")
    @MethodSource("samples")
    <T> void shouldRoundTripAndMatchItsSchema(Contract contract, JsonDeserializer<T> deserializer, T value) {
        byte[] bytes = new JsonSerializer<T>().serialize("t", value);

        assertThat(deserializer.deserialize("t", bytes)).isEqualTo(value);
        assertThat(ContractSchemas.validate(contract, json(new String(bytes, StandardCharsets.UTF_8)))).isEmpty();
    }

    /** Schema v1 stays backward compatible: events written before the fan-out fields read with their defaults. */
    @Test
    void shouldReadInteractionEventsWrittenBeforeTheRecipientFields() {
        String before = """
                {"schemaVersion":1,"id":"6f1c2a8e-3f5b-4a51-9d51-0d6c1b9a0e11","userId":"user-1","accountId":"acc-1",
                 "provider":"google","source":"gmail","kind":"email","direction":"inbound",
                 "contactEmail":"bob@example.com","role":"from","occurredAt":"2026-11-24T10:00:00Z","remoteId":"18c1",
                 "mailbox":"alice@acme.test","viaSharedMailbox":false,"classification":"person","newsletter":false,
                 "deleted":false}""";
        assertThat(ContractSchemas.validate(Contract.INTERACTION_EVENT, json(before))).isEmpty();

        InteractionEvent read = new InteractionEventDeserializer().deserialize("t", before.getBytes(StandardCharsets.UTF_8));

        assertThat(read.recipientCount()).isNull();
        assertThat(read.recipientsTruncated()).isFalse();
        assertThat(read.contactEmail()).isEqualTo("bob@example.com");
    }

    @Test
    void shouldRejectANegativeRecipientCount() {
        ObjectNode event = (ObjectNode) json(new String(new JsonSerializer<InteractionEvent>().serialize("t",
                (InteractionEvent) samples().skip(8).findFirst().orElseThrow().get()[2]), StandardCharsets.UTF_8));
        assertThat(ContractSchemas.validate(Contract.INTERACTION_EVENT, event)).isEmpty();
        event.put("recipientCount", -1);
        assertThat(ContractSchemas.validate(Contract.INTERACTION_EVENT, event))
                .anySatisfy(m -> assertThat(m).contains("recipientCount"));
    }

    @Test
    void shouldWriteWireNamesAndIsoInstants() {
        String written = new String(new JsonSerializer<SyncRequest>().serialize("t",
                SyncRequest.of("acc-1", Provider.MICROSOFT, List.of(Source.OUTLOOK_CALENDAR), SyncRequest.Mode.FULL,
                        SyncRequest.Reason.RESYNC, AT)), StandardCharsets.UTF_8);

        assertThat(written).isEqualTo("{\"schemaVersion\":1,\"accountId\":\"acc-1\",\"provider\":\"microsoft\","
                + "\"sources\":[\"outlook_calendar\"],\"mode\":\"full\",\"reason\":\"resync\","
                + "\"requestedAt\":\"2026-11-24T10:00:00Z\"}");
    }

    @Test
    void shouldRejectRawRecordsThatViolateTheSchema() {
        ObjectNode record = (ObjectNode) json("""
                {"schemaVersion":1,"source":"gmail","op":"upsert","accountId":"a","userId":"u",
                 "mailbox":"alice@acme.test","sharedMailbox":false,"remoteId":"m1",
                 "observedAt":"2026-11-24T10:00:00Z","payload":{}}""");
        assertThat(ContractSchemas.validate(Contract.RAW_RECORD, record)).isEmpty();

        record.put("op", "merge");
        record.remove("remoteId");
        assertThat(ContractSchemas.validate(Contract.RAW_RECORD, record))
                .hasSize(2)
                .anySatisfy(m -> assertThat(m).contains("remoteId"))
                .anySatisfy(m -> assertThat(m).contains("op"));
    }

    @Test
    void shouldRequireEitherThePlaintextOrTheSealedPartNeverBoth() {
        ObjectNode sealed = (ObjectNode) json("""
                {"schemaVersion":1,"source":"gmail","op":"upsert","accountId":"a","userId":"u","sharedMailbox":false,
                 "remoteId":"m1","observedAt":"2026-11-24T10:00:00Z",
                 "sealed":{"alg":"A256GCM","kid":"k1","iv":"AAECAwQFBgcICQoL","ct":"c2VhbGVkIGJ5dGVzIGFuZCBhIHRhZyE="}}""");
        assertThat(ContractSchemas.validate(Contract.RAW_RECORD, sealed)).isEmpty();

        ObjectNode leaking = sealed.deepCopy();
        leaking.put("mailbox", "alice@acme.test");
        assertThat(ContractSchemas.validate(Contract.RAW_RECORD, leaking)).as("sealed and a clear mailbox").isNotEmpty();
        ObjectNode leakingPayload = sealed.deepCopy();
        leakingPayload.putObject("payload");
        assertThat(ContractSchemas.validate(Contract.RAW_RECORD, leakingPayload)).as("sealed and a clear payload")
                .isNotEmpty();

        ObjectNode neither = sealed.deepCopy();
        neither.remove("sealed");
        assertThat(ContractSchemas.validate(Contract.RAW_RECORD, neither)).as("no payload, no mailbox, not sealed")
                .isNotEmpty();

        ObjectNode otherAlg = sealed.deepCopy();
        ((ObjectNode) otherAlg.get("sealed")).put("alg", "A128CBC");
        ((ObjectNode) otherAlg.get("sealed")).remove("kid");
        assertThat(ContractSchemas.validate(Contract.RAW_RECORD, otherAlg)).hasSize(2);
    }

    @Test
    void shouldKeepTheRecipientFieldsWhenAnEventIsMarkedDeleted() {
        InteractionEvent truncated = (InteractionEvent) samples().skip(9).findFirst().orElseThrow().get()[2];

        InteractionEvent deleted = truncated.withDeleted(true);

        assertThat(deleted.deleted()).isTrue();
        assertThat(deleted).usingRecursiveComparison().ignoringFields("deleted").isEqualTo(truncated);
        assertThat(deleted.recipientCount()).isEqualTo(10_000);
        assertThat(deleted.recipientsTruncated()).isTrue();
    }

    @Test
    void shouldRejectAMeetingEventWithoutMeetingDetails() {
        ObjectNode event = (ObjectNode) json(new String(new JsonSerializer<InteractionEvent>().serialize("t",
                (InteractionEvent) samples().skip(7).findFirst().orElseThrow().get()[2]), StandardCharsets.UTF_8));
        event.remove("meeting");
        assertThat(ContractSchemas.validate(Contract.INTERACTION_EVENT, event)).isNotEmpty();
    }

    @Test
    void shouldWriteTheNewAccountEventTypesWithTheirWireNames() {
        String blocklist = new String(new JsonSerializer<AccountEvent>().serialize("t", AccountEvent.blocklistChanged(
                new AccountEvent.Blocklist(AccountEvent.Blocklist.Scope.COLLECTION, "col-1", List.of("@x.test")), AT)),
                StandardCharsets.UTF_8);
        assertThat(blocklist).isEqualTo("{\"schemaVersion\":1,\"type\":\"blocklist_changed\",\"accountId\":\"col-1\","
                + "\"at\":\"2026-11-24T10:00:00Z\",\"blocklist\":{\"scope\":\"collection\",\"ownerId\":\"col-1\","
                + "\"entries\":[\"@x.test\"]}}");
        String access = new String(new JsonSerializer<AccountEvent>().serialize("t",
                AccountEvent.sharedMailboxAccessChanged("acc-1", "user-1", Provider.MICROSOFT, null, "deals@acme.test",
                        AccountEvent.SharedMailboxState.SUSPENDED, AT)), StandardCharsets.UTF_8);
        assertThat(access).contains("\"type\":\"shared_mailbox_access_changed\"", "\"state\":\"suspended\"",
                "\"sharedMailbox\":\"deals@acme.test\"");
    }

    @Test
    void shouldRejectNewAccountEventTypesWithoutTheirPayload() {
        ObjectNode blocklist = (ObjectNode) json("{\"schemaVersion\":1,\"type\":\"blocklist_changed\","
                + "\"accountId\":\"user-1\",\"at\":\"2026-11-24T10:00:00Z\"}");
        assertThat(ContractSchemas.validate(Contract.ACCOUNT_EVENT, blocklist)).anySatisfy(m -> assertThat(m).contains("blocklist"));
        blocklist.putObject("blocklist").put("scope", "team").put("ownerId", "user-1").putArray("entries").add("a@x.test");
        assertThat(ContractSchemas.validate(Contract.ACCOUNT_EVENT, blocklist)).anySatisfy(m -> assertThat(m).contains("scope"));
        ((ObjectNode) blocklist.get("blocklist")).put("scope", "user");
        assertThat(ContractSchemas.validate(Contract.ACCOUNT_EVENT, blocklist)).isEmpty();

        ObjectNode access = (ObjectNode) json("{\"schemaVersion\":1,\"type\":\"shared_mailbox_access_changed\","
                + "\"accountId\":\"acc-1\",\"userId\":\"user-1\",\"provider\":\"microsoft\","
                + "\"sharedMailbox\":\"deals@acme.test\",\"at\":\"2026-11-24T10:00:00Z\"}");
        assertThat(ContractSchemas.validate(Contract.ACCOUNT_EVENT, access)).anySatisfy(m -> assertThat(m).contains("state"));
        access.put("state", "revoked");
        assertThat(ContractSchemas.validate(Contract.ACCOUNT_EVENT, access)).isNotEmpty();
        access.put("state", "access_denied");
        assertThat(ContractSchemas.validate(Contract.ACCOUNT_EVENT, access)).isEmpty();
    }

    @Test
    void shouldFailWithAClearErrorOnMalformedJson() {
        assertThatThrownBy(() -> new RawRecordDeserializer().deserialize(Topics.RAW_RECORDS,
                "{\"op\":".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("RawRecord")
                .hasMessageContaining(Topics.RAW_RECORDS);
    }

    @Test
    void shouldReadUnknownFieldsFromNewerProducers() {
        SyncRequest read = new SyncRequestDeserializer().deserialize("t", ("{\"schemaVersion\":1,\"accountId\":\"a\","
                + "\"provider\":\"google\",\"sources\":[\"gmail\"],\"mode\":\"auto\",\"reason\":\"manual\","
                + "\"requestedAt\":\"2026-11-24T10:00:00Z\",\"priority\":5}").getBytes(StandardCharsets.UTF_8));
        assertThat(read.sources()).containsExactly(Source.GMAIL);
    }

    private static JsonNode json(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Optional fields added to v1 later read as their default when absent, as the schema allows (consumers of old values). */
    @Test
    void anEventWithoutTheLaterOptionalFieldsReadsWithTheirDefaults() throws Exception {
        String json = """
                {"schemaVersion":1,"id":"0b6a1c9e-7f43-4c55-9a55-2a8f3f0c2b11","userId":"u","accountId":"a",
                 "provider":"google","source":"google_calendar","kind":"meeting","direction":"meeting",
                 "contactEmail":"jane@client.example","role":"attendee","occurredAt":"2025-11-24T17:00:00Z",
                 "remoteId":"cal-1","mailbox":"alice@acme.test","viaSharedMailbox":false,"classification":"person",
                 "newsletter":false,"meeting":{"startAt":"2025-11-24T17:00:00Z","allDay":false,"attendeeCount":3},
                 "deleted":false}""";
        assertThat(ContractSchemas.validate(ContractSchemas.Contract.INTERACTION_EVENT, Json.mapper().readTree(json)))
                .isEmpty();
        InteractionEvent e = Json.mapper().readValue(json, InteractionEvent.class);
        assertThat(e.meeting().partial()).isFalse();
        assertThat(e.recipientsTruncated()).isFalse();
        assertThat(e.recipientCount()).isNull();
    }
}
