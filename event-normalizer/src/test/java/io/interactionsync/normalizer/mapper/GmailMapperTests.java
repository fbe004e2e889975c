package io.interactionsync.normalizer.mapper;

import static io.interactionsync.normalizer.fixtures.GmailFixtures.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.model.ContractSchemas;
import io.interactionsync.model.InteractionEvent;
import io.interactionsync.model.InteractionEvent.Classification;
import io.interactionsync.model.InteractionEvent.Direction;
import io.interactionsync.model.InteractionEvent.Role;
import io.interactionsync.model.Json;
import io.interactionsync.model.RawRecord;
import io.interactionsync.normalizer.fixtures.GmailFixtures;
import io.interactionsync.normalizer.rules.History;
import io.interactionsync.normalizer.rules.MailboxContext;
import io.interactionsync.normalizer.rules.SkipReason;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** NORMALIZATION-RULES §B, §C, §E on Gmail format=metadata messages. */
class GmailMapperTests {

    private final GmailMapper mapper = new GmailMapper();

    private static MailboxContext ctx() {
        return ctx(History.NONE);
    }

    private static MailboxContext ctx(History history) {
        return new MailboxContext(Set.of("alice@acme.test"), Set.of("alice@acme.test", "bob@acme.test", "carol@acme.io"),
                Set.of("acme.test"), history);
    }

    private Mapping map(RawRecord r) {
        return mapper.map(r, ctx());
    }

    private static List<String> contacts(Mapping m) {
        return m.events().stream().map(e -> e.role().name().toLowerCase() + ":" + e.contactEmail()).toList();
    }

    @Test
    void R_A6_internalDateIsTheMessageTimeAndDateHeaderOnlyAFallback() {
        Mapping m = map(GmailFixtures.upsert(GmailFixtures.resource("inbound-from-client")));
        assertThat(m.events()).allSatisfy(e -> assertThat(e.occurredAt()).isEqualTo(Instant.parse("2025-11-24T17:00:00Z")));
        Mapping fallback = map(message("m2").internalDate(null).from("x@client.example").to("alice@acme.test")
                .header("Date", "Tue, 25 Nov 2025 09:30:00 -0800").labels("INBOX").record());
        assertThat(fallback.events().get(0).occurredAt()).isEqualTo(Instant.parse("2025-11-25T17:30:00Z"));
        assertThatThrownBy(() -> map(message("m3").internalDate(null).from("x@client.example").to("alice@acme.test")
                .labels("INBOX").record())).isInstanceOf(PayloadException.class);
    }

    @Test
    void R_A5_contactEmailKeepsTheAddressAndDuplicatesAreFoundByIdentityKey() {
        Mapping m = map(message("m").labels("SENT").from("alice@acme.test")
                .to("John.Smith@Gmail.com, johnsmith+deals@gmail.com, j.doe+x@acme-client.example").record());
        assertThat(contacts(m)).containsExactly("to:john.smith@gmail.com", "to:j.doe+x@acme-client.example");
    }

    @Test
    void R_B1_fromAnOwnerAddressIsOutbound() {
        Mapping m = map(message("m").labels("SENT").from("Alice <Alice@Acme.test>").to("jane@client.example").record());
        assertThat(m.events()).singleElement().satisfies(e -> {
            assertThat(e.direction()).isEqualTo(Direction.OUTBOUND);
            assertThat(e.role()).isEqualTo(Role.TO);
        });
        Mapping in = map(message("n").labels("INBOX").from("jane@client.example").to("alice@acme.test").record());
        assertThat(in.events()).singleElement().satisfies(e -> assertThat(e.direction()).isEqualTo(Direction.INBOUND));
    }

    @Test
    void R_B1_aliasesSeenInTheFromOfSentMessagesAreOwnerAddresses() {
        RawRecord sentFromAlias = message("m").labels("SENT").from("Alice <a.adams@acme-ventures.example>")
                .to("jane@client.example").record();
        assertThat(mapper.ownerAliases(sentFromAlias, mapper.facts(sentFromAlias))).containsExactly("a.adams@acme-ventures.example");
        RawRecord received = message("n").labels("INBOX").from("jane@client.example").to("a.adams@acme-ventures.example").record();
        assertThat(mapper.ownerAliases(received, mapper.facts(received))).isEmpty();
        MailboxContext withAlias = new MailboxContext(Set.of("alice@acme.test", "a.adams@acme-ventures.example"),
                Set.of(), Set.of(), History.NONE);
        assertThat(contacts(mapper.map(received, withAlias))).containsExactly("from:jane@client.example");
    }

