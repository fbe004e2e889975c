package io.interactionsync.emulator.idp;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;

import io.interactionsync.emulator.support.EmulatorExtension;
import io.interactionsync.emulator.support.GoogleFlow;
import io.interactionsync.emulator.support.MicrosoftFlow;
import io.interactionsync.emulator.support.PortalFlow;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The portal IdP's user picker, its users (derived and explicit), discovery and CORS. */
class IdpConsolePickerTests {

    @RegisterExtension
    static final EmulatorExtension EMULATOR = new EmulatorExtension();

    private static int count(String html, String regex) {
        Matcher m = Pattern.compile(regex).matcher(html);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    /** The hidden and radio inputs of the picker's form, by name (radio: the checked one). */
    private static Map<String, String> formOf(String html) {
        Map<String, String> form = new HashMap<>();
        Matcher hidden = Pattern.compile("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">").matcher(html);
        while (hidden.find()) {
            form.put(hidden.group(1), hidden.group(2).replace("&amp;", "&").replace("&quot;", "\""));
        }
        Matcher checked = Pattern.compile("<input type=\"radio\" name=\"email\" id=\"[^\"]+\" value=\"([^\"]+)\" checked>").matcher(html);
        if (checked.find()) {
            form.put("email", checked.group(1));
        }
        return form;
    }

    @Test
    void thePickerListsLoadedAndExplicitUsersWithLabels() {
        GoogleFlow.putUser("alice@acme.test", "Alice Example", List.of());
        MicrosoftFlow.putUser("dana@contoso.test", Map.of("displayName", "Dana Contoso"));
        PortalFlow.putPortalUser("root@acme.test", Map.of("name", "Root Admin", "roles", List.of("admin", "user")));

        String html = PortalFlow.authorize(PortalFlow.params()).then().statusCode(200)
                .contentType(org.hamcrest.Matchers.containsString("text/html")).extract().asString();
        assertThat(html).contains("<html lang=\"en\"").contains("<title>").contains("<main>");
        assertThat(count(html, "<h1[ >]")).isEqualTo(1);
        assertThat(html).contains("<fieldset><legend>Choose a user</legend>");
        assertThat(count(html, "type=\"radio\"")).isEqualTo(3);
        for (int i = 0; i < 3; i++) {
            assertThat(html).contains("id=\"user-" + i + "\"").contains("<label for=\"user-" + i + "\">");
        }
        assertThat(html).contains("Alice Example").contains("alice@acme.test")
                .contains("Dana Contoso").contains("dana@contoso.test")
                .contains("Root Admin").contains("root@acme.test").contains("Roles: admin, user").contains("Roles: user")
                .contains(">Sign in</button>").contains(">Cancel</button>").contains("action=\"authorize/approve\"");
    }

    @Test
    void approvingThePickerRedirectsWithACodeForTheChosenUser() throws Exception {
        GoogleFlow.putUser("alice@acme.test", "Alice Example", List.of());
        PortalFlow.putPortalUser("root@acme.test", Map.of("sub", "admin-1", "roles", List.of("admin", "user")));
        Map<String, String> form = formOf(PortalFlow.authorize(PortalFlow.params()).then().statusCode(200).extract().asString());
        assertThat(form).containsEntry("client_id", PortalFlow.CLIENT_ID).containsEntry("code_challenge", PortalFlow.CHALLENGE)
                .containsEntry("state", "st-1").containsEntry("email", "alice@acme.test");
        form.put("email", "root@acme.test");
        form.put("decision", "approve");
        Response approved = given().redirects().follow(false).formParams(form).post("/idp/authorize/approve");
        assertThat(approved.statusCode()).isEqualTo(302);
        Map<String, String> query = GoogleFlow.query(approved.header("Location"));
        assertThat(query).containsEntry("state", "st-1");
        String access = PortalFlow.exchange(query.get("code"), PortalFlow.VERIFIER, PortalFlow.REDIRECT).then().statusCode(200)
                .extract().path("access_token");
        String payload = new String(java.util.Base64.getUrlDecoder().decode(access.split("\\.")[1]));
        assertThat(payload).contains("\"sub\":\"admin-1\"").contains("\"roles\":[\"admin\",\"user\"]")
                .contains("\"email\":\"root@acme.test\"");
    }

    @Test
    void cancellingRedirectsWithAccessDenied() {
        GoogleFlow.putUser("alice@acme.test", "Alice Example", List.of());
        Map<String, String> form = formOf(PortalFlow.authorize(PortalFlow.params()).then().statusCode(200).extract().asString());
        form.put("decision", "deny");
        Response denied = given().redirects().follow(false).formParams(form).post("/idp/authorize/approve");
        assertThat(denied.statusCode()).isEqualTo(302);
        assertThat(GoogleFlow.query(denied.header("Location"))).containsEntry("error", "access_denied")
                .containsEntry("state", "st-1").doesNotContainKey("code");
    }

    @Test
    void promptSelectAccountShowsThePickerWithTheHintedUserChecked() {
        GoogleFlow.putUser("alice@acme.test", "Alice Example", List.of());
        GoogleFlow.putUser("bob@acme.test", "Bob Example", List.of());
        Map<String, String> p = PortalFlow.params();
        p.put("login_hint", "bob@acme.test");
        p.put("prompt", "select_account");
        String html = PortalFlow.authorize(p).then().statusCode(200).extract().asString();
        assertThat(formOf(html)).containsEntry("email", "bob@acme.test");
    }

    @Test
    void withoutUsersThePageSaysSoPlainly() {
        String html = PortalFlow.authorize(PortalFlow.params()).then().statusCode(200).extract().asString();
        assertThat(html).contains("No portal users are known to the emulator").doesNotContain(">Sign in</button>")
                .contains(">Cancel</button>");
    }

    @Test
    void controlApiListsDerivedAndExplicitUsersAndExplicitOnesOverride() {
        GoogleFlow.putUser("Alice@Acme.test", "Alice Example", List.of());
        given().get("/_emulator/idp/users").then().statusCode(200)
                .body("users[0].email", equalTo("alice@acme.test"))
                .body("users[0].sub", equalTo(PortalUsers.subjectFor("alice@acme.test")))
                .body("users[0].roles", equalTo(List.of("user"))).body("users[0].source", equalTo("google"));
        given().contentType(ContentType.JSON).body(Map.of("roles", List.of("admin", "user")))
                .put("/_emulator/idp/users/alice@acme.test").then().statusCode(200)
                .body("name", equalTo("Alice Example")).body("sub", equalTo(PortalUsers.subjectFor("alice@acme.test")))
                .body("source", equalTo("explicit"));
        given().get("/_emulator/idp/users").then().body("users.size()", equalTo(1))
                .body("users[0].roles", equalTo(List.of("admin", "user")));
        given().delete("/_emulator/idp/users/alice@acme.test").then().statusCode(204);
        given().delete("/_emulator/idp/users/alice@acme.test").then().statusCode(404).body("error", equalTo("not_found"));
        given().get("/_emulator/idp/users").then().body("users[0].source", equalTo("google"));

        given().contentType(ContentType.JSON).body(Map.of("roles", "admin"))
                .put("/_emulator/idp/users/x@acme.test").then().statusCode(400).body("error", equalTo("bad_request"));
        given().contentType(ContentType.JSON).body(Map.of("roles", List.of(), "group", "x"))
                .put("/_emulator/idp/users/x@acme.test").then().statusCode(400);
        given().contentType(ContentType.JSON).body(Map.of("roles", List.of()))
                .put("/_emulator/idp/users/not-an-address").then().statusCode(400);
    }

    @Test
    void resetForgetsExplicitUsers() {
        PortalFlow.putPortalUser("root@acme.test", Map.of("roles", List.of("admin")));
        given().post("/_emulator/reset").then().statusCode(204);
        given().get("/_emulator/idp/users").then().body("users.size()", equalTo(0));
    }

    @Test
    void discoveryDescribesTheCodeFlow() {
        String issuer = EMULATOR.baseUrl() + "/idp";
        given().get("/idp/.well-known/openid-configuration").then().statusCode(200)
                .body("authorization_endpoint", equalTo(issuer + "/authorize"))
                .body("token_endpoint", equalTo(issuer + "/token"))
                .body("end_session_endpoint", equalTo(issuer + "/logout"))
                .body("response_types_supported", equalTo(List.of("code")))
                .body("grant_types_supported", hasItems("authorization_code", "refresh_token", "client_credentials"))
                .body("code_challenge_methods_supported", equalTo(List.of("S256")))
                .body("token_endpoint_auth_methods_supported", hasItem("none"))
                .body("scopes_supported", hasItems("openid", "email", "profile"));
    }

    @Test
    void corsLetsABrowserOnAnotherOriginCallDiscoveryJwksAndToken() {
        String origin = "http://127.0.0.1:8081";
        for (String path : List.of("/idp/token", "/idp/jwks", "/idp/.well-known/openid-configuration")) {
            Response preflight = given().header("Origin", origin).header("Access-Control-Request-Method", "POST")
                    .header("Access-Control-Request-Headers", "content-type").options(path);
            assertThat(preflight.statusCode()).as(path).isIn(200, 204);
            assertThat(preflight.header("Access-Control-Allow-Origin")).isEqualTo(origin);
            assertThat(preflight.header("Access-Control-Allow-Methods")).contains("GET").contains("POST");
            assertThat(preflight.header("Access-Control-Allow-Headers")).contains("Content-Type").contains("Authorization");
        }
        given().header("Origin", origin).get("/idp/jwks").then().statusCode(200)
                .header("Access-Control-Allow-Origin", origin);
        given().header("Origin", origin).formParam("grant_type", "refresh_token").formParam("client_id", PortalFlow.CLIENT_ID)
                .formParam("refresh_token", "nope").post("/idp/token").then().statusCode(400)
                .header("Access-Control-Allow-Origin", origin);
        given().get("/idp/.well-known/openid-configuration").then().header("Access-Control-Allow-Origin", "*");
        // The authorize page is a navigation, not a fetch: no CORS there.
        assertThat(PortalFlow.authorize(PortalFlow.params()).header("Access-Control-Allow-Origin")).isNull();
    }

    @Test
    void aFaultedTokenAnswerStillCarriesCorsHeaders() {
        given().contentType(ContentType.JSON).body(Map.of("rules", List.of(Map.of("provider", "idp", "pathRegex", "/token$",
                "status", 503)))).put("/_emulator/faults").then().statusCode(200);
        given().header("Origin", "http://localhost:8081").formParam("grant_type", "refresh_token")
                .post("/idp/token").then().statusCode(503).header("Access-Control-Allow-Origin", "http://localhost:8081");
    }
}
