package io.interactionsync.googlesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.googlesync.support.TestMailbox;
import io.interactionsync.model.Provider;
import io.interactionsync.model.Source;
import io.interactionsync.model.SyncRequest;
import io.interactionsync.model.Topics;
import io.interactionsync.sync.jobs.SyncJobRepository;
import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.FakeConnectorResource;
import io.interactionsync.testsupport.InternalTls;
import io.interactionsync.testsupport.KafkaTestClient;
import io.interactionsync.testsupport.KafkaTestResource;
import io.interactionsync.testsupport.PostgresTestResource;
import io.interactionsync.testsupport.TopicReader;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The sync services' calls to the connector's token API and the normalizer's ingested API over TLS, configured as
 * Kubernetes configures them: the {@code client.properties} of ConfigMap {@code interaction-sync-tls} (the REST clients
 * trust the internal CA only). The test app serves the fake connector and normalizer over HTTPS with the
 * {@code server.properties} of the same ConfigMap, so a backfill and its completeness audit cross TLS twice.
 */
@QuarkusTest
@TestProfile(InternalApisOverTlsIT.KubernetesTls.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class InternalApisOverTlsIT {

    static final Path CERTIFICATE = Path.of("target/internal-tls");

    @ConfigProperty(name = "emulator.base-url")
    String emulator;

    @ConfigProperty(name = "quarkus.rest-client.connector.url")
    String connectorUrl;

    @Inject
    SyncJobRepository jobs;

    @Test
    void shouldFetchTokensAndAuditOverTlsTrustingTheInternalCa() {
        assertThat(connectorUrl).startsWith("https://localhost:");
        TestMailbox box = TestMailbox.create();
        box.add(Instant.now().minusSeconds(120), true, "INBOX");
        box.add(Instant.now().minusSeconds(60), true, "INBOX");
        box.load(emulator);
        String accountId = FakeConnectorResource.register(box.email);
        try (KafkaTestClient kafka = KafkaTestClient.connect()) {
            kafka.send(Topics.SYNC_REQUESTS, accountId, SyncRequest.of(accountId, Provider.GOOGLE, List.of(Source.GMAIL),
                    SyncRequest.Mode.AUTO, SyncRequest.Reason.MANUAL, Instant.now()));
        }
        await().atMost(Duration.ofSeconds(60)).failFast(() -> jobs.state(accountId).filter("failed"::equals).isPresent())
                .until(() -> jobs.state(accountId).filter("done"::equals).isPresent());

        assertThat(TopicReader.valuesWithKey(Topics.RAW_RECORDS, accountId)).hasSize(2); // the token came over TLS
        List<JsonNode> status = TopicReader.valuesWithKey(Topics.SYNC_STATUS, accountId);
        assertThat(status).last().satisfies(s -> {
            assertThat(s.get("state").asText()).isEqualTo("synced");
            assertThat(s.at("/completeness/ingestedCount").asInt()).as("the audit asked the normalizer over TLS")
                    .isEqualTo(2);
        });
    }

    public static class KubernetesTls implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            InternalTls.writeCertificate(CERTIFICATE);
            Map<String, String> overrides = new HashMap<>(InternalTls.kubernetesSettings("server.properties", CERTIFICATE));
            overrides.putAll(InternalTls.kubernetesSettings("client.properties", CERTIFICATE));
            overrides.put("quarkus.http.test-ssl-port", "0");
            overrides.put("quarkus.rest-client.connector.url", "https://localhost:${quarkus.http.test-ssl-port}");
            overrides.put("quarkus.rest-client.normalizer.url", "https://localhost:${quarkus.http.test-ssl-port}");
            return overrides;
        }
    }
}
