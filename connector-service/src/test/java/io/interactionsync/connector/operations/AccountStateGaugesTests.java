package io.interactionsync.connector.operations;

import static io.interactionsync.connector.ConnectorTestSupport.db;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.KafkaTestResource;
import io.interactionsync.testsupport.ManagementInterface;
import io.interactionsync.testsupport.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The account and source gauges the alerts read ({@code reauth_required}, {@code incomplete}, staleness) on /q/metrics. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class AccountStateGaugesTests {

    private static final String REAUTH = "connector_accounts{provider=\"microsoft\",status=\"reauth_required\"}";
    private static final String INCOMPLETE = "connector_sources{provider=\"microsoft\",source=\"outlook_mail\",state=\"incomplete\"}";
    private static final String STALEST = "connector_sources_last_success_age_seconds{provider=\"microsoft\",source=\"outlook_calendar\"}";

    @Inject
    AccountStateGauges gauges;

    @Test
    void shouldCountAccountsAndSourcesByStateAndReportTheStalestSource() throws Exception {
        gauges.refresh();
        double reauthBefore = value(REAUTH);
        double incompleteBefore = value(INCOMPLETE);

        UUID reauth = account("REAUTH_REQUIRED");
        UUID active = account("ACTIVE");
        source(active, "outlook_mail", "", "incomplete", Instant.now());
        source(active, "outlook_mail", "deals@acme.test", "incomplete", Instant.now());
        // Synced ten days ago: older than anything the other tests leave (they run within minutes).
        source(active, "outlook_calendar", "", "synced", Instant.now().minus(Duration.ofDays(10)));
        source(reauth, "outlook_calendar", "", "synced", Instant.now().minus(Duration.ofDays(20))); // not active: ignored
        gauges.refresh();

        assertThat(value(REAUTH) - reauthBefore).isEqualTo(1.0);
        assertThat(value(INCOMPLETE) - incompleteBefore).as("own and shared mailbox").isEqualTo(2.0);
        assertThat(value(STALEST)).isBetween(10 * 86400.0 - 60, 10 * 86400.0 + 60);
    }

    private static double value(String series) {
        String metrics = given().get(ManagementInterface.url("/q/metrics")).then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0.0;
    }

    private static UUID account(String status) throws SQLException {
        UUID id = UUID.randomUUID();
        try (Connection c = db(); PreparedStatement ps = c.prepareStatement("""
                insert into connector.accounts (id, user_id, provider, provider_user_id, email, scopes, status,
                                                created_at, updated_at)
                values (?, ?, 'MICROSOFT', ?, ?, 'Mail.Read', ?, now(), now())""")) {
            ps.setObject(1, id);
            ps.setString(2, "u-" + id);
            ps.setString(3, "oid-" + id);
            ps.setString(4, id + "@acme.test");
            ps.setString(5, status);
            ps.executeUpdate();
        }
        return id;
    }

    private static void source(UUID account, String source, String mailbox, String state, Instant lastSyncedAt)
            throws SQLException {
        try (Connection c = db(); PreparedStatement ps = c.prepareStatement("""
                insert into connector.source_sync_status (account_id, source, mailbox, state, fetched, last_synced_at,
                                                          reported_at)
                values (?, ?, ?, ?, 0, ?, now())""")) {
            ps.setObject(1, account);
            ps.setString(2, source);
            ps.setString(3, mailbox);
            ps.setString(4, state);
            ps.setTimestamp(5, Timestamp.from(lastSyncedAt));
            ps.executeUpdate();
        }
    }
}