    @Test
    void R_B2_colleaguesInternalDomainsAndOwnAddressesNeverBecomeContacts() {
        Mapping m = map(message("m").labels("INBOX").from("jane@client.example")
                .to("alice@acme.test, carol@acme.io, dave@eu.acme.test, erin@other.example").record());
        assertThat(contacts(m)).containsExactly("from:jane@client.example", "to:erin@other.example");
    }

    @Test
    void R_B3_oneEventPerOutsideParticipantAndRole() {
        Mapping m = map(GmailFixtures.upsert(GmailFixtures.resource("inbound-from-client")));
        assertThat(contacts(m)).containsExactly("from:jane.doe@client.example", "to:jorg@partner.example");
        InteractionEvent jorg = m.events().get(1);
        assertThat(jorg.contactName()).isEqualTo("Jörg Müller");
        Mapping dup = map(message("m").labels("SENT").from("alice@acme.test")
                .to("x@client.example, X <X@client.example>").cc("x@client.example").record());
        assertThat(contacts(dup)).containsExactly("to:x@client.example", "cc:x@client.example");
    }

    @Test
    void R_B3_allInternalParticipantsProduceNoEvents() {
        Mapping m = map(message("m").labels("INBOX").from("bob@acme.test").to("alice@acme.test").cc("carol@acme.io").record());
        assertThat(m.events()).isEmpty();
        assertThat(m.skip()).isEqualTo(SkipReason.ALL_INTERNAL);
    }

    @Test
    void R_B3_fanOutAboveTheCapKeepsSenderAndFirstNRecipientsAsBulk() {
        GmailMapper capped = new GmailMapper(3);
        // 6 distinct recipients (2 of them colleagues, one repeated in Cc), cap 3: the sender and the first 3 outside
        RawRecord broadcast = message("m").labels("INBOX").from("Jane <jane@client.example>")
                .to("alice@acme.test, bob@acme.test, r1@x.example, R2 <r2@x.example>, r3@x.example")
                .cc("r1@x.example, r4@x.example").header("List-Id", "<all.x.example>").record();
        Mapping in = capped.map(broadcast, ctx(history(Set.of("jane@client.example"), Set.of())));
        assertThat(contacts(in)).containsExactly("from:jane@client.example", "to:r1@x.example", "to:r2@x.example",
                "to:r3@x.example");
        assertThat(in.events()).allSatisfy(e -> {
            assertThat(e.direction()).isEqualTo(Direction.INBOUND);
            // bulk whatever history says: the user wrote to Jane (would be `list`), yet a broadcast is no relationship
            assertThat(e.classification()).isEqualTo(Classification.BULK);
            assertThat(e.newsletter()).isTrue();
            assertThat(e.recipientCount()).isEqualTo(6);
            assertThat(e.recipientsTruncated()).isTrue();
            assertThat(ContractSchemas.validate(ContractSchemas.Contract.INTERACTION_EVENT,
                    Json.mapper().valueToTree(e))).isEmpty();
        });
        // its class cannot depend on history, so it asks none (and no history change re-derives it)
        assertThat(capped.historyQuestions(broadcast, capped.facts(broadcast))).isEqualTo(RecordMapper.HistoryQuestions.NONE);

        // the user's own mass mailing: To, Cc, then Bcc (own copy) in header order; bulk too, though outbound
        Mapping out = capped.map(message("o").labels("SENT").from("alice@acme.test").to("r1@x.example")
                .cc("r2@x.example").bcc("r3@x.example, r4@x.example").record(), ctx());
        assertThat(contacts(out)).containsExactly("to:r1@x.example", "cc:r2@x.example", "bcc:r3@x.example");
        assertThat(out.events()).allSatisfy(e -> {
            assertThat(e.direction()).isEqualTo(Direction.OUTBOUND);
            assertThat(e.classification()).isEqualTo(Classification.BULK);
            assertThat(e.newsletter()).isTrue();
            assertThat(e.recipientCount()).isEqualTo(4);
            assertThat(e.recipientsTruncated()).isTrue();
        });
    }

