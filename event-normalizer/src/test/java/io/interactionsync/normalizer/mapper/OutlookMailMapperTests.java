package io.interactionsync.normalizer.mapper;

import static io.interactionsync.normalizer.fixtures.CalendarFixtures.record;
import static io.interactionsync.normalizer.fixtures.GraphMailFixtures.add;
import static io.interactionsync.normalizer.fixtures.GraphMailFixtures.from;
import static io.interactionsync.normalizer.fixtures.GraphMailFixtures.header;
import static io.interactionsync.normalizer.fixtures.GraphMailFixtures.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interactionsync.model.ContractSchemas;
import io.interactionsync.model.InteractionEvent.Classification;
import io.interactionsync.model.InteractionEvent.Direction;
import io.interactionsync.model.Json;
import io.interactionsync.model.Provider;
import io.interactionsync.model.RawRecord;
import io.interactionsync.model.Source;
import io.interactionsync.normalizer.parse.MessageIds;
import io.interactionsync.normalizer.rules.History;
import io.interactionsync.normalizer.rules.MailboxContext;
import io.interactionsync.normalizer.rules.SkipReason;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** NORMALIZATION-RULES §A, §B, §C, §E on Graph messages (outlook_mail). */
class OutlookMailMapperTests {

    private final OutlookMailMapper mapper = new OutlookMailMapper();
    private static final MailboxContext CTX = new MailboxContext(Set.of("alice@acme.test"),
            Set.of("alice@acme.test", "bob@acme.test"), Set.of("acme.test"), History.NONE);

    private Mapping map(ObjectNode m) {
        return mapper.map(record(Source.OUTLOOK_MAIL, RawRecord.Op.UPSERT, m), CTX);
    }

    private static List<String> contacts(Mapping m) {
        return m.events().stream().map(e -> e.role().name().toLowerCase() + ":" + e.contactEmail()).toList();
    }

    private static ObjectNode inbound(String id) {
        ObjectNode m = from(message(id), "Jane@Client.example", "Doe, Jane");
        add(m, "toRecipients", "alice@acme.test", "Alice");
        return m;
    }

    @Test
    void R_A1_graphRecipientsAreObjectsNotHeaderStrings() {
        ObjectNode m = inbound("m1");
        add(m, "ccRecipients", "Jörg@partner.example", "Smith, Jörg");
        Mapping r = map(m);
        assertThat(contacts(r)).containsExactly("from:jane@client.example", "cc:jörg@partner.example");
        assertThat(r.events().get(0).contactName()).isEqualTo("Doe, Jane");
        assertThat(r.events().get(1).contactName()).isEqualTo("Smith, Jörg");
        assertThat(r.events()).allSatisfy(e -> {
            assertThat(e.provider()).isEqualTo(Provider.MICROSOFT);
            assertThat(e.source()).isEqualTo(Source.OUTLOOK_MAIL);
            assertThat(ContractSchemas.validate(ContractSchemas.Contract.INTERACTION_EVENT,
                    Json.mapper().valueToTree(e))).isEmpty();
        });
    }

    @Test
    void R_A2_junkRecipientObjectsAreDroppedAndCounted() {
        ObjectNode m = inbound("m2");
        add(m, "ccRecipients", "<", null);
        add(m, "ccRecipients", "undisclosed-recipients:;", null);
        Mapping r = map(m);
        assertThat(r.droppedAddresses()).isEqualTo(2);
        assertThat(contacts(r)).containsExactly("from:jane@client.example");
    }

    @Test
    void R_A6_receivedDateTimeForReceivedAndSentDateTimeForSentMail() {
        assertThat(map(inbound("m3")).events().get(0).occurredAt()).isEqualTo(Instant.parse("2025-11-24T16:00:05Z"));
        ObjectNode sent = add(from(message("m4"), "alice@acme.test", "Alice"), "toRecipients", "jane@client.example", null);
        assertThat(map(sent).events().get(0).occurredAt()).isEqualTo(Instant.parse("2025-11-24T16:00:00Z"));
        ObjectNode noTimes = inbound("m5");
        noTimes.remove("receivedDateTime");
        noTimes.remove("sentDateTime");
        assertThatThrownBy(() -> map(noTimes)).isInstanceOf(PayloadException.class);
        ObjectNode withDate = header(noTimes.deepCopy(), "Date", "Tue, 25 Nov 2025 09:30:00 -0800");
        assertThat(map(withDate).events().get(0).occurredAt()).isEqualTo(Instant.parse("2025-11-25T17:30:00Z"));
    }

