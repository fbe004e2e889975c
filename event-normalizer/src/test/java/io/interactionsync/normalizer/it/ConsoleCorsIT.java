package io.interactionsync.normalizer.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.interactionsync.testsupport.DataKeyServerTestResource;
import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.KafkaTestResource;
import io.interactionsync.testsupport.PostgresTestResource;
import io.interactionsync.testsupport.TestJwts;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The console (another origin: the connector's /console/) calls the query and replay APIs with fetch(): preflights from
 * the configured console origins are answered, any other origin gets no Access-Control-Allow-Origin.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
@WithTestResource(DataKeyServerTestResource.class)
class ConsoleCorsIT {

    private static Response preflight(String origin, String method, String path) {
        return given().header("Origin", origin).header("Access-Control-Request-Method", method)
                .header("Access-Control-Request-Headers", "authorization,content-type")
                .options(path);
    }

    @Test
    void shouldAnswerPreflightsFromTheConsoleOrigins() {
        for (String origin : List.of("http://127.0.0.1:8081", "http://localhost:8081")) {
            for (String[] call : List.of(new String[] {"GET", "/api/v1/interaction-events"},
                    new String[] {"GET", "/api/v1/admin/replays"}, new String[] {"POST", "/api/v1/admin/replays"})) {
                Response r = preflight(origin, call[0], call[1]);
                assertThat(r.statusCode()).as(origin + " " + call[0] + " " + call[1]).isEqualTo(200);
                assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo(origin);
                assertThat(r.header("Access-Control-Allow-Methods")).contains("GET", "POST");
                assertThat(r.header("Access-Control-Allow-Headers").toLowerCase()).contains("authorization", "content-type");
            }
        }
        // the actual call carries the header too, so the browser hands the answer to the console
        String jwt = TestJwts.user("u-" + UUID.randomUUID(), "cors@acme.test");
        Response get = given().auth().oauth2(jwt).header("Origin", "http://127.0.0.1:8081")
                .get("/api/v1/interaction-events");
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.header("Access-Control-Allow-Origin")).isEqualTo("http://127.0.0.1:8081");
    }

    @Test
    void shouldGiveAForeignOriginNoAccess() {
        for (String origin : List.of("http://evil.test", "http://127.0.0.1:8082", "https://localhost:8081")) {
            Response r = preflight(origin, "GET", "/api/v1/interaction-events");
            assertThat(r.header("Access-Control-Allow-Origin")).as(origin).isNull();
            Response get = given().auth().oauth2(TestJwts.user("u-" + UUID.randomUUID(), "cors@acme.test"))
                    .header("Origin", origin).get("/api/v1/interaction-events");
            assertThat(get.header("Access-Control-Allow-Origin")).as(origin).isNull();
        }
    }
}