    @Test
    void R_B3_fanOutAtTheCapIsNotTruncatedAndReceivedBccDoesNotCount() {
        GmailMapper capped = new GmailMapper(3);
        Mapping atCap = capped.map(message("m").labels("INBOX").from("jane@client.example")
                .to("alice@acme.test, r1@x.example").cc("r2@x.example").bcc("r3@x.example, r4@x.example").record(), ctx());
        assertThat(contacts(atCap)).containsExactly("from:jane@client.example", "to:r1@x.example", "cc:r2@x.example");
        assertThat(atCap.events()).allSatisfy(e -> {
            assertThat(e.classification()).isEqualTo(Classification.PERSON);
            assertThat(e.newsletter()).isFalse();
            assertThat(e.recipientCount()).isEqualTo(3);
            assertThat(e.recipientsTruncated()).isFalse();
        });
    }

    @Test
    void R_B3_theDefaultCapIsOneHundredRecipients() {
        String many = IntStream.range(0, 150).mapToObj(i -> "r" + i + "@x.example")
                .collect(Collectors.joining(", "));
        Mapping m = map(message("m").labels("INBOX").from("jane@client.example").to(many).record());
        assertThat(m.events()).hasSize(101);
        assertThat(contacts(m)).startsWith("from:jane@client.example", "to:r0@x.example").endsWith("to:r99@x.example");
        assertThat(m.events()).allSatisfy(e -> assertThat(e.recipientsTruncated()).isTrue());
        assertThat(m.events().get(0).recipientCount()).isEqualTo(150);
    }

    @Test
    void R_B4_bccOnlyOnTheSendersOwnSentCopy() {
        Mapping sent = map(message("m").labels("SENT").from("alice@acme.test").to("x@client.example")
                .bcc("secret@lp.example").record());
        assertThat(contacts(sent)).containsExactly("to:x@client.example", "bcc:secret@lp.example");
        Mapping received = map(message("n").labels("INBOX").from("x@client.example").to("alice@acme.test")
                .bcc("secret@lp.example").record());
        assertThat(contacts(received)).containsExactly("from:x@client.example");
    }

    @Test
    void R_C1_spamTrashAndDraftAreSkipped() {
        for (String label : List.of("SPAM", "TRASH", "DRAFT")) {
            Mapping m = map(message("m").labels(label).from("x@client.example").to("alice@acme.test").record());
            assertThat(m.events()).as(label).isEmpty();
            assertThat(m.skip()).isEqualTo(SkipReason.SPAM_TRASH_DRAFT);
        }
    }

    @Test
    void R_C2_autoSubmittedOtherThanNoIsAutomated() {
        assertThat(map(message("m").labels("INBOX").from("x@client.example").to("alice@acme.test")
                .header("Auto-Submitted", "auto-replied; owner-email=x@client.example").record()).skip())
                .isEqualTo(SkipReason.AUTOMATED);
        assertThat(map(message("n").labels("INBOX").from("x@client.example").to("alice@acme.test")
                .header("Auto-Submitted", "no").record()).events()).hasSize(1);
    }

    @Test
    void R_C3_bouncesAreSkipped() {
        assertThat(map(message("a").labels("INBOX").from("x@client.example").to("alice@acme.test")
                .header("Return-Path", "<>").record()).skip()).isEqualTo(SkipReason.BOUNCE);
        assertThat(map(message("b").labels("INBOX").from("Mail Delivery Subsystem <MAILER-DAEMON@client.example>")
                .to("alice@acme.test").record()).skip()).isEqualTo(SkipReason.BOUNCE);
        assertThat(map(message("c").labels("INBOX").from("postmaster@client.example").to("alice@acme.test").record()).skip())
                .isEqualTo(SkipReason.BOUNCE);
        assertThat(map(message("d").labels("INBOX").mimeType("multipart/report").from("x@client.example")
                .to("alice@acme.test").record()).skip()).isEqualTo(SkipReason.BOUNCE);
    }