    @Test
    void R_B1_fromTheMailboxOwnerIsOutbound() {
        ObjectNode sent = add(from(message("m6"), "Alice@Acme.test", "Alice"), "toRecipients", "jane@client.example", null);
        assertThat(map(sent).events()).singleElement().satisfies(e -> {
            assertThat(e.direction()).isEqualTo(Direction.OUTBOUND);
            assertThat(e.classification()).isEqualTo(Classification.PERSON);
        });
        assertThat(map(inbound("m7")).events().get(0).direction()).isEqualTo(Direction.INBOUND);
    }

    @Test
    void R_B2_colleaguesAndOwnAddressesNeverBecomeContacts() {
        ObjectNode m = inbound("m8");
        add(m, "ccRecipients", "bob@acme.test", null);
        add(m, "ccRecipients", "x@sub.acme.test", null);
        assertThat(contacts(map(m))).containsExactly("from:jane@client.example");
        ObjectNode internal = add(from(message("m9"), "bob@acme.test", null), "toRecipients", "alice@acme.test", null);
        assertThat(map(internal).skip()).isEqualTo(SkipReason.ALL_INTERNAL);
    }

    @Test
    void R_B3_fanOutAboveTheCapKeepsSenderAndFirstNRecipientsAsBulk() {
        OutlookMailMapper capped = new OutlookMailMapper(2);
        ObjectNode broadcast = inbound("f1");
        add(broadcast, "toRecipients", "bob@acme.test", null);
        add(broadcast, "toRecipients", "r1@x.example", "R1");
        add(broadcast, "ccRecipients", "r2@x.example", null);
        add(broadcast, "ccRecipients", "r3@x.example", null);
        add(broadcast, "bccRecipients", "r4@x.example", null); // received copy: Bcc neither counted nor kept (R-B4)
        Mapping in = capped.map(record(Source.OUTLOOK_MAIL, RawRecord.Op.UPSERT, broadcast), CTX);
        assertThat(contacts(in)).containsExactly("from:jane@client.example", "to:r1@x.example", "cc:r2@x.example");
        assertThat(in.events()).allSatisfy(e -> {
            assertThat(e.classification()).isEqualTo(Classification.BULK);
            assertThat(e.newsletter()).isTrue();
            assertThat(e.recipientCount()).isEqualTo(5); // alice, bob, r1, r2, r3
            assertThat(e.recipientsTruncated()).isTrue();
            assertThat(ContractSchemas.validate(ContractSchemas.Contract.INTERACTION_EVENT,
                    Json.mapper().valueToTree(e))).isEmpty();
        });

        // the owner's copy: its Bcc counts and is kept after To and Cc; an outbound broadcast is bulk too
        ObjectNode sent = add(from(message("f2"), "alice@acme.test", null), "toRecipients", "r1@x.example", null);
        add(sent, "bccRecipients", "r2@x.example", null);
        add(sent, "bccRecipients", "r3@x.example", null);
        Mapping out = capped.map(record(Source.OUTLOOK_MAIL, RawRecord.Op.UPSERT, sent), CTX);
        assertThat(contacts(out)).containsExactly("to:r1@x.example", "bcc:r2@x.example");
        assertThat(out.events()).allSatisfy(e -> {
            assertThat(e.direction()).isEqualTo(Direction.OUTBOUND);
            assertThat(e.classification()).isEqualTo(Classification.BULK);
            assertThat(e.newsletter()).isTrue();
            assertThat(e.recipientCount()).isEqualTo(3);
            assertThat(e.recipientsTruncated()).isTrue();
        });

        // at the cap: every recipient, classified as usual, the count recorded
        ObjectNode atCap = inbound("f3");
        add(atCap, "ccRecipients", "r1@x.example", null);
        assertThat(capped.map(record(Source.OUTLOOK_MAIL, RawRecord.Op.UPSERT, atCap), CTX).events()).allSatisfy(e -> {
            assertThat(e.classification()).isEqualTo(Classification.PERSON);
            assertThat(e.recipientCount()).isEqualTo(2);
            assertThat(e.recipientsTruncated()).isFalse();
        });
    }

