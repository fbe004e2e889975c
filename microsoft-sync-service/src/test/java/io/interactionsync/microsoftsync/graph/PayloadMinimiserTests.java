package io.interactionsync.microsoftsync.graph;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.model.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Subject lines and other text never leave the service (issue 17): messages and events cut down before publishing. */
class PayloadMinimiserTests {

    private final PayloadMinimiser minimiser = new PayloadMinimiser(List.of("From", "To", "Message-ID", "List-Id"),
            List.of("id", "start", "end", "attendees", "isCancelled"));

    private static JsonNode json(String text) {
        try {
            return Json.mapper().readTree(text.replace('\'', '"'));
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    void shouldKeepOnlyTheConfiguredHeadersOfAMessageAndNoSubject() {
        JsonNode m = minimiser.message(json("""
                {'id':'m1','subject':'Term sheet','bodyPreview':'Hi…','from':{'emailAddress':{'address':'a@b.example'}},
                 'internetMessageHeaders':[{'name':'message-id','value':'<x@y>'},{'name':'Subject','value':'Term sheet'},
                   {'name':'Thread-Topic','value':'Term sheet'},{'name':'List-Id','value':'<l.example>'},
                   {'name':'Received','value':'from mx'}]}"""));
        assertThat(m.toString()).doesNotContain("Term sheet").doesNotContain("Received").doesNotContain("Hi…");
        assertThat(m.path("internetMessageHeaders")).extracting(h -> h.path("name").asText())
                .containsExactly("message-id", "List-Id");
        assertThat(m.path("from").path("emailAddress").path("address").asText()).isEqualTo("a@b.example");
    }

    @Test
    void shouldKeepOnlyTheConfiguredEventFieldsAndAnnotations() {
        JsonNode page = PayloadMinimiser.page(json("""
                {'@odata.deltaLink':'https://graph/x','value':[
                  {'@odata.etag':'W/1','id':'e1','subject':'Board meeting','bodyPreview':'Agenda','location':{'displayName':'HQ'},
                   'start':{'dateTime':'2026-01-01T10:00:00','timeZone':'UTC'},'isCancelled':false,
                   'onlineMeeting':{'joinUrl':'https://teams/x'}},
                  {'id':'e2','@removed':{'reason':'deleted'}}]}"""), minimiser::event);
        assertThat(page.toString()).doesNotContain("Board meeting").doesNotContain("Agenda").doesNotContain("HQ")
                .doesNotContain("joinUrl");
        assertThat(page.path("value").get(0).has("@odata.etag")).isTrue();
        assertThat(page.path("value").get(0).path("start").path("dateTime").asText()).isEqualTo("2026-01-01T10:00:00");
        assertThat(page.path("value").get(1).path("@removed").path("reason").asText()).isEqualTo("deleted");
        assertThat(page.path("@odata.deltaLink").asText()).isEqualTo("https://graph/x");
    }
}
