package io.interactionsync.deploy.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class CaptureSamplerTests {

    private static final String ANN = "ann@acme.test";
    private static final String CARA = "cara@acme.test";

    @Test
    void shouldKeepEveryCopyOfAMessageAndEveryRecordOfAResourceInOneUnit() {
        List<String> dump = new RawRecordsBuilder()
                .outlook(ANN, "a1", "<m1@acme.test>", ANN, "bob@outside.example", "F-sent")
                .outlook(CARA, "c1", "<m1@acme.test>", ANN, CARA, "F-inbox")
                .outlook(ANN, "a2", "<m2@acme.test>", "bob@outside.example", ANN, "F-inbox")
                .outlookDelete(CARA, "c1")
                .outlook(ANN, "a2", "<m2@acme.test>", "bob@outside.example", ANN, "F-archive")
                .values();

        CaptureSampler.Sample sample = CaptureSampler.sample(dump);

        assertThat(sample.units()).extracting(u -> u.key).containsExactly("mail <m1@acme.test>", "mail <m2@acme.test>");
        CaptureUnit copiesAndDelete = sample.units().get(0);
        assertThat(copiesAndDelete.lines).extracting(CaptureUnit.Line::index).containsExactly(0, 1, 3);
        assertThat(copiesAndDelete.cases).contains("outlook_mail.other-mailboxes-too", "outlook_mail.deleted");
        CaptureUnit moved = sample.units().get(1);
        assertThat(moved.lines).extracting(CaptureUnit.Line::index).containsExactly(2, 4);
        assertThat(sample.lines()).extracting(CaptureUnit.Line::index).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void shouldSampleOutlookMessagesFromSentItemsAndFromOtherFolders() {
        RawRecordsBuilder b = new RawRecordsBuilder();
        for (int i = 0; i < 12; i++) {
            b.outlook(ANN, "sent-" + i, "<sent-" + i + "@acme.test>", ANN, "client" + i + "@outside.example", "F-sent");
        }
        for (int i = 0; i < 30; i++) {
            b.outlook(ANN, "in-" + i, "<in-" + i + "@outside.example>", "client" + i + "@outside.example", ANN, "F-inbox");
        }
        for (int i = 0; i < 10; i++) {
            b.outlook(ANN, "arch-" + i, "<arch-" + i + "@outside.example>", "old" + i + "@outside.example", ANN,
                    "F-archive");
        }
        // immutable ids: a move is the same resource in another folder
        for (int i = 0; i < 5; i++) {
            b.outlook(ANN, "in-" + i, "<in-" + i + "@outside.example>", "client" + i + "@outside.example", ANN,
                    "F-clients");
        }
        b.outlook(ANN, "alias-1", "<alias-1@acme.test>", "ann.smith@acme.test", "client@outside.example", "F-sent");

        CaptureSampler.Sample sample = CaptureSampler.sample(b.values());

        assertThat(sample.found()).containsEntry("outlook_mail.in-sent-items", 13)
                .containsEntry("outlook_mail.sent-items-alias", 1)
                .containsEntry("outlook_mail.in-largest-folder", 30)
                .containsEntry("outlook_mail.in-smaller-folder", 15);
        assertThat(picked(sample, "outlook_mail.in-sent-items")).isGreaterThanOrEqualTo(5);
        assertThat(picked(sample, "outlook_mail.sent-items-alias")).isEqualTo(1);
        assertThat(picked(sample, "outlook_mail.in-largest-folder")).isGreaterThanOrEqualTo(3);
        assertThat(picked(sample, "outlook_mail.in-smaller-folder")).isGreaterThanOrEqualTo(4);
        Set<String> folders = sample.lines().stream().map(l -> l.json().path("payload").path("parentFolderId").asText())
                .collect(Collectors.toSet());
        assertThat(folders).contains("F-sent", "F-inbox", "F-archive", "F-clients");
        assertThat(sample.lines().size()).isLessThan(b.values().size());
    }

    @Test
    void shouldPickTheSameSampleFromTheSameDump() {
        RawRecordsBuilder b = new RawRecordsBuilder();
        for (int i = 0; i < 80; i++) {
            b.gmail(ANN, "g" + i, "<g" + i + "@outside.example>", "p" + i + "@outside.example", ANN, "INBOX");
        }

        List<String> first = CaptureSampler.sample(b.values()).lines().stream().map(CaptureUnit.Line::text).toList();
        List<String> second = CaptureSampler.sample(b.values()).lines().stream().map(CaptureUnit.Line::text).toList();

        assertThat(first).isEqualTo(second).hasSizeBetween(25, 79);
    }

    @Test
    void shouldLeaveOutAUnitThatWouldPassTheSizeCap() {
        String manyRecipients = "x".repeat(CaptureSampler.MAX_SIZE) + "@outside.example";
        List<String> dump = new RawRecordsBuilder()
                .gmail(ANN, "big", "<big@acme.test>", ANN, manyRecipients, "SENT")
                .gmail(ANN, "small", "<small@acme.test>", ANN, "bob@outside.example", "SENT")
                .values();

        CaptureSampler.Sample sample = CaptureSampler.sample(dump);

        assertThat(sample.lines()).extracting(l -> l.json().path("remoteId").asText()).containsExactly("small");
        assertThat(sample.found()).containsEntry("gmail.sent", 2);
    }

    @Test
    void shouldAddAMessageTheMailboxSentToAListPoster() {
        CaptureSampler.Sample sample = CaptureSampler.sample(listPostAndReplyAmongSentMail().values());

        assertThat(sample.picked()).filteredOn(u -> u.key.equals("mail <to-paul@acme.test>")).singleElement()
                .satisfies(u -> assertThat(u.cases).contains("gmail.sent-to-a-list-poster"));
        assertThat(sample.lines()).extracting(l -> l.json().path("remoteId").asText()).contains("post", "to-paul");
    }

    @Test
    void shouldRejectAValueThatIsNotJsonNamingItsLine() {
        List<String> dump = new RawRecordsBuilder()
                .gmail(ANN, "g1", "<g1@acme.test>", ANN, "bob@outside.example", "SENT")
                .raw("{\"source\":")
                .values();

        assertThatThrownBy(() -> CaptureSampler.sample(dump)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("raw-records value 2 is not JSON");
    }

    /** A list post from Paul, 40 sent messages to others, and a bigger one to Paul (the .sent quota takes smaller ones). */
    static RawRecordsBuilder listPostAndReplyAmongSentMail() {
        RawRecordsBuilder b = new RawRecordsBuilder()
                .gmail(ANN, "post", "<post@groups.example>", "Paul <paul@outside.example>",
                        "angels@groups.angelforum.example", "INBOX");
        for (int i = 0; i < 40; i++) {
            b.gmail(ANN, "s" + i, "<s" + i + "@acme.test>", ANN, "p" + i + "@outside.example", "SENT");
        }
        return b.gmail(ANN, "to-paul", "<to-paul@acme.test>", ANN, "\"Paul the poster " + "x".repeat(300)
                + "\" <paul@outside.example>", "SENT");
    }

    private static long picked(CaptureSampler.Sample sample, String c) {
        return sample.picked().stream().filter(u -> u.cases.contains(c)).count();
    }
}
