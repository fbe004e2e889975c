package io.interactionsync.deploy.capture;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CaptureCasesTests {

    private static final String ANN = "ann@acme.test";

    @Test
    void shouldTellGmailSentInboxAndArchivedMailApart() {
        RawRecordsBuilder b = new RawRecordsBuilder()
                .gmail(ANN, "g1", "<g1>", ANN, "bob@outside.example", "SENT")
                .gmail(ANN, "g2", "<g2>", "bob@outside.example", ANN, "INBOX", "UNREAD")
                .gmail(ANN, "g3", "<g3>", "bob@outside.example", ANN, "CATEGORY_PERSONAL");

        List<Set<String>> cases = tag(b);

        assertThat(cases.get(0)).contains("gmail.sent").doesNotContain("gmail.archived", "gmail.received");
        assertThat(cases.get(1)).contains("gmail.received").doesNotContain("gmail.archived");
        assertThat(cases.get(2)).contains("gmail.received", "gmail.archived");
    }

    @Test
    void shouldTagAnAliasInTheOwnersSentItemsAndASharedMailboxByItsGroup() {
        RawRecordsBuilder b = new RawRecordsBuilder()
                .outlook(ANN, "s1", "<s1>", ANN, "bob@outside.example", "F-sent")
                .outlook(ANN, "s2", "<s2>", ANN, "carl@outside.example", "F-sent")
                .outlook(ANN, "a1", "<a1>", "ann.smith@acme.test", "dora@outside.example", "F-sent")
                .outlook("deals@acme.test", true, "d1", "<d1>", "eve@outside.example", "deals@acme.test", "F-deals");

        List<Set<String>> cases = tag(b);

        assertThat(cases.get(0)).contains("outlook_mail.in-sent-items", "outlook_mail.sent")
                .doesNotContain("outlook_mail.sent-items-alias");
        assertThat(cases.get(2)).contains("outlook_mail.in-sent-items", "outlook_mail.sent-items-alias");
        assertThat(cases.get(3)).contains("shared.received", "shared.in-largest-folder")
                .noneMatch(c -> c.startsWith("outlook_mail."));
    }

    @Test
    void shouldTagADeleteOnlyAsDeleted() {
        List<Set<String>> cases = tag(new RawRecordsBuilder().outlookDelete(ANN, "x1"));

        assertThat(cases.get(0)).containsExactly("outlook_mail.deleted");
    }

    @Test
    void shouldTagListsNewslettersAndColleagueOnlyMail() {
        RawRecordsBuilder b = new RawRecordsBuilder()
                .gmail(ANN, "l1", "<l1>", "paul@outside.example", "angels@groups.angelforum.example", "INBOX")
                .gmail(ANN, "n1", "<n1>", "newsletter@mail.saasweekly.example", ANN, "INBOX")
                .gmail(ANN, "c1", "<c1>", ANN, "\"Smith, Cara\" <cara@acme.test>", "SENT");

        List<Set<String>> cases = tag(b);

        assertThat(cases.get(0)).contains("gmail.list");
        assertThat(cases.get(1)).contains("gmail.newsletter");
        assertThat(cases.get(2)).contains("gmail.colleagues-only", "gmail.comma-name");
        assertThat(CaptureCases.listPoster(OutlookFoldersTests.parse(b).get(0))).isEqualTo("paul@outside.example");
    }

    @Test
    void shouldTagACalendarEventWithOutsideAttendeesAsExternal() {
        RawRecordsBuilder b = new RawRecordsBuilder()
                .googleEvent(ANN, "e1", "confirmed", ANN, "bob@outside.example")
                .googleEvent(ANN, "e2", "confirmed", ANN, "cara@acme.test")
                .googleEvent(ANN, "e3", "cancelled", ANN, "bob@outside.example");

        List<Set<String>> cases = tag(b);

        assertThat(cases.get(0)).containsExactly("google_calendar.external");
        assertThat(cases.get(1)).containsExactly("google_calendar.internal-only");
        assertThat(cases.get(2)).containsExactly("google_calendar.cancelled");
    }

    private static List<Set<String>> tag(RawRecordsBuilder b) {
        List<JsonNode> records = OutlookFoldersTests.parse(b);
        OutlookFolders folders = OutlookFolders.learn(records);
        return records.stream().map(r -> {
            CaptureUnit u = new CaptureUnit("test");
            CaptureCases.tag(u, r, folders);
            return u.cases;
        }).toList();
    }
}
