package io.interactionsync.emulator.google.gmail;

import static io.interactionsync.emulator.support.GoogleFlow.message;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.api.client.googleapis.batch.json.JsonBatchCallback;
import com.google.api.client.googleapis.json.GoogleJsonError;
import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.client.http.HttpHeaders;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.services.gmail.Gmail;
import com.google.api.services.gmail.model.History;
import com.google.api.services.gmail.model.ListHistoryResponse;
import com.google.api.services.gmail.model.ListMessagesResponse;
import com.google.api.services.gmail.model.Message;
import com.google.api.services.gmail.model.Profile;
import com.google.api.services.gmail.model.Thread;
import io.interactionsync.emulator.support.EmulatorExtension;
import io.interactionsync.emulator.support.GoogleFlow;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The official Gmail SDK (google-api-services-gmail) against the emulator. */
class GmailSdkTests {

    @RegisterExtension
    static final EmulatorExtension EMULATOR = new EmulatorExtension();

    private static final List<String> HEADERS = List.of("From", "To", "Cc", "Bcc", "Subject", "Date", "Message-ID");
    private Gmail gmail;
    private String token;

    @BeforeEach
    void load() {
        List<Map<String, Object>> messages = new ArrayList<>();
        for (int i = 0; i < 260; i++) {
            Map<String, Object> m = new HashMap<>(message(String.format("%016x", 0x18c0000000L + i), 1_700_000_000_000L + i * 60_000L,
                    List.of(i % 2 == 0 ? "INBOX" : "SENT"), "From", "a@x.example", "Subject", "s" + i,
                    "Message-ID", "<" + i + "@x.example>", "X-Noise", "n"));
            m.put("threadId", String.format("%016x", 0x18c0000000L + i - i % 3));
            messages.add(m);
        }
        GoogleFlow.putUser("sdk@acme.test", "Sdk User", messages);
        token = GoogleFlow.gmailToken("sdk@acme.test");
        gmail = client(token);
    }

    private static Gmail client(String accessToken) {
        return new Gmail.Builder(new NetHttpTransport(), GsonFactory.getDefaultInstance(),
                request -> request.getHeaders().setAuthorization("Bearer " + accessToken))
                .setRootUrl(EMULATOR.baseUrl() + "/gmail.googleapis.com/").setApplicationName("emulator-tests").build();
    }

    @Test
    void profileParses() throws IOException {
        Profile profile = gmail.users().getProfile("me").execute();
        assertThat(profile.getEmailAddress()).isEqualTo("sdk@acme.test");
        assertThat(profile.getMessagesTotal()).isEqualTo(260);
        assertThat(profile.getThreadsTotal()).isEqualTo(87);
        assertThat(profile.getHistoryId()).isPositive();
    }

    @Test
    void listPagesThroughEveryInboxMessage() throws IOException {
        Set<String> ids = new LinkedHashSet<>();
        String pageToken = null;
        do {
            ListMessagesResponse page = gmail.users().messages().list("me").setLabelIds(List.of("INBOX"))
                    .setMaxResults(50L).setPageToken(pageToken).execute();
            page.getMessages().forEach(m -> ids.add(m.getId()));
            pageToken = page.getNextPageToken();
        } while (pageToken != null);
        assertThat(ids).hasSize(130);
    }

    @Test
    void emptyListParsesWithNullMessages() throws IOException {
        ListMessagesResponse page = gmail.users().messages().list("me").setLabelIds(List.of("DRAFT")).execute();
        assertThat(page.getMessages()).isNull();
        assertThat(page.getResultSizeEstimate()).isZero();
    }

    @Test
    void getMetadataParsesHeadersAndInternalDate() throws IOException {
        Message m = gmail.users().messages().get("me", String.format("%016x", 0x18c0000000L + 4))
                .setFormat("metadata").setMetadataHeaders(HEADERS).execute();
        assertThat(m.getInternalDate()).isEqualTo(1_700_000_000_000L + 4 * 60_000L);
        assertThat(m.getHistoryId()).isInstanceOf(BigInteger.class);
        assertThat(m.getPayload().getHeaders()).extracting("name").containsExactly("From", "Subject", "Message-ID");
    }

    @Test
    void forbiddenFormatAndQueryRaiseGoogleJsonResponseExceptions() {
        assertThatThrownBy(() -> gmail.users().messages().get("me", "x").execute())
                .isInstanceOfSatisfying(GoogleJsonResponseException.class, e -> {
                    assertThat(e.getStatusCode()).isEqualTo(403);
                    assertThat(e.getDetails().getErrors().get(0).getReason()).isEqualTo("forbidden");
                });
        assertThatThrownBy(() -> gmail.users().messages().list("me").setQ("in:sent").execute())
                .isInstanceOfSatisfying(GoogleJsonResponseException.class, e ->
                        assertThat(e.getDetails().getMessage()).isEqualTo("Metadata scope does not support 'q' parameter"));
        assertThatThrownBy(() -> client("ya29.bogus").users().getProfile("me").execute())
                .isInstanceOfSatisfying(GoogleJsonResponseException.class, e -> {
                    assertThat(e.getStatusCode()).isEqualTo(401);
                    assertThat(e.getDetails().getErrors().get(0).getReason()).isEqualTo("authError");
                });
    }

