package io.interactionsync.emulator.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/** Error bodies of the Microsoft identity platform and of Microsoft Graph. */
public final class MicrosoftErrors {

    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);

    private MicrosoftErrors() {
    }

    /**
     * {@code {"error","error_description":"AADSTSnnn: …\r\nTrace ID: …\r\nCorrelation ID: …\r\nTimestamp: …",
     * "error_codes":[nnn],"timestamp","trace_id","correlation_id","error_uri"}}.
     */
    public static ObjectNode identity(String error, int aadsts, String message) {
        String trace = UUID.randomUUID().toString();
        String correlation = UUID.randomUUID().toString();
        String timestamp = TIMESTAMP.format(Instant.now());
        ObjectNode body = Json.object();
        body.put("error", error);
        body.put("error_description", "AADSTS" + aadsts + ": " + message + "\r\nTrace ID: " + trace
                + "\r\nCorrelation ID: " + correlation + "\r\nTimestamp: " + timestamp);
        body.putArray("error_codes").add(aadsts);
        body.put("timestamp", timestamp);
        body.put("trace_id", trace);
        body.put("correlation_id", correlation);
        body.put("error_uri", "https://login.microsoftonline.com/error?code=" + aadsts);
        return body;
    }

    /** {@code {"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}}. */
    public static ObjectNode graph(String code, String message) {
        ObjectNode body = Json.object();
        ObjectNode error = body.putObject("error");
        error.put("code", code);
        error.put("message", message);
        String id = UUID.randomUUID().toString();
        error.putObject("innerError").put("date", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString())
                .put("request-id", id).put("client-request-id", id);
        return body;
    }
}
