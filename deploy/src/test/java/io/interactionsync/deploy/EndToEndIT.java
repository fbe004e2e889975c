package io.interactionsync.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.model.ContractSchemas;
import io.interactionsync.model.ContractSchemas.Contract;
import io.interactionsync.model.Json;
import io.interactionsync.model.Topics;
import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.KafkaTestClient;
import io.interactionsync.testsupport.KafkaTestResource;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * The product end to end: the real service jars as processes, a real Kafka broker, PostgreSQL and the
 * provider emulator. Users connect Gmail and Microsoft 365 through the OAuth code flow at the connector; the
 * sync services read the mailboxes through the official Gmail and Graph SDKs; the normalizer writes one row
 * per outside participant — for a shared mailbox, one per subscriber.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(EndToEndIT.LogsOnFailure.class)
class EndToEndIT {

    static final String ALICE = "alice@acme.test";
    static final String CAROL = "carol@acme.test";
    static final String ALICE_USER_ID = "user-alice-e2e";
    static final String DANA = "dana@acme.test";
    static final String EVE = "eve@acme.test";
    static final String DEALS = "deals@acme.test";
    static final String GRACE = "grace@acme.test";
    static final String FAY = "fay@acme.test";
    /** The partners of the team view test (relationship-service): one outside email reaches all three. */
    static final List<String> PARTNERS = List.of("ivy@acme.test", "jack@acme.test", "kim@acme.test");
    static final String FOUNDER = "founder@startup.example";

    static Stack stack;
    StackEndpoints endpoints;
    StackClient client;
    KafkaTestClient kafka;
    String accountId;
    String graceAccountId;
    String fayAccountId;
    /** Dana's and Eve's accounts: other ITs of this JVM (ConsoleIT) publish shared-mailbox records to the same broker. */
    final List<String> subscriberAccountIds = new ArrayList<>();

    @BeforeAll
    void startStackAndConnectAlice() throws IOException {
        endpoints = new StackEndpoints(KafkaTestResource.bootstrapServers(), EmulatorTestResource.baseUrl(),
                new LocalDatabase("127.0.0.1", 5432, "postgres", "interaction_sync_e2e"),
                LocalFiles.freePort(), LocalFiles.freePort(), LocalFiles.freePort(), LocalFiles.freePort(),
                LocalFiles.freePort(),
                "e2e:" + java.util.Base64.getEncoder().encodeToString(new byte[32]));
        endpoints.database().recreate();
        StackTopics.ensure(endpoints.kafkaBootstrap());
        stack = new Stack(Path.of("..").toAbsolutePath().normalize(), Path.of("target/e2e-logs").toAbsolutePath());
        stack.startServices(endpoints, List.of(StackService.values()), Duration.ofSeconds(180));
        client = new StackClient(endpoints);
        // Gmail push as the local stack wires it: the emulator plays Cloud Pub/Sub with an OIDC-authenticated push.
        String gmailPush = StackService.GOOGLE_SYNC.pushBaseUrl(endpoints) + LocalStack.GMAIL_PUSH_PATH;
        client.pubsubPushSubscription(LocalStack.GMAIL_PUSH_SUBSCRIPTION + "-e2e", LocalStack.GMAIL_PUSH_TOPIC, gmailPush,
                LocalStack.GMAIL_PUSH_SERVICE_ACCOUNT, gmailPush);
        kafka = KafkaTestClient.connect(endpoints.kafkaBootstrap());

        client.putGoogleUser(ALICE, Map.of("name", "Alice Archer", "messages", aliceMailbox(), "events", List.of()));
        String admin = client.mintJwt("admin-e2e", "admin@acme.test", List.of("admin"));
        client.putCollection(admin, "acme-e2e", "Acme", List.of(ALICE, CAROL, DANA, EVE), List.of("acme.test"));
        String alice = client.mintJwt(ALICE_USER_ID, ALICE, List.of("user"));
        accountId = client.connectGoogle(alice, ALICE, "gmail").get("id").asText();

        client.putGoogleUser(GRACE, Map.of("name", "Grace Green", "messages", List.of(), "events", List.of()));
        graceAccountId = client.connectGoogle(userJwt(GRACE), GRACE, "gmail,calendar").get("id").asText();
        client.putMicrosoftUser(FAY, Map.of("displayName", "Fay Fox", "folders", Map.of("inbox", List.of(),
                "sentitems", List.of()), "events", List.of()));
        fayAccountId = client.connectMicrosoft(userJwt(FAY), FAY, "mail,calendar").get("id").asText();

        MicrosoftMailboxes.load(client);
        for (String upn : List.of(DANA, EVE)) {
            String jwt = userJwt(upn);
            String id = client.connectMicrosoft(jwt, upn, "mail,calendar,sharedMail").get("id").asText();
            client.addSharedMailbox(jwt, id, DEALS);
            subscriberAccountIds.add(id);
        }
    }

