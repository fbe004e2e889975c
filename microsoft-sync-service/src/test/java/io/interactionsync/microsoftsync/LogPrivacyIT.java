package io.interactionsync.microsoftsync;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.interactionsync.microsoftsync.repository.SharedMailboxRepository;
import io.interactionsync.microsoftsync.support.Outlook;
import io.interactionsync.model.AccountEvent;
import io.interactionsync.model.Provider;
import io.interactionsync.model.Source;
import io.interactionsync.model.SyncRequest;
import io.interactionsync.model.Topics;
import io.interactionsync.sync.jobs.SyncJobRepository;
import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.FakeConnectorResource;
import io.interactionsync.testsupport.KafkaTestClient;
import io.interactionsync.testsupport.KafkaTestResource;
import io.interactionsync.testsupport.PostgresTestResource;
import io.interactionsync.testsupport.TopicReader;
import io.restassured.http.ContentType;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * PII hygiene (issue 17): a sync of own and shared mailboxes — with a subscriber the shared mailbox refuses, a 429
 * storm and an expired delta link on the way — logs no mailbox or contact address at INFO or above, in any form
 * (any case, URL-encoded), neither in the message nor in an attached exception.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class LogPrivacyIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @ConfigProperty(name = "emulator.base-url")
    String emulator;

    @Inject
    SyncJobRepository jobs;

    @Inject
    SharedMailboxRepository sharedMailboxes;

    final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() < Level.INFO.intValue()) {
                return;
            }
            StringBuilder line = new StringBuilder(record.getLevel() + " " + record.getLoggerName() + " "
                    + record.getMessage());
            if (record.getParameters() != null) {
                for (Object p : record.getParameters()) {
                    line.append(" | ").append(p);
                }
            }
            for (Throwable t = record.getThrown(); t != null; t = t.getCause()) {
                line.append(" | ").append(t);
            }
            lines.add(line.toString());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureLogs() {
        capture.setLevel(Level.INFO);
        Logger.getLogger("").addHandler(capture);
    }

    @AfterEach
    void stopCapturing() {
        Logger.getLogger("").removeHandler(capture);
        given().baseUri(emulator).delete("/_emulator/faults").then().statusCode(204);
    }

    @Test
    void shouldLogNoMailboxOrContactAddressAtInfoOrAbove() {
        String shared = "Board-" + UUID.randomUUID().toString().substring(0, 6) + "@contoso.test";
        Outlook.sharedMailbox(emulator, shared.toLowerCase(Locale.ROOT), 6);
        Outlook alice = Outlook.standard(8, 2).fullAccessTo(shared.toLowerCase(Locale.ROOT)).load(emulator);
        Outlook bob = Outlook.standard(3, 1).load(emulator); // subscribed, but the shared mailbox refuses him
        String a = FakeConnectorResource.register(alice.upn);
        String b = FakeConnectorResource.register(bob.upn);
        given().baseUri(emulator).contentType(ContentType.JSON).body(Map.of("rules", List.of(Map.of("provider", "microsoft",
                        "pathRegex", "/messages/delta", "user", alice.upn, "status", 429, "count", 2, "retryAfterSeconds", 1))))
                .put("/_emulator/faults").then().statusCode(200);

        try (KafkaTestClient kafka = KafkaTestClient.connect()) {
            for (String account : List.of(a, b)) {
                kafka.send(Topics.ACCOUNT_EVENTS, account, new AccountEvent(AccountEvent.SCHEMA_VERSION,
                        AccountEvent.Type.SHARED_MAILBOX_ADDED, account, FakeConnectorResource.userId(account),
                        Provider.MICROSOFT, null, null, null, shared, null, null, Instant.now()));
            }
            await().atMost(WAIT).until(() -> sharedMailboxes.subscribers(shared.toLowerCase(Locale.ROOT)).size() == 2);
            sync(kafka, a);
            sync(kafka, b);
            String live = alice.addLive(emulator, "inbox", Instant.now().minusSeconds(30));
            alice.expireDelta(emulator);
            sync(kafka, a);
            await().atMost(WAIT).until(() -> TopicReader.valuesWithKey(Topics.RAW_RECORDS, a).stream()
                    .anyMatch(r -> r.get("remoteId").asText().equals(live)) && jobs.state(a).filter("done"::equals).isPresent());
        }

        assertThat(lines).as("the sync logged at INFO").isNotEmpty();
        List<String> addresses = new ArrayList<>(List.of(shared, alice.upn, bob.upn));
        addresses.addAll(List.of("bob@ext.example", "dana@contoso.test")); // the contacts of Outlook.message
        for (String address : addresses) {
            for (String form : List.of(address, address.toLowerCase(Locale.ROOT),
                    URLEncoder.encode(address.toLowerCase(Locale.ROOT), StandardCharsets.UTF_8))) {
                assertThat(lines).as("INFO+ log lines naming " + form)
                        .noneMatch(line -> line.toLowerCase(Locale.ROOT).contains(form.toLowerCase(Locale.ROOT)));
            }
        }
    }

    private void sync(KafkaTestClient kafka, String accountId) {
        kafka.send(Topics.SYNC_REQUESTS, accountId, SyncRequest.of(accountId, Provider.MICROSOFT,
                List.of(Source.OUTLOOK_MAIL, Source.OUTLOOK_CALENDAR), SyncRequest.Mode.AUTO, SyncRequest.Reason.MANUAL,
                Instant.now()));
        await().atMost(WAIT).failFast(() -> jobs.state(accountId).filter("failed"::equals).isPresent())
                .until(() -> jobs.state(accountId).filter("done"::equals).isPresent());
    }
}
