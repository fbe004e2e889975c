package io.interactionsync.connector.rest;

import static io.interactionsync.connector.ConnectorTestSupport.adminJwt;
import static io.interactionsync.connector.ConnectorTestSupport.connect;
import static io.interactionsync.connector.ConnectorTestSupport.db;
import static io.interactionsync.connector.ConnectorTestSupport.loadGoogleUser;
import static io.interactionsync.connector.ConnectorTestSupport.serviceJwt;
import static io.interactionsync.connector.ConnectorTestSupport.uniqueEmail;
import static io.interactionsync.connector.ConnectorTestSupport.userJwt;
import static io.interactionsync.connector.MicrosoftTestSupport.loadMicrosoftUser;
import static io.interactionsync.connector.MicrosoftTestSupport.loadSharedMailbox;
import static io.interactionsync.connector.MicrosoftTestSupport.uniqueUpn;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interactionsync.connector.MicrosoftTestSupport;
import io.interactionsync.model.Completeness;
import io.interactionsync.model.Json;
import io.interactionsync.model.Source;
import io.interactionsync.model.SyncStatus;
import io.interactionsync.model.Topics;
import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.KafkaTestClient;
import io.interactionsync.testsupport.KafkaTestResource;
import io.interactionsync.testsupport.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** {@code GET /api/v1/admin/accounts}: the console's team health view (role admin). */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class AdminAccountListTests {

    private static final String ADMIN = adminJwt("admin-" + UUID.randomUUID());

    private static JsonNode page(UnaryOperator<RequestSpecification> query) {
        return tree(query.apply(given().auth().oauth2(ADMIN)).get("/api/v1/admin/accounts")
                .then().statusCode(200).contentType(ContentType.JSON).extract().asString());
    }

    /** The body as sent, nulls included (nextCursor: null is part of the contract). */
    private static JsonNode tree(String body) {
        try {
            return Json.mapper().readTree(body);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Every item of a filtered listing, following nextCursor to the end (which it must reach). */
    private static List<JsonNode> all(Map<String, String> filters) {
        List<JsonNode> out = new ArrayList<>();
        String cursor = null;
        for (int pages = 0; pages < 1000; pages++) {
            String c = cursor;
            JsonNode page = page(r -> {
                RequestSpecification spec = r.queryParams(filters).queryParam("limit", 200);
                return c == null ? spec : spec.queryParam("cursor", c);
            });
            page.get("items").forEach(out::add);
            if (page.get("nextCursor").isNull()) {
                return out;
            }
            cursor = page.get("nextCursor").asText();
        }
        throw new AssertionError("the listing never ended");
    }

    private static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.get("items").forEach(i -> ids.add(i.get("id").asText()));
        return ids;
    }

    private static String connectGoogle(String jwt, String scopes) {
        String email = uniqueEmail("fleet");
        loadGoogleUser(email);
        return connect(jwt, email, scopes, 201).get("id").asText();
    }

    @Test
    void shouldPageEveryUsersAccountsNewestFirstWithACursorStableUnderInserts() {
        String first = connectGoogle(userJwt("u-" + UUID.randomUUID()), "gmail");
        String second = connectGoogle(userJwt("u-" + UUID.randomUUID()), "calendar");
        String third = connectGoogle(userJwt("u-" + UUID.randomUUID()), "gmail,calendar");

        JsonNode one = page(r -> r.queryParam("limit", 2));
        assertThat(ids(one)).containsExactly(third, second);
        String cursor = one.get("nextCursor").asText();
        assertThat(cursor).isNotBlank();

        JsonNode two = page(r -> r.queryParam("limit", 2).queryParam("cursor", cursor));
        assertThat(ids(two).get(0)).isEqualTo(first);

        // an account connected meanwhile does not shift the next page
        String fourth = connectGoogle(userJwt("u-" + UUID.randomUUID()), "gmail");
        JsonNode again = page(r -> r.queryParam("limit", 2).queryParam("cursor", cursor));
        assertThat(ids(again)).isEqualTo(ids(two));
        assertThat(ids(page(r -> r.queryParam("limit", 1)))).containsExactly(fourth);

        // to the end: every account once, nextCursor null on the last page, the default page size 50
        List<String> everything = all(Map.of()).stream().map(i -> i.get("id").asText()).toList();
        assertThat(new HashSet<>(everything)).hasSameSizeAs(everything).contains(first, second, third, fourth);
        JsonNode defaults = page(r -> r);
        assertThat(defaults.get("items").size()).isEqualTo(Math.min(50, everything.size()));
        assertThat(defaults.get("nextCursor").isNull()).isEqualTo(everything.size() <= 50);
    }

    @Test
    void shouldFilterBySyncStatusAndProviderAndLeaveDisconnectedAccountsOut() throws Exception {
        String owner = userJwt("u-" + UUID.randomUUID());
        String pending = connectGoogle(owner, "gmail");
        String reauth = connectGoogle(owner, "gmail");
        String gone = connectGoogle(owner, "calendar");
        try (Connection c = db(); PreparedStatement ps = c.prepareStatement(
                "update connector.accounts set status = 'REAUTH_REQUIRED' where id = ?")) {
            ps.setObject(1, UUID.fromString(reauth));
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        given().auth().oauth2(owner).delete("/api/v1/google-accounts/{id}?purge=false", gone).then().statusCode(204);
        String upn = uniqueUpn("fleet");
        loadMicrosoftUser(upn);
        String microsoft = MicrosoftTestSupport.connect(owner, upn, "mail", 201).get("id").asText();

        List<JsonNode> reauthOnly = all(Map.of("state", "reauth_required"));
        assertThat(reauthOnly).extracting(i -> i.get("syncStatus").asText()).containsOnly("reauth_required");
        assertThat(reauthOnly).extracting(i -> i.get("id").asText()).contains(reauth).doesNotContain(pending);

        List<String> either = all(Map.of("state", "pending, reauth_required")).stream()
                .map(i -> i.get("id").asText()).toList();
        assertThat(either).contains(pending, reauth, microsoft).doesNotContain(gone);

        List<JsonNode> google = all(Map.of("provider", "google"));
        assertThat(google).extracting(i -> i.get("provider").asText()).containsOnly("google");
        assertThat(google).extracting(i -> i.get("id").asText()).contains(pending, reauth)
                .doesNotContain(microsoft, gone);
        List<JsonNode> pendingMicrosoft = all(Map.of("provider", "microsoft", "state", "pending"));
        assertThat(pendingMicrosoft).extracting(i -> i.get("id").asText()).contains(microsoft);
        assertThat(pendingMicrosoft).extracting(i -> i.get("provider").asText()).containsOnly("microsoft");

        // a filtered page is as full as the filter allows, and its cursor continues the same filter
        JsonNode firstReauth = page(r -> r.queryParam("state", "reauth_required").queryParam("limit", 1));
        assertThat(ids(firstReauth)).containsExactly(reauth);
        if (!firstReauth.get("nextCursor").isNull()) {
            JsonNode next = page(r -> r.queryParam("state", "reauth_required").queryParam("limit", 1)
                    .queryParam("cursor", firstReauth.get("nextCursor").asText()));
            assertThat(ids(next)).doesNotContain(reauth);
            next.get("items").forEach(i -> assertThat(i.get("syncStatus").asText()).isEqualTo("reauth_required"));
        }
    }

    @Test
    void shouldShowEachAccountExactlyAsItsOwnerSeesItPlusTheOwner() {
        String ownerId = "u-" + UUID.randomUUID();
        String owner = userJwt(ownerId);
        String shared = "team-" + UUID.randomUUID().toString().substring(0, 8) + "@contoso.test";
        loadSharedMailbox(shared);
        String upn = uniqueUpn("owner");
        loadMicrosoftUser(upn, Map.of("fullAccessTo", List.of(shared)));
        String id = MicrosoftTestSupport.connect(owner, upn, "mail,calendar,sharedMail", 201).get("id").asText();
        given().auth().oauth2(owner).contentType(ContentType.JSON).body(Map.of("address", shared))
                .post("/api/v1/microsoft-accounts/{id}/shared-mailboxes", id).then().statusCode(201);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        try (KafkaTestClient kafka = KafkaTestClient.connect()) {
            kafka.send(Topics.SYNC_STATUS, id, new SyncStatus(1, id, Source.OUTLOOK_MAIL, null, SyncStatus.State.SYNCED,
                    25, 25L, now, null, now, new Completeness(now, 25, 25, 0, 0)));
            kafka.send(Topics.SYNC_STATUS, id, new SyncStatus(1, id, Source.OUTLOOK_MAIL, shared,
                    SyncStatus.State.SYNCING, 7, 30L, null, null, now));
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().auth().oauth2(owner)
                .get("/api/v1/microsoft-accounts/{id}", id).then().statusCode(200)
                .body("sources.outlook_mail.state", equalTo("synced"))
                .body("sharedMailboxes[0].state", equalTo("syncing")));

        ObjectNode own = (ObjectNode) tree(given().auth().oauth2(owner).get("/api/v1/microsoft-accounts/{id}", id)
                .then().statusCode(200).extract().asString());
        own.remove("retention"); // depends on the owner's portal address, which the connector does not keep
        JsonNode item = all(Map.of("provider", "microsoft")).stream().filter(i -> i.get("id").asText().equals(id))
                .findFirst().orElseThrow();
        assertThat(item.get("userId").asText()).isEqualTo(ownerId);
        ObjectNode withoutOwner = item.deepCopy();
        withoutOwner.remove("userId");
        assertThat(withoutOwner).isEqualTo(own);
        assertThat(item.path("sharedMailboxes").get(0).get("subscription").asText()).isEqualTo("active");
    }

    @Test
    void shouldBeForAdminsOnly() {
        String user = userJwt("u-" + UUID.randomUUID());
        connectGoogle(user, "gmail");
        given().auth().oauth2(user).get("/api/v1/admin/accounts").then().statusCode(403)
                .contentType("application/problem+json").body("code", equalTo("forbidden"));
        given().auth().oauth2(serviceJwt()).get("/api/v1/admin/accounts").then().statusCode(403)
                .body("code", equalTo("service_token_not_allowed"));
        given().get("/api/v1/admin/accounts").then().statusCode(401).body("code", equalTo("unauthorized"));
        // the user's own list still shows only their own accounts
        given().auth().oauth2(user).get("/api/v1/google-accounts").then().statusCode(200).body("size()", equalTo(1));
    }

    @Test
    void shouldRejectBadParametersWithTheirCodes() {
        Map<String, Map<String, String>> bad = Map.of(
                "invalid_state", Map.of("state", "synced,bogus"),
                "invalid_provider", Map.of("provider", "yahoo"),
                "invalid_cursor", Map.of("cursor", "not-a-cursor"));
        bad.forEach((code, query) -> given().auth().oauth2(ADMIN).queryParams(query).get("/api/v1/admin/accounts")
                .then().statusCode(400).contentType("application/problem+json").body("code", equalTo(code)));
        for (String limit : List.of("0", "201", "ten", "-1")) {
            given().auth().oauth2(ADMIN).queryParam("limit", limit).get("/api/v1/admin/accounts")
                    .then().statusCode(400).body("code", equalTo("invalid_limit"));
        }
        given().auth().oauth2(ADMIN).queryParam("limit", 200).get("/api/v1/admin/accounts").then().statusCode(200);
        // a cursor of the right shape but garbage inside is refused too
        String forged = java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString("a1|yesterday|nobody".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        given().auth().oauth2(ADMIN).queryParam("cursor", forged).get("/api/v1/admin/accounts")
                .then().statusCode(400).body("code", equalTo("invalid_cursor"));
        Set<String> states = Set.of("pending", "syncing", "synced", "incomplete", "error", "reauth_required");
        given().auth().oauth2(ADMIN).queryParam("state", String.join(",", states)).get("/api/v1/admin/accounts")
                .then().statusCode(200);
    }
}
