package io.interactionsync.connector.rest;

import static io.interactionsync.connector.ConnectorTestSupport.accessToken;
import static io.interactionsync.connector.ConnectorTestSupport.connect;
import static io.interactionsync.connector.ConnectorTestSupport.db;
import static io.interactionsync.connector.ConnectorTestSupport.loadGoogleUser;
import static io.interactionsync.connector.ConnectorTestSupport.uniqueEmail;
import static io.interactionsync.connector.ConnectorTestSupport.userJwt;
import static org.assertj.core.api.Assertions.assertThat;

import io.interactionsync.connector.crypto.Keyring;
import io.interactionsync.connector.crypto.TokenCipher;
import io.interactionsync.connector.service.TokenKeyRotationService;
import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.KafkaTestResource;
import io.interactionsync.testsupport.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.UUID;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class TokenKeyRotationTests {

    @Inject
    TokenCipher cipher;

    @Inject
    TokenKeyRotationService rotation;

    @Test
    void shouldReadRowsOfARetiredKeyAndResealThemWithTheActiveKey() throws Exception {
        String email = uniqueEmail("rot");
        loadGoogleUser(email);
        String id = connect(userJwt("u-" + UUID.randomUUID()), email, "gmail", 201).get("id").asText();
        String token = accessToken(id, null).get("accessToken").asText();

        // Rewrite the row as it looked before the rotation: sealed with the retired key "test-k1".
        String keyring = ConfigProvider.getConfig().getValue(Keyring.PROPERTY, String.class);
        TokenCipher retired = new TokenCipher(Keyring.parse(keyring.substring(keyring.indexOf(',') + 1)));
        assertThat(retired.activeKeyId()).isEqualTo("test-k1");
        try (Connection c = db()) {
            String refresh;
            try (PreparedStatement ps = c.prepareStatement(
                    "select token_key_id, refresh_token_enc from connector.accounts where id = ?")) {
                ps.setObject(1, UUID.fromString(id));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    refresh = cipher.open(rs.getBytes(2), rs.getString(1), id + "/refresh");
                }
            }
            try (PreparedStatement ps = c.prepareStatement("update connector.accounts set token_key_id = 'test-k1', "
                    + "access_token_enc = ?, refresh_token_enc = ? where id = ?")) {
                ps.setBytes(1, retired.seal(token, id + "/access"));
                ps.setBytes(2, retired.seal(refresh, id + "/refresh"));
                ps.setObject(3, UUID.fromString(id));
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
        }
        assertThat(accessToken(id, null).get("accessToken").asText()).isEqualTo(token);

        assertThat(rotation.reencryptAll()).isPositive();

        try (Connection c = db(); PreparedStatement ps = c.prepareStatement(
                "select token_key_id from connector.accounts where id = ?")) {
            ps.setObject(1, UUID.fromString(id));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("test-k2");
            }
        }
        assertThat(accessToken(id, null).get("accessToken").asText()).isEqualTo(token);
        assertThat(rotation.reencryptAll()).isZero();
    }
}