    @Test
    void R_C4_calendarNotificationsByMailAreSkipped() {
        assertThat(map(message("a").labels("INBOX").from("jane@client.example").to("alice@acme.test")
                .header("Sender", "Google Calendar <calendar-notification@google.com>").record()).skip())
                .isEqualTo(SkipReason.CALENDAR_NOTIFICATION);
        assertThat(map(message("b").labels("INBOX").mimeType("text/calendar").from("jane@client.example")
                .to("alice@acme.test").record()).skip()).isEqualTo(SkipReason.CALENDAR_NOTIFICATION);
        assertThat(map(message("c").labels("INBOX").from("jane@client.example").to("alice@acme.test")
                .header("Content-Class", "urn:content-classes:calendarmessage").record()).skip())
                .isEqualTo(SkipReason.CALENDAR_NOTIFICATION);
    }

    @Test
    void R_C5_outboundMailOnlyToUnsubscribeMailboxesIsSkipped() {
        assertThat(map(message("a").labels("SENT").from("alice@acme.test")
                .to("unsubscribe@news.example, list-unsubscribe+123@lists.example").record()).skip())
                .isEqualTo(SkipReason.UNSUBSCRIBE_ONLY);
        assertThat(map(message("b").labels("SENT").from("alice@acme.test")
                .to("unsubscribe@news.example, jane@client.example").record()).events()).hasSize(2);
    }

    @Test
    void R_C6_scoreAddsListAndBulkSignals() {
        Mapping m = map(GmailFixtures.upsert(GmailFixtures.resource("newsletter")));
        assertThat(m.events()).singleElement().satisfies(e -> {
            assertThat(e.classification()).isEqualTo(Classification.BULK);
            assertThat(e.newsletter()).isTrue();
        });
    }

    @Test
    void R_C6_repliesToTheUsersMailAndKnownCorrespondentsLowerTheScore() {
        RawRecord reply = message("m").labels("INBOX").from("jane@client.example").to("alice@acme.test")
                .header("In-Reply-To", "<sent-1@acme.test>").header("List-Unsubscribe", "<mailto:u@client.example>")
                .record();
        assertThat(map(reply).events().get(0).classification()).isEqualTo(Classification.LOW_CONFIDENCE); // +3
        History sentIt = history(Set.of(), Set.of("sent-1@acme.test"));
        assertThat(mapper.map(reply, ctx(sentIt)).events().get(0).classification()).isEqualTo(Classification.PERSON); // 3 - 3
        History emailedJane = history(Set.of("jane@client.example"), Set.of());
        assertThat(mapper.map(reply, ctx(emailedJane)).events().get(0).classification())
                .isEqualTo(Classification.LIST); // list header by a human the user has written to (R-C7)
    }

    @Test
    void R_C7_thresholdsBulkLowConfidenceAndPerson() {
        RawRecord low = message("a").labels("INBOX", "CATEGORY_UPDATES").from("info@vendor.example").to("alice@acme.test")
                .record(); // role +1, category +1 = 2
        assertThat(map(low).events().get(0).classification()).isEqualTo(Classification.LOW_CONFIDENCE);
        RawRecord person = message("b").labels("INBOX").from("jane@client.example").to("alice@acme.test").record();
        assertThat(map(person).events().get(0).classification()).isEqualTo(Classification.PERSON);
        RawRecord bulk = message("c").labels("INBOX").from("no-reply@saas.example").to("alice@acme.test")
                .header("Precedence", "bulk").record();
        assertThat(map(bulk).events().get(0).newsletter()).isTrue();
    }

    @Test
    void R_C6_moreThan25ParsedRecipientsCountsNotCommas() {
        StringBuilder to = new StringBuilder("alice@acme.test");
        for (int i = 0; i < 25; i++) {
            to.append(", \"Last").append(i).append(", First\" <p").append(i).append("@client.example>");
        }
        RawRecord big = message("m").labels("INBOX", "CATEGORY_FORUMS").from("jane@client.example").to(to.toString())
                .record(); // 26 parsed recipients (+1), forum category (+1); 51 commas would not matter
        assertThat(map(big).events().get(0).classification()).isEqualTo(Classification.LOW_CONFIDENCE);
        RawRecord small = message("n").labels("INBOX", "CATEGORY_FORUMS").from("jane@client.example")
                .to("alice@acme.test, \"Doe, Jane\" <jd@client.example>").record();
        assertThat(map(small).events().get(0).classification()).isEqualTo(Classification.PERSON);
    }

