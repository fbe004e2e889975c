package io.interactionsync.normalizer.it;

import static io.interactionsync.normalizer.fixtures.GmailFixtures.message;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interactionsync.model.AccountEvent;
import io.interactionsync.model.Json;
import io.interactionsync.model.Provider;
import io.interactionsync.model.RawRecord;
import io.interactionsync.model.Source;
import io.interactionsync.model.Topics;
import io.interactionsync.normalizer.fixtures.CalendarFixtures;
import io.interactionsync.normalizer.fixtures.GmailFixtures;
import io.interactionsync.normalizer.fixtures.GraphMailFixtures;
import io.interactionsync.normalizer.repository.IngestedRepository;
import io.interactionsync.normalizer.rest.IngestedResource;
import io.interactionsync.testsupport.DataKeyServerTestResource;
import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.KafkaTestClient;
import io.interactionsync.testsupport.KafkaTestResource;
import io.interactionsync.testsupport.ManagementInterface;
import io.interactionsync.testsupport.PostgresTestResource;
import io.interactionsync.testsupport.TestJwts;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The internal ingested API the sync services' completeness audit calls: which provider ids the normalizer never
 * processed for an account and source, for service tokens only.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
@WithTestResource(DataKeyServerTestResource.class)
class IngestedIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String PATH = "/internal/v1/accounts/{accountId}/ingested";
    private static KafkaTestClient kafka;

    @BeforeAll
    static void connect() {
        kafka = KafkaTestClient.connect();
    }

    @AfterAll
    static void close() {
        kafka.close();
    }

    /** A token as the sync services get it: client credentials at the portal IdP (quarkus-oidc-client does the same). */
    private static String serviceToken() {
        return serviceToken("google-sync-service");
    }

    private static String serviceToken(String clientId) {
        return given().baseUri(EmulatorTestResource.baseUrl()).contentType(ContentType.URLENC)
                .formParam("grant_type", "client_credentials").formParam("client_id", clientId)
                .formParam("client_secret", "local-service-secret")
                .post("/idp/token").then().statusCode(200).extract().path("access_token");
    }

    private static ValidatableResponse ask(String token, String accountId, Object body) {
        var request = given().contentType(ContentType.JSON).body(body);
        if (token != null) {
            request = request.auth().oauth2(token);
        }
        return request.post(PATH, accountId).then();
    }

    private static Map<String, Object> body(Source source, List<String> remoteIds) {
        return Map.of("source", source.wireName(), "remoteIds", remoteIds);
    }

    private static long versions(String accountId) {
        return Db.count("select count(*) from normalizer.record_versions where account_id = ?", accountId);
    }

    @Test
    void reportsTheIdsTheNormalizerNeverProcessedForTheAccountAndSource() {
        String n = UUID.randomUUID().toString().substring(0, 8);
        String account = "acc-" + n;
        String user = "user-" + n;
        String mailbox = "alice." + n + "@acme.test";
        List<RawRecord> records = List.of(
                gmail(account, user, mailbox, message("with-events").labels("INBOX").from("jane@client.example")
                        .to(mailbox).json()),
                // skipped by R-C1 (a draft) and R-B3 (all internal): processed, no events
                gmail(account, user, mailbox, message("draft").labels("DRAFT").from(mailbox)
                        .to("jane@client.example").json()),
                gmail(account, user, mailbox, message("internal").labels("INBOX").from(mailbox).to(mailbox).json()),
                GmailFixtures.envelope(RawRecord.Op.DELETE, "deleted", Json.mapper().createObjectNode()
                        .put("id", "deleted"), mailbox, account, user),
                // dead-lettered (no usable time): never processed, reported as dead-lettered (not to re-publish)
                gmail(account, user, mailbox, message("poison").internalDate(null).labels("INBOX")
                        .from("jane@client.example").to(mailbox).json()),
                CalendarFixtures.record(Source.GOOGLE_CALENDAR, RawRecord.Op.UPSERT,
                        Json.mapper().createObjectNode().put("id", "poison-event"), mailbox, false, account, user),
                // one account's records are applied in order: once this one is, all the others were
                gmail(account, user, mailbox, message("last").labels("INBOX").from("jane@client.example")
                        .to(mailbox).json()));
        records.forEach(r -> kafka.send(Topics.RAW_RECORDS, account, r));
        await().atMost(WAIT).until(() -> Db.count("select count(*) from normalizer.interaction_events "
                + "where user_id = ? and remote_id = 'last'", user) == 1);
        // the five gmail resources that were applied have a version, neither dead letter has one: they are
        // remembered as dead-lettered instead
        assertThat(versions(account)).isEqualTo(5);
        assertThat(Db.count("select count(*) from normalizer.dead_lettered_resources where account_id = ?", account))
                .isEqualTo(2);
        await().atMost(WAIT).ignoreExceptions().until(() -> kafka.awaitRecords(Topics.RAW_RECORDS_DLQ,
                r -> account.equals(r.key()), 2, Duration.ofSeconds(5)).size() == 2);

        String token = serviceToken();
        ask(token, account, body(Source.GMAIL, List.of("never-sent", "with-events", "draft", "poison", "internal",
                "deleted", "never-sent", "also-never-sent")))
                .statusCode(200).contentType(ContentType.JSON)
                .body("checked", equalTo(7))
                .body("missing", equalTo(List.of("never-sent", "also-never-sent")))
                .body("deadLettered.remoteId", equalTo(List.of("poison")))
                .body("deadLettered[0].code", equalTo("unparseable_payload"))
                .body("deadLettered[0].reason", containsString("internalDate"));
        // the same ids of another source, or of another account, were never processed
        ask(token, account, body(Source.GOOGLE_CALENDAR, List.of("with-events", "poison-event")))
                .statusCode(200).body("checked", equalTo(2))
                .body("missing", equalTo(List.of("with-events")))
                .body("deadLettered.remoteId", equalTo(List.of("poison-event")))
                .body("deadLettered[0].code", equalTo("unparseable_payload"));
        ask(token, "acc-other-" + n, body(Source.GMAIL, List.of("with-events", "draft", "poison")))
                .statusCode(200).body("missing", equalTo(List.of("with-events", "draft", "poison")))
                .body("deadLettered", equalTo(List.of()));
        ask(token, account, body(Source.GMAIL, List.of())).statusCode(200)
                .body("checked", equalTo(0)).body("missing", equalTo(List.of()))
                .body("deadLettered", equalTo(List.of()));

        given().get(ManagementInterface.url("/q/metrics")).then().statusCode(200)
                .body(containsString("normalizer_ingested_checks_total{source=\"gmail\"}"))
                .body(containsString("normalizer_ingested_ids_total{outcome=\"missing\",source=\"google_calendar\"}"))
                .body(containsString("normalizer_ingested_ids_total{outcome=\"dead_lettered\",source=\"gmail\"}"));
    }

    /**
     * A dead-lettered resource is reported with its last dead letter's code, also when only its envelope was wrong
     * (it still names the account, source and id), until a valid record of it is applied; a purge forgets both.
     */
    @Test
    void aDeadLetteredResourceCountsAsProcessedOnceAValidRecordOfItIsApplied() {
        String n = UUID.randomUUID().toString().substring(0, 8);
        String account = "acc-dl-" + n;
        String user = "user-" + n;
        String mailbox = "bob." + n + "@acme.test";
        ObjectNode noObservedAt = Json.mapper().valueToTree(gmail(account, user, mailbox, message("bad-envelope")
                .labels("INBOX").from("jane@client.example").to(mailbox).json()));
        noObservedAt.remove("observedAt");
        kafka.send(Topics.RAW_RECORDS, account, gmail(account, user, mailbox, message("fixed-later").internalDate(null)
                .labels("INBOX").from("jane@client.example").to(mailbox).json()));
        kafka.send(Topics.RAW_RECORDS, account, noObservedAt);
        kafka.send(Topics.RAW_RECORDS, account, "{not json"); // names nothing: not remembered
        kafka.send(Topics.RAW_RECORDS, account, gmail(account, user, mailbox, message("fence").labels("INBOX")
                .from("jane@client.example").to(mailbox).json()));
        await().atMost(WAIT).until(() -> versions(account) == 1);

        String token = serviceToken();
        List<String> ids = List.of("fixed-later", "bad-envelope", "fence", "never-sent");
        ask(token, account, body(Source.GMAIL, ids)).statusCode(200)
                .body("checked", equalTo(4))
                .body("missing", equalTo(List.of("never-sent")))
                .body("deadLettered.remoteId", equalTo(List.of("fixed-later", "bad-envelope")))
                .body("deadLettered.code", equalTo(List.of("unparseable_payload", "schema_violation")))
                .body("deadLettered[1].reason", containsString("observedAt"));

        // the sync service publishes the resource again, now valid: it decides the resource's events, so it counts
        kafka.send(Topics.RAW_RECORDS, account, gmail(account, user, mailbox, message("fixed-later").labels("INBOX")
                .from("jane@client.example").to(mailbox).json()));
        await().atMost(WAIT).until(() -> versions(account) == 2);
        ask(token, account, body(Source.GMAIL, ids)).statusCode(200)
                .body("missing", equalTo(List.of("never-sent")))
                .body("deadLettered.remoteId", equalTo(List.of("bad-envelope")));

        kafka.send(Topics.ACCOUNT_EVENTS, account, new AccountEvent(1, AccountEvent.Type.DISCONNECTED, account, user,
                Provider.GOOGLE, mailbox, null, null, null, true, null, Instant.now()));
        await().atMost(WAIT).until(() -> versions(account) == 0 && Db.count(
                "select count(*) from normalizer.dead_lettered_resources where account_id = ?", account) == 0);
        ask(token, account, body(Source.GMAIL, ids)).statusCode(200)
                .body("missing", equalTo(ids)).body("deadLettered", equalTo(List.of()));
    }

    @Test
    void answersOnlyServiceTokens() {
        Map<String, Object> body = body(Source.GMAIL, List.of("x"));
        ask(null, "acc-1", body).statusCode(401).contentType(Problem.TYPE).body("code", equalTo("unauthorized"));
        ask("not-a-jwt", "acc-1", body).statusCode(401).contentType(Problem.TYPE).body("code", equalTo("unauthorized"));
        // a user JWT is refused, whoever the user is and whatever its roles (role "service" included)
        ask(TestJwts.user("user-1", "alice@acme.test"), "acc-1", body)
                .statusCode(403).contentType(Problem.TYPE).body("code", equalTo("service_client_required"));
        ask(TestJwts.user("ops", "ops@acme.test", "admin"), "acc-1", body)
                .statusCode(403).contentType(Problem.TYPE).body("code", equalTo("service_client_required"));
        ask(TestJwts.user("google-sync-service", "g@services.test", "service"), "acc-1", body)
                .statusCode(403).contentType(Problem.TYPE).body("code", equalTo("service_client_required"));
        // only the sync services' clients: not the normalizer's own, not the connector's
        ask(serviceToken("event-normalizer"), "acc-1", body)
                .statusCode(403).contentType(Problem.TYPE).body("code", equalTo("client_not_allowed"));
        ask(serviceToken("connector-service"), "acc-1", body)
                .statusCode(403).contentType(Problem.TYPE).body("code", equalTo("client_not_allowed"));
        ask(serviceToken(), "acc-1", body).statusCode(200).body("missing", equalTo(List.of("x")));
        ask(serviceToken("microsoft-sync-service"), "acc-1", body(Source.OUTLOOK_MAIL, List.of("x"))).statusCode(200);
    }

    /** Issue 17: each sync service only for its own provider's sources and accounts, as at the connector. */
    @Test
    void eachSyncServiceAsksOnlyAboutItsOwnProvidersAccounts() {
        String n = UUID.randomUUID().toString().substring(0, 8);
        String google = "acc-g-" + n;
        String microsoft = "acc-m-" + n;
        String user = "user-" + n;
        String mailbox = "carol." + n + "@acme.test";
        kafka.send(Topics.RAW_RECORDS, google, gmail(google, user, mailbox, message("g-1").labels("INBOX")
                .from("jane@client.example").to(mailbox).json()));
        ObjectNode mail = GraphMailFixtures.add(GraphMailFixtures.from(GraphMailFixtures.message("m-1"),
                "joe@client.example", null), "toRecipients", mailbox, null);
        kafka.send(Topics.RAW_RECORDS, microsoft, CalendarFixtures.record(Source.OUTLOOK_MAIL, RawRecord.Op.UPSERT,
                mail, mailbox, false, microsoft, user));
        await().atMost(WAIT).until(() -> Db.count("select count(*) from normalizer.interaction_events "
                + "where account_id in (?, ?)", google, microsoft) == 2);
        String googleSync = serviceToken("google-sync-service");
        String microsoftSync = serviceToken("microsoft-sync-service");

        ask(googleSync, google, body(Source.GMAIL, List.of("g-1"))).statusCode(200).body("missing", equalTo(List.of()));
        ask(microsoftSync, microsoft, body(Source.OUTLOOK_MAIL, List.of("m-1"))).statusCode(200)
                .body("missing", equalTo(List.of()));
        // another provider's account, whatever source is named, or another provider's source
        for (Source source : List.of(Source.GMAIL, Source.GOOGLE_CALENDAR, Source.OUTLOOK_MAIL)) {
            ask(googleSync, microsoft, body(source, List.of("m-1"))).statusCode(403).contentType(Problem.TYPE)
                    .body("code", equalTo("provider_not_allowed"));
        }
        ask(microsoftSync, google, body(Source.OUTLOOK_MAIL, List.of("g-1"))).statusCode(403)
                .body("code", equalTo("provider_not_allowed"));
        ask(microsoftSync, "acc-unknown-" + n, body(Source.GMAIL, List.of("g-1"))).statusCode(403)
                .body("code", equalTo("provider_not_allowed"));
    }

    @Test
    void refusesServiceTokensOnTheQueryApiAndReplays() {
        String token = serviceToken();
        given().auth().oauth2(token).get("/api/v1/interaction-events")
                .then().statusCode(403).contentType(Problem.TYPE).body("code", equalTo("service_token_not_allowed"));
        given().auth().oauth2(token).post("/api/v1/admin/replays")
                .then().statusCode(403).contentType(Problem.TYPE).body("code", equalTo("service_token_not_allowed"));
        given().auth().oauth2(token).get("/api/v1/admin/replays")
                .then().statusCode(403).contentType(Problem.TYPE).body("code", equalTo("service_token_not_allowed"));
        // a user still reads their own events
        given().auth().oauth2(TestJwts.user("u-" + java.util.UUID.randomUUID(), "u@acme.test"))
                .get("/api/v1/interaction-events").then().statusCode(200);
    }

    @Test
    void refusesMoreThanFiveThousandIdsAndMalformedRequestsWithProblems() {
        String token = serviceToken();
        List<String> tooMany = IntStream.rangeClosed(0, IngestedResource.MAX_REMOTE_IDS).mapToObj(i -> "m" + i).toList();
        ask(token, "acc-1", body(Source.GMAIL, tooMany))
                .statusCode(400).contentType(Problem.TYPE).body("code", equalTo("too_many_remote_ids"))
                .body("detail", containsString("5000"));
        ask(token, "acc-1", body(Source.GMAIL, tooMany.subList(0, IngestedResource.MAX_REMOTE_IDS)))
                .statusCode(200).body("checked", equalTo(IngestedResource.MAX_REMOTE_IDS));
        ask(token, "acc-1", Map.of("source", "fax", "remoteIds", List.of("a")))
                .statusCode(400).contentType(Problem.TYPE).body("code", equalTo("invalid_source"));
        ask(token, "acc-1", Map.of("source", "gmail", "remoteIds", "a"))
                .statusCode(400).body("code", equalTo("invalid_remote_ids"));
        ask(token, "acc-1", Map.of("source", "gmail", "remoteIds", List.of(1, 2)))
                .statusCode(400).body("code", equalTo("invalid_remote_ids"));
        ask(token, "acc-1", "{\"source\": \"gmail\", ").statusCode(400).contentType(Problem.TYPE)
                .body("code", equalTo("malformed_json"));
        ask(token, "acc-1", "[]").statusCode(400).body("code", equalTo("invalid_body"));
    }

    /**
     * The probe reads the primary keys once per id even where the planner would rather scan: with 50,000 rows a plain
     * {@code join unnest(…)} of 5,000 ids becomes a hash join over the whole table.
     */
    @Test
    void probesTheIndexPerIdInsteadOfScanningTheTable() throws Exception {
        String account = "acc-plan-" + UUID.randomUUID().toString().substring(0, 8);
        try (Connection c = DriverManager.getConnection(PostgresTestResource.jdbcUrl(PostgresTestResource.DATABASE),
                PostgresTestResource.user(), "")) {
            try (PreparedStatement ps = c.prepareStatement("insert into normalizer.record_versions "
                    + "(resource_id, account_id, kafka_partition, kafka_offset) "
                    + "select (left(md5(?), 8) || substr(md5(? || E'\\n' || 'gmail' || E'\\n' || 'm' || m), 9))::uuid, ?, 0, m "
                    + "from generate_series(1, 50000) m")) {
                ps.setString(1, account);
                ps.setString(2, account);
                ps.setString(3, account);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("insert into normalizer.dead_lettered_resources "
                    + "(resource_id, account_id, source, remote_id, code, reason, kafka_partition, kafka_offset, "
                    + "dead_lettered_at) "
                    + "select (left(md5(?), 8) || substr(md5(? || E'\\n' || 'gmail' || E'\\n' || 'd' || m), 9))::uuid, ?, "
                    + "'gmail', 'd' || m, 'mapping_failed', 'test', 0, m, now() from generate_series(1, 50000) m")) {
                ps.setString(1, account);
                ps.setString(2, account);
                ps.setString(3, account);
                ps.executeUpdate();
            }
            try {
                c.createStatement().execute("analyze normalizer.record_versions");
                c.createStatement().execute("analyze normalizer.dead_lettered_resources");
                List<UUID> ids = new ArrayList<>();
                for (int i = 0; i < IngestedResource.MAX_REMOTE_IDS; i++) {
                    ids.add(io.interactionsync.normalizer.repository.ResourceIds.of(account, Source.GMAIL,
                            (i % 2 == 0 ? "m" : "d") + i));
                }
                String join = "select v.resource_id from normalizer.record_versions v "
                        + "join unnest($1::uuid[]) as k(id) on v.resource_id = k.id";
                assertThat(plan(c, join, ids)).as("precondition: enough rows that a join would scan")
                        .contains("Seq Scan");
                assertThat(plan(c, IngestedRepository.KNOWN, ids))
                        .contains("Index Only Scan using record_versions_pkey")
                        .contains("Index Scan using dead_lettered_resources_pkey").doesNotContain("Seq Scan");
            } finally {
                for (String table : List.of("record_versions", "dead_lettered_resources")) {
                    try (PreparedStatement ps = c.prepareStatement(
                            "delete from normalizer." + table + " where account_id = ?")) {
                        ps.setString(1, account);
                        ps.executeUpdate();
                    }
                    c.createStatement().execute("analyze normalizer." + table);
                }
            }
        }
    }

    private static String plan(Connection c, String sql, List<UUID> ids) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("explain " + sql.replace("$1", "?"))) {
            ps.setArray(1, c.createArrayOf("uuid", ids.toArray()));
            StringBuilder plan = new StringBuilder();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    plan.append(rs.getString(1)).append('\n');
                }
            }
            return plan.toString();
        }
    }

    private static RawRecord gmail(String account, String user, String mailbox, JsonNode payload) {
        return GmailFixtures.envelope(RawRecord.Op.UPSERT, payload.get("id").asText(), payload, mailbox, account, user);
    }

    /** The problem+json media type. */
    private static final class Problem {
        static final String TYPE = "application/problem+json";
    }
}
