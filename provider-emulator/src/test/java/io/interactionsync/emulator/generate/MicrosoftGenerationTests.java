package io.interactionsync.emulator.generate;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.interactionsync.emulator.support.EmulatorExtension;
import io.interactionsync.emulator.support.GoogleFlow;
import io.interactionsync.emulator.support.MicrosoftFlow;
import io.restassured.path.json.JsonPath;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class MicrosoftGenerationTests {

    @RegisterExtension
    static final EmulatorExtension EMULATOR = new EmulatorExtension();

    @Test
    void addressParserHandlesQuotedCommasEncodedWordsAndGroups() {
        List<AddressParser.Mailbox> list = AddressParser.parse(
                "\"Smith, John\" <john@x.example>, =?UTF-8?B?Wm/DqyBNw7xsbGVy?= <zoe@y.example>, bare@z.example");
        assertThat(list).containsExactly(new AddressParser.Mailbox("Smith, John", "john@x.example"),
                new AddressParser.Mailbox("Zoë Müller", "zoe@y.example"), new AddressParser.Mailbox("bare@z.example", "bare@z.example"));
        assertThat(AddressParser.parse("undisclosed-recipients:;")).isEmpty();
        assertThat(AddressParser.decode("=?UTF-8?Q?Ren=C3=A9e_Lef=C3=A8vre?=")).isEqualTo("Renée Lefèvre");
    }

    @Test
    void generatedMicrosoftUsersAndTheSharedMailboxAreServedByGraphDelta() {
        JsonPath result = given().contentType("application/json")
                .body(Map.of("seed", 11, "googleUsers", 2, "microsoftUsers", 2, "messagesPerMailbox", 150,
                        "eventsPerCalendar", 10, "anchor", "2026-11-24"))
                .post("/_emulator/generate").then().statusCode(200).extract().jsonPath();
        assertThat(result.getList("google")).hasSize(2);
        assertThat(result.getList("microsoft")).hasSize(2);
        assertThat(result.getInt("microsoft[0].messages")).isEqualTo(150);
        String upn = result.getString("microsoft[0].upn");
        String shared = result.getString("sharedMailboxes[0].address");
        String token = MicrosoftFlow.tokens(upn, MicrosoftFlow.SCOPES).getString("access_token");

        Set<String> internetIds = new HashSet<>();
        int count = 0;
        Map<String, Integer> perFolder = new java.util.HashMap<>();
        List<Map<String, Object>> folders = new ArrayList<>();
        pages(token, "/graph.microsoft.com/v1.0/me/mailFolders/delta").forEach(p -> folders.addAll(p.getList("value")));
        for (Map<String, Object> folder : folders) {
            perFolder.put((String) folder.get("displayName"), (Integer) folder.get("totalItemCount"));
            for (JsonPath page : pages(token, "/graph.microsoft.com/v1.0/me/mailFolders/" + folder.get("id")
                    + "/messages/delta?$select=subject,from,toRecipients,ccRecipients,bccRecipients,receivedDateTime,internetMessageId")) {
                List<Map<String, Object>> value = page.getList("value");
                count += value.size();
                value.forEach(m -> {
                    if (m.get("internetMessageId") != null) {
                        internetIds.add((String) m.get("internetMessageId"));
                    }
                });
            }
        }
        assertThat(count).isEqualTo(150);
        // Received mail is partly archived and partly filed into custom folders ("Deals" is a child of the inbox).
        assertThat(perFolder).containsKeys("Inbox", "Sent Items", "Archive", "Clients", "Deals");
        assertThat(perFolder.get("Clients")).isPositive();
        assertThat(perFolder.get("Deals")).isPositive();
        assertThat(perFolder.get("Archive")).isPositive();
        String inboxId = folders.stream().filter(f -> f.get("displayName").equals("Inbox")).findFirst().orElseThrow().get("id").toString();
        assertThat(folders).anySatisfy(f -> {
            assertThat(f.get("displayName")).isEqualTo("Deals");
            assertThat(f.get("parentFolderId")).isEqualTo(inboxId);
        });
        assertThat(pages(token, "/graph.microsoft.com/v1.0/users/" + shared + "/mailFolders/inbox/messages/delta"))
                .anyMatch(p -> !p.getList("value").isEmpty());

        // Mail between a Google and a Microsoft colleague is in both mailboxes with the same Message-ID.
        String googleUser = result.getString("google[0].email");
        String gmailToken = GoogleFlow.gmailToken(googleUser);
        List<String> ids = given().auth().oauth2(gmailToken).queryParam("maxResults", 500)
                .get("/gmail.googleapis.com/gmail/v1/users/me/messages").then().extract().path("messages.id");
        long shared0 = ids.stream().limit(150).filter(id -> {
            String messageId = given().auth().oauth2(gmailToken).queryParam("format", "metadata")
                    .queryParam("metadataHeaders", "Message-ID").get("/gmail.googleapis.com/gmail/v1/users/me/messages/" + id)
                    .then().extract().path("payload.headers.find { it.name == 'Message-ID' }.value");
            return messageId != null && internetIds.contains(messageId);
        }).count();
        assertThat(shared0).isPositive();
    }

    private static List<JsonPath> pages(String token, String first) {
        List<JsonPath> pages = new ArrayList<>();
        String next = first;
        while (next != null) {
            JsonPath page = given().auth().oauth2(token).urlEncodingEnabled(false).header("Prefer", "odata.maxpagesize=200")
                    .get(next).then().statusCode(200).extract().jsonPath();
            pages.add(page);
            String link = page.getString("'@odata.nextLink'");
            next = link == null ? null : URI.create(link).getRawPath() + "?" + URI.create(link).getRawQuery();
        }
        return pages;
    }
}