    @Test
    void threadGetParsesEveryMessage() throws IOException {
        Thread thread = gmail.users().threads().get("me", String.format("%016x", 0x18c0000000L + 3))
                .setFormat("metadata").setMetadataHeaders(HEADERS).execute();
        assertThat(thread.getMessages()).hasSize(3);
        assertThat(gmail.users().threads().list("me").setMaxResults(500L).execute().getThreads()).hasSize(87);
    }

    @Test
    void historyListParsesAddedMessages() throws IOException {
        BigInteger start = gmail.users().getProfile("me").execute().getHistoryId();
        given().contentType("application/json").body(message("abc0000000000001", 1_800_000_000_000L, List.of("INBOX")))
                .post("/_emulator/google/users/sdk@acme.test/messages").then().statusCode(200);
        ListHistoryResponse response = gmail.users().history().list("me").setStartHistoryId(start).execute();
        List<History> history = response.getHistory();
        assertThat(history).hasSize(1);
        assertThat(history.get(0).getMessagesAdded().get(0).getMessage().getId()).isEqualTo("abc0000000000001");
        assertThat(response.getHistoryId()).isGreaterThan(start);
    }

    @Test
    void expiredHistoryRaises404() throws IOException {
        BigInteger start = gmail.users().getProfile("me").execute().getHistoryId();
        given().post("/_emulator/google/users/sdk@acme.test/expire-history").then().statusCode(200);
        assertThatThrownBy(() -> gmail.users().history().list("me").setStartHistoryId(start).execute())
                .isInstanceOfSatisfying(GoogleJsonResponseException.class, e -> assertThat(e.getStatusCode()).isEqualTo(404));
    }

    @Test
    void batchOfMessageGetsReturnsEachPartWithItsOwnStatus() throws IOException {
        var batch = gmail.batch();
        Map<String, Message> ok = new HashMap<>();
        List<Integer> failures = new ArrayList<>();
        JsonBatchCallback<Message> callback = new JsonBatchCallback<>() {
            @Override
            public void onSuccess(Message message, HttpHeaders headers) {
                ok.put(message.getId(), message);
            }

            @Override
            public void onFailure(GoogleJsonError error, HttpHeaders headers) {
                failures.add(error.getCode());
            }
        };
        for (int i = 0; i < 40; i++) {
            gmail.users().messages().get("me", String.format("%016x", 0x18c0000000L + i)).setFormat("metadata")
                    .setMetadataHeaders(HEADERS).queue(batch, callback);
        }
        gmail.users().messages().get("me", "ffffffffffffffff").setFormat("metadata").queue(batch, callback);
        batch.execute();
        assertThat(ok).hasSize(40);
        assertThat(ok.get(String.format("%016x", 0x18c0000000L + 7)).getPayload().getHeaders()).isNotEmpty();
        assertThat(failures).containsExactly(404);
        given().get("/_emulator/stats").then().statusCode(200);
        int units = given().get("/_emulator/stats").then().extract().path("users.'sdk@acme.test'.methods.'users.messages.get'.quotaUnits");
        assertThat(units).isEqualTo(41 * 5);
    }

    @Test
    void batchPartsAreThrottledIndependently() throws IOException {
        given().contentType("application/json").body(Map.of("gmailUnitsPerUserPerMinute", 50)).put("/_emulator/config");
        var batch = gmail.batch();
        List<Integer> statuses = new ArrayList<>();
        JsonBatchCallback<Message> callback = new JsonBatchCallback<>() {
            @Override
            public void onSuccess(Message message, HttpHeaders headers) {
                statuses.add(200);
            }

            @Override
            public void onFailure(GoogleJsonError error, HttpHeaders headers) {
                statuses.add(error.getCode());
            }
        };
        for (int i = 0; i < 15; i++) {
            gmail.users().messages().get("me", String.format("%016x", 0x18c0000000L + i)).setFormat("minimal").queue(batch, callback);
        }
        batch.execute();
        assertThat(statuses.stream().filter(s -> s == 200).count()).isEqualTo(10);
        assertThat(statuses.stream().filter(s -> s == 403).count()).isEqualTo(5);
    }

    private java.net.http.HttpResponse<String> postBatch(String body) {
        try {
            return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(EMULATOR.baseUrl() + "/www.googleapis.com/batch/gmail/v1"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "multipart/mixed; boundary=b")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void batchOverOneHundredPartsIsRejected() {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 101; i++) {
            body.append("--b\r\nContent-Type: application/http\r\nContent-ID: <").append(i)
                    .append(">\r\n\r\nGET /gmail/v1/users/me/profile HTTP/1.1\r\n\r\n");
        }
        body.append("--b--\r\n");
        assertThat(postBatch(body.toString()).statusCode()).isEqualTo(400);
    }

    @Test
    void batchAtTheSpecPathAnswersMultipart() {
        String body = "--b\r\nContent-Type: application/http\r\nContent-ID: <item1>\r\n\r\n"
                + "GET /gmail/v1/users/me/profile HTTP/1.1\r\n\r\n--b--\r\n";
        java.net.http.HttpResponse<String> http = postBatch(body);
        assertThat(http.statusCode()).isEqualTo(200);
        assertThat(http.headers().firstValue("Content-Type")).get().asString().startsWith("multipart/mixed; boundary=");
        assertThat(http.body()).contains("Content-ID: <response-item1>").contains("HTTP/1.1 200 OK")
                .contains("\"emailAddress\":\"sdk@acme.test\"");
    }
}