    @Test
    void R_C7_listPostByAHumanWithTwoWayHistoryIsList() {
        RawRecord groupPost = message("m").labels("INBOX").from("Jane Doe <jane@client.example>")
                .to("founders-circle@googlegroups.com").header("List-Id", "<founders-circle.googlegroups.com>")
                .header("X-Google-Group-Id", "123").header("List-Unsubscribe", "<mailto:x@googlegroups.com>")
                .header("Precedence", "list").record();
        assertThat(map(groupPost).events().get(0).classification()).isEqualTo(Classification.BULK);
        Mapping withHistory = mapper.map(groupPost, ctx(history(Set.of("jane@client.example"), Set.of())));
        assertThat(withHistory.events()).allSatisfy(e -> {
            assertThat(e.classification()).isEqualTo(Classification.LIST);
            assertThat(e.newsletter()).isFalse();
        });
    }

    @Test
    void R_C8_roleAddressesAreClassifiedNotDroppedAndSharedInboxesKept() {
        Mapping sales = map(message("a").labels("INBOX").from("sales@vendor.example").to("alice@acme.test").record());
        assertThat(sales.events()).singleElement()
                .satisfies(e -> assertThat(e.classification()).isEqualTo(Classification.PERSON)); // role +1 only
        Mapping founders = map(message("b").labels("SENT").from("alice@acme.test")
                .to("founders@startup.example, deals@fund.example, investors@startup.example").record());
        assertThat(contacts(founders)).hasSize(3);
    }

    @Test
    void R_E1_internetMessageIdTrimmedOrSyntheticWhenMissing() {
        Mapping m = map(GmailFixtures.upsert(GmailFixtures.resource("inbound-from-client")));
        assertThat(m.events()).allSatisfy(e -> assertThat(e.internetMessageId()).isEqualTo("CAF=abc123@mail.client.example"));
        Mapping missing = map(message("x").labels("INBOX").header("Message-ID", "").from("jane@client.example")
                .to("alice@acme.test").header("Subject", "Hi").record());
        assertThat(missing.events().get(0).internetMessageId()).startsWith("synthetic:");
    }

    @Test
    void R_E1_theSyntheticIdNeedsNoSubjectSoSubjectsAreNeverRequested() {
        Mapping withSubject = map(message("x").labels("INBOX").header("Message-ID", "").from("jane@client.example")
                .to("alice@acme.test").header("Subject", "Term sheet v3").record());
        Mapping without = map(message("x").labels("INBOX").header("Message-ID", "").from("jane@client.example")
                .to("alice@acme.test").record());
        assertThat(without.events().get(0).internetMessageId()).startsWith("synthetic:")
                .isEqualTo(withSubject.events().get(0).internetMessageId());
        assertThat(Json.mapper().valueToTree(withSubject.events()).toString()).doesNotContain("Term sheet");
    }

    @Test
    void producedEventsValidateAgainstTheContractSchema() {
        Mapping m = map(GmailFixtures.upsert(GmailFixtures.resource("inbound-from-client")));
        assertThat(m.events()).isNotEmpty().allSatisfy(e -> {
            JsonNode json = Json.mapper().valueToTree(e);
            assertThat(ContractSchemas.validate(ContractSchemas.Contract.INTERACTION_EVENT, json)).isEmpty();
            assertThat(e.id()).isEqualTo(EventIds.of(e.userId(), e.source(), e.remoteId(), e.contactEmail(), e.role()));
        });
    }

    private static History history(Set<String> emailed, Set<String> sent) {
        return new History() {
            @Override
            public boolean userHasEmailed(String contactKey) {
                return emailed.contains(contactKey);
            }

            @Override
            public boolean userSentMessage(String internetMessageId) {
                return sent.contains(internetMessageId);
            }
        };
    }
}
