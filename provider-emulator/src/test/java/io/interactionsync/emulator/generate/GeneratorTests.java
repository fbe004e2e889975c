package io.interactionsync.emulator.generate;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.interactionsync.emulator.http.Json;
import io.interactionsync.emulator.store.GmailMessage;
import io.interactionsync.emulator.store.GmailMessage.Format;
import io.interactionsync.emulator.support.EmulatorExtension;
import io.interactionsync.emulator.support.GoogleFlow;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class GeneratorTests {

    @RegisterExtension
    static final EmulatorExtension EMULATOR = new EmulatorExtension();

    private static final Instant ANCHOR = Instant.parse("2026-11-24T00:00:00Z");

    private static Map<Person, List<GmailMessage>> generate(long seed, int users, int perMailbox) {
        return new DataGenerator(new GenerateRequest(seed, users, 0, perMailbox, 0, 24, "acme.test", ANCHOR)).mailboxes();
    }

    private static String serialize(Map<Person, List<GmailMessage>> mailboxes) {
        StringBuilder out = new StringBuilder();
        mailboxes.forEach((person, messages) -> {
            out.append(person.email()).append('\n');
            messages.forEach(m -> out.append(Json.write(m.toJson(Format.METADATA, Set.of()))).append('\n'));
        });
        return out.toString();
    }

    private static List<GmailMessage> all(Map<Person, List<GmailMessage>> mailboxes) {
        return mailboxes.values().stream().flatMap(List::stream).toList();
    }

    @Test
    void sameSeedGivesTheSameDataByteForByte() {
        assertThat(serialize(generate(7, 4, 300))).isEqualTo(serialize(generate(7, 4, 300)));
        assertThat(serialize(generate(7, 4, 300))).isNotEqualTo(serialize(generate(8, 4, 300)));
    }

    @Test
    void everyMailboxHasExactlyTheRequestedNumberOfMessagesWithinTheWindow() {
        Map<Person, List<GmailMessage>> mailboxes = generate(42, 3, 500);
        assertThat(mailboxes).hasSize(3);
        mailboxes.forEach((p, messages) -> {
            assertThat(p.email()).matches("[a-z]+\\.[a-z]+[0-9]*@acme\\.test");
            assertThat(messages).hasSize(500);
            assertThat(messages.stream().map(GmailMessage::id).distinct().count()).isEqualTo(500);
            messages.forEach(m -> assertThat(m.internalDate()).isLessThan(ANCHOR.toEpochMilli() + 120_000)
                    .isGreaterThan(ANCHOR.minusSeconds(25L * 31 * 86400).toEpochMilli()));
        });
    }

    @Test
    void internalMailIsInTheSendersSentAndTheColleaguesInboxWithTheSameMessageId() {
        Map<Person, List<GmailMessage>> mailboxes = generate(42, 3, 400);
        Set<String> domainTeam = mailboxes.keySet().stream().map(Person::email).collect(Collectors.toSet());
        Map<String, List<GmailMessage>> byMessageId = new HashMap<>();
        all(mailboxes).forEach(m -> {
            if (m.header("Message-ID") != null) {
                byMessageId.computeIfAbsent(m.header("Message-ID"), k -> new ArrayList<>()).add(m);
            }
        });
        long shared = byMessageId.values().stream().filter(copies -> copies.size() > 1
                && copies.stream().anyMatch(c -> c.hasLabel("SENT"))
                && copies.stream().anyMatch(c -> c.header("Delivered-To") != null
                        && domainTeam.contains(c.header("Delivered-To")))).count();
        assertThat(shared).isGreaterThan(20);
    }

    @Test
    void bccAppearsOnlyOnTheSendersCopy() {
        List<GmailMessage> messages = all(generate(42, 3, 600));
        List<GmailMessage> withBcc = messages.stream().filter(m -> m.header("Bcc") != null).toList();
        assertThat(withBcc).isNotEmpty();
        assertThat(withBcc).allMatch(m -> m.hasLabel("SENT") && m.header("Delivered-To") == null);
    }

    @Test
    void threadsAreReplyChains() {
        List<GmailMessage> messages = all(generate(42, 3, 600));
        Map<String, List<GmailMessage>> threads = messages.stream().collect(Collectors.groupingBy(GmailMessage::threadId));
        assertThat(threads.values().stream().mapToInt(List::size).max().orElse(0)).isBetween(4, 8);
        List<GmailMessage> replies = messages.stream().filter(m -> m.header("In-Reply-To") != null).toList();
        assertThat(replies).isNotEmpty();
        assertThat(replies).allMatch(m -> m.header("References").contains(m.header("In-Reply-To")));
        assertThat(replies.stream().filter(m -> m.header("Subject").matches("(?i)re: .*")).count())
                .isGreaterThan(replies.size() / 2);
    }

    @Test
    void automatedMailCarriesListAndBulkHeaders() {
        List<GmailMessage> messages = all(generate(42, 3, 600));
        assertThat(messages).anyMatch(m -> m.header("List-Unsubscribe") != null && m.header("List-Unsubscribe-Post") != null
                && m.header("List-Id") != null && "bulk".equals(m.header("Precedence")));
        assertThat(messages).anyMatch(m -> "auto-generated".equals(m.header("Auto-Submitted")));
        assertThat(messages).anyMatch(m -> m.header("From").contains("noreply@") || m.header("From").contains("no-reply@"));
        assertThat(messages).anyMatch(m -> "list".equals(m.header("Precedence")));
    }

    @Test
    void displayNamesIncludeQuotedCommasAndEncodedWords() {
        List<GmailMessage> messages = all(generate(42, 3, 600));
        List<String> addressHeaders = messages.stream().flatMap(m -> m.headers().stream())
                .filter(h -> Set.of("From", "To", "Cc").contains(h.name())).map(GmailMessage.Header::value).toList();
        assertThat(addressHeaders).anyMatch(v -> v.matches(".*\"[^\"]+, [^\"]+\" <.*"));
        assertThat(addressHeaders).anyMatch(v -> v.contains("=?UTF-8?"));
    }

    @Test
    void largeRecipientListsExist() {
        List<GmailMessage> messages = all(generate(42, 3, 600));
        assertThat(messages).anyMatch(m -> {
            String all = String.join(",", m.header("To") == null ? "" : m.header("To"),
                    m.header("Cc") == null ? "" : m.header("Cc"), m.header("Bcc") == null ? "" : m.header("Bcc"));
            return all.split("@").length > 40;
        });
    }

    @Test
    void dateHeadersUseVariedZonesAndMatchInternalDate() {
        List<GmailMessage> messages = all(generate(42, 3, 600));
        Set<String> offsets = new HashSet<>();
        for (GmailMessage m : messages) {
            String date = m.header("Date").replaceAll("\\s*\\([^)]*\\)$", "");
            ZonedDateTime parsed = ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME);
            offsets.add(parsed.getOffset().getId());
            long delta = m.internalDate() - parsed.toInstant().toEpochMilli();
            assertThat(delta).as("internalDate vs Date of %s", m.id()).isBetween(0L, 120_000L);
        }
        assertThat(offsets.size()).isGreaterThanOrEqualTo(6);
    }

    @Test
    void labelsCoverInboxSentCategoriesSpamTrashAndDrafts() {
        Set<String> labels = all(generate(42, 3, 800)).stream().flatMap(m -> m.labelIds().stream()).collect(Collectors.toSet());
        assertThat(labels).contains("INBOX", "SENT", "UNREAD", "CATEGORY_PERSONAL", "CATEGORY_PROMOTIONS",
                "CATEGORY_UPDATES", "CATEGORY_FORUMS", "SPAM", "TRASH", "DRAFT", "IMPORTANT");
    }

    @Test
    void partOfTheReceivedMailIsArchivedSomeOfItUnderTheClientsLabel() {
        List<GmailMessage> received = all(generate(42, 3, 2000)).stream()
                .filter(m -> !m.hasLabel("SENT") && !m.hasLabel("DRAFT") && !m.hasLabel("SPAM") && !m.hasLabel("TRASH"))
                .toList();
        List<GmailMessage> archived = received.stream().filter(m -> !m.hasLabel("INBOX")).toList();
        assertThat(archived.size()).as("archived share of the received mail")
                .isBetween(received.size() / 10, received.size() / 2);
        assertThat(archived).anyMatch(m -> m.hasLabel(MailGenerator.CLIENTS_LABEL))
                .anyMatch(m -> !m.hasLabel(MailGenerator.CLIENTS_LABEL));
        assertThat(received).anyMatch(m -> m.hasLabel("INBOX") && m.hasLabel(MailGenerator.CLIENTS_LABEL));
    }

    @Test
    void someMessagesHaveNoMessageId() {
        List<GmailMessage> messages = all(generate(42, 3, 2000));
        assertThat(messages).anyMatch(m -> m.header("Message-ID") == null && !m.hasLabel("DRAFT"));
    }

    private static DataGenerator.Generated calendars(long seed) {
        return new DataGenerator(new GenerateRequest(seed, 3, 0, 20, 120, 24, "acme.test", ANCHOR)).generate();
    }

    @Test
    void calendarsAreDeterministicAndExactlySized() {
        DataGenerator.Generated a = calendars(9);
        DataGenerator.Generated b = calendars(9);
        assertThat(a.calendars().values().stream().map(Object::toString).toList())
                .isEqualTo(b.calendars().values().stream().map(Object::toString).toList());
        a.calendars().values().forEach(events -> assertThat(events).hasSize(120));
    }

    @Test
    void calendarsHoldEveryKindOfEvent() {
        List<com.fasterxml.jackson.databind.node.ObjectNode> events = calendars(42).calendars().values().stream()
                .flatMap(List::stream).toList();
        assertThat(events).anyMatch(e -> e.has("recurrence"));
        assertThat(events).anyMatch(e -> e.has("recurringEventId") && "cancelled".equals(e.path("status").asText()));
        assertThat(events).anyMatch(e -> e.has("recurringEventId") && !"cancelled".equals(e.path("status").asText()));
        assertThat(events).anyMatch(e -> !e.has("recurringEventId") && "cancelled".equals(e.path("status").asText()));
        assertThat(events).anyMatch(e -> "tentative".equals(e.path("status").asText()));
        assertThat(events).anyMatch(e -> e.path("start").has("date"));
        assertThat(events).anyMatch(e -> "focusTime".equals(e.path("eventType").asText()));
        assertThat(events).anyMatch(e -> "outOfOffice".equals(e.path("eventType").asText()));
        assertThat(events).anyMatch(e -> e.path("attendees").size() > 30);
        List<com.fasterxml.jackson.databind.JsonNode> attendees = events.stream()
                .flatMap(e -> java.util.stream.StreamSupport.stream(e.path("attendees").spliterator(), false)).toList();
        assertThat(attendees).anyMatch(x -> x.path("resource").asBoolean());
        assertThat(attendees).anyMatch(x -> "declined".equals(x.path("responseStatus").asText()));
        assertThat(attendees).anyMatch(x -> "tentative".equals(x.path("responseStatus").asText()));
        assertThat(attendees).anyMatch(x -> x.path("optional").asBoolean());
    }

    @Test
    void sharedMeetingsKeepTheirIdInEveryTeamCalendarWithSelfPerCalendar() {
        Map<Person, List<com.fasterxml.jackson.databind.node.ObjectNode>> calendars = calendars(42).calendars();
        Map<String, List<String>> owners = new HashMap<>();
        calendars.forEach((person, events) -> events.forEach(e -> {
            owners.computeIfAbsent(e.path("id").asText(), k -> new ArrayList<>()).add(person.email());
            for (var a : e.path("attendees")) {
                if (a.path("self").asBoolean()) {
                    assertThat(a.path("email").asText()).isEqualTo(person.email());
                }
            }
        }));
        assertThat(owners.values()).anyMatch(list -> list.size() > 1);
    }

    @Test
    void generateEndpointLoadsUsersThatTheGmailApiServes() {
        var result = given().contentType("application/json")
                .body(Map.of("seed", 42, "googleUsers", 2, "messagesPerMailbox", 120, "anchor", "2026-11-24"))
                .post("/_emulator/generate").then().statusCode(200)
                .body("domain", equalTo("acme.test")).body("google.size()", equalTo(2))
                .body("google[0].messages", equalTo(120)).body("microsoft.size()", equalTo(0))
                .extract().jsonPath();
        String email = result.getString("google[0].email");
        String token = GoogleFlow.gmailToken(email);
        given().auth().oauth2(token).get("/gmail.googleapis.com/gmail/v1/users/me/profile").then().statusCode(200)
                .body("messagesTotal", equalTo(120));
        given().auth().oauth2(token).get("/gmail.googleapis.com/gmail/v1/users/me/labels").then().statusCode(200)
                .body("labels.find { it.id == 'Label_1' }.name", equalTo("Clients"))
                .body("labels.find { it.id == 'Label_1' }.type", equalTo("user"));
    }

    @Test
    void generateRejectsUnknownParameters() {
        given().contentType("application/json").body(Map.of("sed", 1)).post("/_emulator/generate").then()
                .statusCode(400);
    }
}