    String userJwt(String email) {
        return client.mintJwt("user-" + email.substring(0, email.indexOf('@')) + "-e2e", email, List.of("user"));
    }

    @AfterAll
    void stopStack() {
        if (kafka != null) {
            kafka.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void shouldWriteOneEventPerOutsideParticipantAndRole() {
        List<String> expected = List.of(
                "bob@example.com|from|inbound|Bob Stone",
                "erin@client.example|to|outbound|null",
                "frank@other.example|bcc|outbound|null",
                "gina@vendor.example|from|inbound|Gina",
                "jane@partner.example|cc|inbound|Doe, Jane");
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(eventRows()).containsExactlyInAnyOrderElementsOf(expected));
    }

    @Test
    void shouldPublishEachMessageWithinTheHorizonOnceAsASchemaValidRawRecord() {
        List<ConsumerRecord<String, String>> records = kafka.awaitRecords(Topics.RAW_RECORDS,
                r -> accountId.equals(r.key()), 4, Duration.ofSeconds(120));
        List<String> remoteIds = new ArrayList<>();
        for (ConsumerRecord<String, String> r : records) {
            JsonNode json = read(r.value());
            assertThat(ContractSchemas.validate(Contract.RAW_RECORD, json)).isEmpty();
            assertThat(json.get("userId").asText()).isEqualTo(ALICE_USER_ID);
            // sealed (crypto-shredding): mailbox and payload only inside the AES-256-GCM ciphertext
            assertThat(json.at("/sealed/alg").asText()).isEqualTo("A256GCM");
            assertThat(json.has("mailbox") || json.has("payload")).isFalse();
            assertThat(r.value()).doesNotContain(ALICE);
            remoteIds.add(json.get("remoteId").asText());
        }
        // m5 is spam (never listed) and m6 is older than the 24-month horizon.
        assertThat(remoteIds).containsExactlyInAnyOrder("e2e-m1", "e2e-m2", "e2e-m3", "e2e-m4");
    }

    @Test
    void shouldReportTheAccountSyncedAndKeepTokensOutOfKafkaAndPlainText() throws SQLException {
        String alice = client.mintJwt(ALICE_USER_ID, ALICE, List.of("user"));
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(client.googleAccounts(alice).get(0).path("syncStatus").asText())
                        .isEqualTo("synced"));
        JsonNode account = client.googleAccounts(alice).get(0);
        assertThat(account.at("/sources/gmail/fetched").asLong()).isEqualTo(4);
        assertThat(account.toString()).doesNotContain("ya29.").doesNotContain("1//");

        for (String topic : List.of(Topics.ACCOUNT_EVENTS, Topics.SYNC_REQUESTS, Topics.RAW_RECORDS, Topics.SYNC_STATUS)) {
            kafka.awaitRecords(topic, r -> true, 1, Duration.ofSeconds(30))
                    .forEach(r -> assertThat(clearText(r.value())).as(topic).doesNotContain("ya29.").doesNotContain("1//"));
        }
        try (Connection c = endpoints.database().connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select row_to_json(a)::text from connector.accounts a")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).contains(accountId).doesNotContain("ya29.").doesNotContain("1//");
        }
    }