    @Test
    void R_B4_bccOnlyOnTheSendersOwnCopy() {
        ObjectNode sent = add(from(message("m10"), "alice@acme.test", null), "toRecipients", "jane@client.example", null);
        add(sent, "bccRecipients", "lp@fund.example", null);
        assertThat(contacts(map(sent))).containsExactly("to:jane@client.example", "bcc:lp@fund.example");
        ObjectNode received = inbound("m11");
        add(received, "bccRecipients", "lp@fund.example", null);
        assertThat(contacts(map(received))).containsExactly("from:jane@client.example");
    }

    @Test
    void R_C1_draftsAndWellKnownJunkFoldersAreSkipped() {
        assertThat(map(inbound("m12").put("isDraft", true)).skip()).isEqualTo(SkipReason.SPAM_TRASH_DRAFT);
        assertThat(map(inbound("m13").put("parentFolderId", "junkemail")).skip()).isEqualTo(SkipReason.SPAM_TRASH_DRAFT);
        assertThat(map(inbound("m14").put("parentFolderId", "DeletedItems")).skip()).isEqualTo(SkipReason.SPAM_TRASH_DRAFT);
    }

    @Test
    void R_C2_R_C4_headerRulesApplyWhenInternetMessageHeadersArePresent() {
        assertThat(map(header(inbound("m15"), "Auto-Submitted", "auto-replied")).skip()).isEqualTo(SkipReason.AUTOMATED);
        assertThat(map(header(inbound("m16"), "Content-Class", "urn:content-classes:calendarmessage")).skip())
                .isEqualTo(SkipReason.CALENDAR_NOTIFICATION);
    }

    @Test
    void R_C6_bulkScoreFromHeadersAndNoHeadersMeansNoHeaderSignals() {
        ObjectNode bulk = from(message("m17"), "news@brand.example", "Brand");
        add(bulk, "toRecipients", "alice@acme.test", null);
        header(bulk, "List-Unsubscribe", "<mailto:u@brand.example>");
        header(bulk, "List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        assertThat(map(bulk).events().get(0).classification()).isEqualTo(Classification.BULK);
        assertThat(map(bulk).events().get(0).newsletter()).isTrue();
        ObjectNode plain = inbound("m18");
        plain.remove("internetMessageHeaders");
        assertThat(map(plain).events().get(0).classification()).isEqualTo(Classification.PERSON);
    }

    @Test
    void R_E1_internetMessageIdTrimmedOrSyntheticWhenMissing() {
        assertThat(map(inbound("m19")).events().get(0).internetMessageId()).isEqualTo("m19@mail.example.com");
        ObjectNode none = inbound("m20");
        none.remove("internetMessageId");
        assertThat(map(none).events().get(0).internetMessageId()).startsWith(MessageIds.SYNTHETIC_PREFIX);
        assertThat(map(inbound("m19")).events().get(0).threadId()).isEqualTo("AAQkAD-conv-m19");
    }

    @Test
    void R_F2_aDeltaRemovalYieldsNoEvents() {
        ObjectNode removed = Json.mapper().createObjectNode().put("id", "m21");
        removed.putObject("@removed").put("reason", "deleted");
        Mapping r = map(removed);
        assertThat(r.events()).isEmpty();
        assertThat(r.skip()).isEqualTo(SkipReason.REMOVED);
    }

    @Test
    void R_B5_aSharedMailboxsOwnerAddressIsTheSharedAddress() {
        MailboxContext shared = new MailboxContext(Set.of("dealflow@acme.test"), Set.of("alice@acme.test"),
                Set.of(), History.NONE);
        ObjectNode sentAsShared = add(from(message("m22"), "dealflow@acme.test", "Deal Flow"), "toRecipients",
                "founder@startup.example", null);
        RawRecord rec = record(Source.OUTLOOK_MAIL, RawRecord.Op.UPSERT, sentAsShared, "dealflow@acme.test", true,
                "acc-alice", "user-alice");
        assertThat(mapper.map(rec, shared).events()).singleElement().satisfies(e -> {
            assertThat(e.direction()).isEqualTo(Direction.OUTBOUND);
            assertThat(e.viaSharedMailbox()).isTrue();
            assertThat(e.mailbox()).isEqualTo("dealflow@acme.test");
        });
    }
}
