package io.interactionsync.normalizer.it;

import static io.interactionsync.normalizer.fixtures.GmailFixtures.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interactionsync.model.RawRecord;
import io.interactionsync.model.Source;
import io.interactionsync.model.Topics;
import io.interactionsync.normalizer.fixtures.CalendarFixtures;
import io.interactionsync.normalizer.fixtures.GmailFixtures;
import io.interactionsync.normalizer.fixtures.GraphMailFixtures;
import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.KafkaTestClient;
import io.interactionsync.testsupport.KafkaTestResource;
import io.interactionsync.testsupport.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Subject lines never go past the normalizer (issue 17): a producer that still sends them (an older sync service, a
 * replay of old raw records) gets events, but no subject or meeting title in a column, on interaction-events or in a
 * log line. The sync services no longer request them at all (their own tests).
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class NoSubjectIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    /** Every log record of the JVM while the test runs, at every level the configuration lets through. */
    private static final class Captured extends Handler {
        final List<String> lines = new CopyOnWriteArrayList<>();

        @Override
        public void publish(LogRecord r) {
            Object[] params = r.getParameters();
            lines.add(r.getMessage() + (params == null ? "" : " " + List.of(params))
                    + (r.getThrown() == null ? "" : " " + r.getThrown()));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    @Test
    void noSubjectOrMeetingTitleIsStoredPublishedOrLogged() {
        String n = UUID.randomUUID().toString().substring(0, 8);
        String secret = "Project-Falcon-" + n; // the subject/title each record carries
        String user = "user-subj-" + n;
        String account = "acc-subj-" + n;
        String mailbox = "subj." + n + "@acme.test";
        Captured logs = new Captured();
        logs.setLevel(Level.ALL);
        Logger root = Logger.getLogger("");
        Logger ours = Logger.getLogger("io.interactionsync");
        Level before = ours.getLevel();
        ours.setLevel(Level.FINEST); // DEBUG lines too, while the records are processed
        root.addHandler(logs);
        Logger.getLogger("io.interactionsync.test").fine("capture canary " + n); // proves the capture sees DEBUG
        try (KafkaTestClient kafka = KafkaTestClient.connect()) {
            // Gmail with a Subject header (and a missing Message-ID: R-E1's synthetic id), Outlook mail with subject and
            // a Subject internet header, a Google meeting with a summary, an Outlook meeting with a subject
            RawRecord gmail = GmailFixtures.envelope(RawRecord.Op.UPSERT, "s-gmail-" + n, message("s-gmail-" + n)
                    .labels("INBOX").header("Message-ID", "").header("Subject", secret).from("jane@client.example")
                    .to(mailbox).json(), mailbox, account, user);
            ObjectNode outlook = GraphMailFixtures.message("s-outlook-" + n);
            outlook.put("subject", secret);
            GraphMailFixtures.from(outlook, "joe@client.example", "Joe");
            GraphMailFixtures.add(outlook, "toRecipients", mailbox, "Me");
            GraphMailFixtures.header(outlook, "Subject", secret);
            GraphMailFixtures.header(outlook, "Thread-Topic", secret);
            ObjectNode googleMeeting = CalendarFixtures.googleMeeting("s-gcal-" + n).put("summary", secret)
                    .put("description", secret);
            ObjectNode graphMeeting = CalendarFixtures.graphMeeting("s-ocal-" + n).put("subject", secret)
                    .put("bodyPreview", secret);
            for (RawRecord r : List.of(gmail,
                    CalendarFixtures.record(Source.OUTLOOK_MAIL, RawRecord.Op.UPSERT, outlook, mailbox, false, account, user),
                    CalendarFixtures.record(Source.GOOGLE_CALENDAR, RawRecord.Op.UPSERT, googleMeeting, mailbox, false,
                            account, user),
                    CalendarFixtures.record(Source.OUTLOOK_CALENDAR, RawRecord.Op.UPSERT, graphMeeting, mailbox, false,
                            account, user))) {
                kafka.send(Topics.RAW_RECORDS, account, r);
            }
            await().atMost(WAIT).until(() -> Db.count("select count(distinct remote_id) from normalizer.interaction_events "
                    + "where user_id = ?", user) == 4);
            List<ConsumerRecord<String, String>> published = kafka.awaitRecords(Topics.INTERACTION_EVENTS,
                    r -> user.equals(r.key()), 4, WAIT);

            assertThat(Db.rows("select row_to_json(e)::text as row from normalizer.interaction_events e where user_id = ?",
                    user)).isNotEmpty().allSatisfy(r -> assertThat((String) r.get("row")).doesNotContain(secret));
            assertThat(published).allSatisfy(r -> assertThat(r.value()).doesNotContain(secret));
            assertThat(Db.rows("select internet_message_id from normalizer.interaction_events where remote_id = ?",
                    "s-gmail-" + n)).allSatisfy(r -> assertThat((String) r.get("internet_message_id"))
                    .startsWith("synthetic:"));
            assertThat(Db.count("select count(*) from normalizer.outbox where payload like ?", "%" + secret + "%"))
                    .isZero();
        } finally {
            root.removeHandler(logs);
            ours.setLevel(before);
        }
        assertThat(logs.lines).as("log lines while the records were processed, DEBUG included")
                .anySatisfy(line -> assertThat(line).contains("capture canary " + n))
                .noneSatisfy(line -> assertThat(line).contains(secret));
    }
}