    @Test
    void shouldAttributeOutlookMailCalendarAndTheSharedMailboxToEachSubscriber() {
        List<String> dana = List.of(
                "outlook_mail|omar@client.example|from|inbound|false",
                "outlook_mail|pia@partner.example|to|outbound|false",
                "outlook_mail|quinn@hidden.example|bcc|outbound|false",
                "outlook_mail|rosa@lp.example|from|inbound|true",
                "outlook_calendar|omar@client.example|attendee|meeting|false");
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            assertThat(microsoftRows("user-dana-e2e")).containsExactlyInAnyOrderElementsOf(dana);
            // Eve sees the shared mailbox's message too, though it was fetched once, with one subscriber's token.
            assertThat(microsoftRows("user-eve-e2e")).containsExactly("outlook_mail|rosa@lp.example|from|inbound|true");
        });
        // sealed: the shared address is inside the ciphertext, the flag is clear
        long sharedRecords = kafka.awaitRecords(Topics.RAW_RECORDS, r -> r.value().contains("\"sharedMailbox\":true")
                && subscriberAccountIds.stream().anyMatch(r.value()::contains), 1, Duration.ofSeconds(30)).size();
        assertThat(sharedRecords).isEqualTo(1);
    }

    @Test
    void shouldReportMicrosoftAccountsSyncedPerSource() {
        String dana = userJwt(DANA);
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(client.microsoftAccounts(dana).get(0).path("syncStatus").asText())
                        .isEqualTo("synced"));
        JsonNode account = client.microsoftAccounts(dana).get(0);
        assertThat(account.at("/sources/outlook_mail/state").asText()).isEqualTo("synced");
        assertThat(account.at("/sources/outlook_calendar/state").asText()).isEqualTo("synced");
        assertThat(account.path("sharedMailboxes").toString()).contains(DEALS);
        assertThat(account.toString()).doesNotContain("access_token").doesNotContain("refresh_token");
    }

    /**
     * Push, with no sync request at all: once every source reports its watch, channel or subscription active, a new
     * Gmail message, Google Calendar meeting, Outlook message and Outlook meeting each reach the normalizer's table
     * within seconds (the benchmark measures p95; this bounds it loosely for a busy CI machine).
     */
    @Test
    void shouldDeliverNewMailAndMeetingsOfEverySourceThroughPushWithinSeconds() throws Exception {
        String grace = userJwt(GRACE);
        String fay = userJwt(FAY);
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            JsonNode g = client.googleAccounts(grace).get(0);
            assertThat(g.at("/sources/gmail/push/state").asText()).isEqualTo("active");
            assertThat(g.at("/sources/google_calendar/push/state").asText()).isEqualTo("active");
            JsonNode d = client.microsoftAccounts(fay).get(0);
            assertThat(d.at("/sources/outlook_mail/push/state").asText()).isEqualTo("active");
            assertThat(d.at("/sources/outlook_calendar/push/state").asText()).isEqualTo("active");
            assertThat(d.at("/sources/outlook_mail/push/expiresAt").asText()).isNotEmpty();
        });
        java.util.function.Supplier<Long> syncRequests = () -> kafka.readAll(Topics.SYNC_REQUESTS).stream()
                .filter(r -> graceAccountId.equals(r.key()) || fayAccountId.equals(r.key())).count();
        long syncRequestsBefore = syncRequests.get();

        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        client.addGmailMessage(GRACE, message("e2e-push-m1", "INBOX", now, Map.of(
                "From", "Paula Push <paula@push-gmail.example>", "To", GRACE, "Subject", "Pushed")));
        client.call("POST", endpoints.emulatorUrl() + "/_emulator/google/users/" + GRACE + "/events", null,
                googleMeeting("e2e-push-ev1", now.plus(2, ChronoUnit.DAYS), "pete@push-calendar.example"));
        client.addOutlookMessage(FAY, "inbox", MicrosoftMailboxes.message("fay-push-1", now,
                MicrosoftMailboxes.person("Olga", "olga@push-outlook.example"),
                List.of(MicrosoftMailboxes.person("Fay Fox", FAY)), List.of()));
        client.call("POST", endpoints.emulatorUrl() + "/_emulator/microsoft/users/" + FAY + "/events", null,
                MicrosoftMailboxes.meeting("fay-push-meeting", now.plus(3, ChronoUnit.DAYS),
                        MicrosoftMailboxes.attendee("oscar@push-teams.example", "required", "accepted")));

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            assertThat(contactsOf("user-grace-e2e")).contains("gmail|paula@push-gmail.example",
                    "google_calendar|pete@push-calendar.example");
            assertThat(contactsOf("user-fay-e2e")).contains("outlook_mail|olga@push-outlook.example",
                    "outlook_calendar|oscar@push-teams.example");
        });
        // Nobody asked: no sync request was published for any of it.
        assertThat(syncRequests.get()).isEqualTo(syncRequestsBefore);
    }

    private List<String> contactsOf(String userId) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = endpoints.database().connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select source, contact_email from normalizer.interaction_events where user_id = '"
                     + userId + "' and not deleted")) {
            while (rs.next()) {
                rows.add(rs.getString(1) + "|" + rs.getString(2));
            }
        }
        return rows;
    }

    /** A Google Calendar event as events.list returns it: Grace organizes, one outside attendee accepted. */
    static Map<String, Object> googleMeeting(String id, Instant start, String attendee) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("id", id);
        e.put("iCalUID", id + "@google.com");
        e.put("status", "confirmed");
        e.put("eventType", "default");
        e.put("summary", "Pushed meeting");
        e.put("created", start.minus(1, ChronoUnit.DAYS).toString());
        e.put("updated", Instant.now().toString());
        e.put("start", Map.of("dateTime", start.toString(), "timeZone", "UTC"));
        e.put("end", Map.of("dateTime", start.plus(30, ChronoUnit.MINUTES).toString(), "timeZone", "UTC"));
        e.put("organizer", Map.of("email", GRACE, "self", true));
        e.put("creator", Map.of("email", GRACE, "self", true));
        e.put("attendees", List.of(
                Map.of("email", GRACE, "self", true, "organizer", true, "responseStatus", "accepted"),
                Map.of("email", attendee, "responseStatus", "accepted")));
        return e;
    }

    /**
     * relationship-service on the packaged stack, reading only the public topics: one email from an outside founder to
     * three partners gives each of them a strength (capped: one-way) and counts ONCE in the team view; purging one
     * partner's account takes its contribution out of the team view while the others keep theirs.
     */
    @Test
    void shouldScoreRelationshipsCountAnEmailToThreePartnersOnceForTheTeamAndForgetAPurgedAccount() {
        Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(2, ChronoUnit.DAYS);
        client.putCollection(client.mintJwt("admin-e2e", "admin@acme.test", List.of("admin")), "partners-e2e",
                "Partners", PARTNERS, List.of("acme.test"));
        Map<String, String> accounts = new LinkedHashMap<>();
        for (String partner : PARTNERS) {
            // The same message (one Message-ID) in each partner's inbox.
            client.putGoogleUser(partner, Map.of("name", partner, "events", List.of(), "messages", List.of(
                    message("e2e-pitch", "INBOX", at, Map.of("From", "Fran Founder <" + FOUNDER + ">",
                            "To", String.join(", ", PARTNERS), "Subject", "Seed round")))));
            accounts.put(partner, client.connectGoogle(userJwt(partner), partner, "gmail").get("id").asText());
        }
        String ivy = userJwt(PARTNERS.get(0));
        String teamView = endpoints.relationshipUrl() + "/api/v1/collections/partners-e2e/relationships?contact=" + FOUNDER;
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            JsonNode founder = onlyItem(client.call("GET", teamView, ivy, null));
            assertThat(founder.path("teamEmails").asLong()).as("one email, three mailboxes").isEqualTo(1);
            assertThat(memberStrengths(founder)).containsOnlyKeys(PARTNERS).allSatisfy((member, strength) ->
                    assertThat(strength).as(member).isGreaterThan(0.0).isLessThanOrEqualTo(15.0));
            assertThat(founder.path("keyConnection").path("email").asText()).isIn(PARTNERS);
        });
        StackClient.Answer own = client.call("GET", endpoints.relationshipUrl() + "/api/v1/relationships/" + FOUNDER,
                userJwt(PARTNERS.get(1)), null);
        assertThat(own.status()).as(own.body()).isEqualTo(200);
        assertThat(own.json().path("emailsReceived").asInt()).as("each member keeps it in their own score").isEqualTo(1);
        assertThat(own.json().path("explanation")).hasSize(1);
        assertThat(client.call("GET", teamView, client.mintJwt("outsider-e2e", "outsider@else.example",
                List.of("user")), null).status()).as("not a member").isEqualTo(403);

        String kim = PARTNERS.get(2);
        assertThat(client.call("DELETE", endpoints.connectorUrl() + "/api/v1/google-accounts/" + accounts.get(kim)
                + "?purge=true", userJwt(kim), null).status()).isIn(200, 202, 204);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            JsonNode founder = onlyItem(client.call("GET", teamView, ivy, null));
            assertThat(memberStrengths(founder)).as("the purged account no longer counts")
                    .containsOnlyKeys(PARTNERS.subList(0, 2)).allSatisfy((member, strength) ->
                            assertThat(strength).isGreaterThan(0.0));
            assertThat(founder.path("teamEmails").asLong()).isEqualTo(1);
        });
    }

    private static JsonNode onlyItem(StackClient.Answer answer) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.json().path("items")).hasSize(1);
        return answer.json().path("items").get(0);
    }

    /** The members with a tie to the contact (strength above 0), by email. */
    private static Map<String, Double> memberStrengths(JsonNode teamRelationship) {
        Map<String, Double> out = new java.util.TreeMap<>();
        teamRelationship.path("members").forEach(m -> {
            if (m.path("strength").asDouble() > 0) {
                out.put(m.path("email").asText(), m.path("strength").asDouble());
            }
        });
        return out;
    }

    /**
     * Every metric the alert rules, the Grafana dashboard and KEDA's Prometheus triggers read (their PromQL as rendered
     * from the production overlay, {@link Monitoring}) is exported by the real services on their management ports,
     * once they have done real work: the backfill, and one raw record the normalizer must dead-letter. Prometheus's own
     * {@code up} is the only series from elsewhere ({@link Monitoring#FROM_PROMETHEUS}).
     */
    @Test
    void shouldExportEveryMetricTheAlertsTheDashboardAndKedaRead() {
        kafka.sendBytes(Topics.RAW_RECORDS, "acc-e2e-not-json", "{\"broken\": ".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        java.util.Set<String> needed = Monitoring.metricsTheServicesMustExport();
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            java.util.Set<String> exported = new java.util.TreeSet<>();
            for (StackService service : StackService.values()) {
                scrape(service).lines().filter(l -> !l.isBlank() && !l.startsWith("#"))
                        .forEach(l -> exported.add(l.split("[{ ]", 2)[0]));
            }
            assertThat(exported).containsAll(needed);
        });
    }

    /** {@code /q/metrics} as Prometheus asks for it (the text format; JSON is not served). */
    private String scrape(StackService service) throws IOException, InterruptedException {
        try (java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
            java.net.http.HttpResponse<String> metrics = http.send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(service.managementUrl(endpoints) + "/q/metrics"))
                    .header("Accept", "text/plain").timeout(Duration.ofSeconds(10)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.statusCode()).as(service.name()).isEqualTo(200);
            return metrics.body();
        }
    }

    private List<String> microsoftRows(String userId) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = endpoints.database().connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select source, contact_email, role, direction, via_shared_mailbox from "
                     + "normalizer.interaction_events where user_id = '" + userId + "' and not deleted")) {
            while (rs.next()) {
                rows.add(rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getString(3) + "|" + rs.getString(4)
                        + "|" + rs.getBoolean(5));
            }
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return rows;
            }
            throw e;
        }
        return rows;
    }

    private List<String> eventRows() throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = endpoints.database().connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select contact_email, role, direction, contact_name from "
                     + "normalizer.interaction_events where user_id = '" + ALICE_USER_ID + "' and not deleted")) {
            while (rs.next()) {
                rows.add(rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getString(3) + "|" + rs.getString(4));
            }
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) { // the normalizer has not migrated yet
                return rows;
            }
            throw e;
        }
        return rows;
    }

    /** Alice's Gmail, as the Gmail API returns it with format=metadata. */
    static List<Map<String, Object>> aliceMailbox() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        return List.of(
                message("e2e-m1", "INBOX", now.minus(3, ChronoUnit.DAYS), Map.of(
                        "From", "Bob Stone <bob@example.com>",
                        "To", "Alice Archer <alice@acme.test>",
                        "Cc", "\"Doe, Jane\" <jane@partner.example>, carol@acme.test",
                        "Subject", "Series A intro")),
                message("e2e-m2", "SENT", now.minus(2, ChronoUnit.DAYS), Map.of(
                        "From", "Alice Archer <alice@acme.test>",
                        "To", "erin@client.example",
                        "Bcc", "frank@other.example",
                        "Subject", "Term sheet")),
                message("e2e-m3", "INBOX", now.minus(1, ChronoUnit.DAYS), Map.of(
                        "From", "Carol Chen <carol@acme.test>",
                        "To", "alice@acme.test",
                        "Subject", "Partner meeting notes")),
                message("e2e-m4", "INBOX", now.minus(5, ChronoUnit.HOURS), Map.of(
                        "From", "Gina <gina@vendor.example>",
                        "To", "alice@acme.test",
                        "Bcc", "hank@elsewhere.example", // never on a received copy: ignored (R-B4)
                        "Subject", "Invoice")),
                message("e2e-m5", "SPAM", now.minus(4, ChronoUnit.HOURS), Map.of(
                        "From", "winner@lottery.example",
                        "To", "alice@acme.test",
                        "Subject", "You won")),
                message("e2e-m6", "INBOX", now.minus(800, ChronoUnit.DAYS), Map.of(
                        "From", "old.friend@past.example",
                        "To", "alice@acme.test",
                        "Subject", "Long ago")));
    }

    static Map<String, Object> message(String id, String label, Instant at, Map<String, String> headers) {
        List<Map<String, String>> all = new ArrayList<>();
        headers.forEach((name, value) -> all.add(Map.of("name", name, "value", value)));
        all.add(Map.of("name", "Date", "value", DateTimeFormatter.RFC_1123_DATE_TIME.format(at.atOffset(ZoneOffset.ofHours(-5)))));
        all.add(Map.of("name", "Message-ID", "value", "<" + id + "@mail.example>"));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("threadId", id);
        m.put("labelIds", List.of(label));
        m.put("snippet", "");
        m.put("internalDate", Long.toString(at.toEpochMilli()));
        m.put("sizeEstimate", 2048);
        m.put("payload", Map.of("mimeType", "text/plain", "headers", all));
        return m;
    }

    private static JsonNode read(String json) {
        try {
            return Json.mapper().readTree(json);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    /** On a failure, the services' last log lines are the first thing anyone needs. */
    static class LogsOnFailure implements TestWatcher {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            if (stack != null) {
                for (ManagedProcess p : stack.processes()) {
                    System.err.println("──── " + p.name() + " (" + p.logFile() + ") ────\n" + p.logTail(60));
                }
            }
        }
    }

    /**
     * A record's clear text: a sealed raw record's ciphertext is Base64, where "1//" turns up by chance; what it seals
     * cannot be read without the connector's data key, so only the clear fields are searched.
     */
    private static String clearText(String value) {
        try {
            JsonNode json = io.interactionsync.model.Json.mapper().readTree(value);
            if (json instanceof com.fasterxml.jackson.databind.node.ObjectNode object && object.has("sealed")) {
                object.remove("sealed");
                return object.toString();
            }
            return value;
        } catch (java.io.IOException e) {
            return value;
        }
    }
}
