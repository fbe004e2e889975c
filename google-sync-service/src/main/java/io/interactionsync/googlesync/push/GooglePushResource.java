package io.interactionsync.googlesync.push;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.googlesync.repository.GmailCursorRepository;
import io.interactionsync.googlesync.source.gmail.GmailCursor;
import io.interactionsync.model.Json;
import io.interactionsync.model.LogSafe;
import io.interactionsync.model.Source;
import io.interactionsync.sync.push.PushChannel;
import io.interactionsync.sync.push.PushChannelRepository;
import io.interactionsync.sync.push.PushNotifications;
import io.interactionsync.sync.push.PushNotifications.Outcome;
import io.interactionsync.sync.push.PushSecrets;
import io.quarkus.logging.Log;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The public notification endpoints Google calls (the Ingress exposes {@code /push/*} of the main port; no user or
 * service JWT: each is authenticated by its own mechanism). They only decide and enqueue — the account's incremental
 * run does the work — so they answer at once. Every outcome is counted ({@code googlesync.push.notifications}).
 *
 * <ul>
 * <li>{@code POST /push/gmail}: a Cloud Pub/Sub push of a Gmail watch, {@code {"message":{"data": base64
 * {"emailAddress","historyId"}}}}, with Google's OIDC token ({@link PubSubTokenVerifier}). 401 without a valid token
 * (Pub/Sub retries), 400 for a body that is not such a message, otherwise 202: accepted for every account watching the
 * mailbox whose cursor is behind the historyId, duplicate where it is not, ignored for an unknown or stopped mailbox
 * (acked, so Pub/Sub stops redelivering it).
 * <li>{@code POST /push/google-calendar}: a Calendar channel notification (headers X-Goog-Channel-ID, -Token,
 * -Resource-State). Unknown channel → 202 ignored; token not the channel's → 403; {@code sync} (the channel's first
 * message) → 202 heard, no run; {@code exists} / {@code not_exists} → 202 accepted. Every acknowledgement is 202, answered
 * before any provider call (the run is queued).
 * </ul>
 */
@Path("/push")
public class GooglePushResource {

    private final PubSubTokenVerifier verifier;
    private final PushChannelRepository channels;
    private final PushNotifications notifications;
    private final GmailCursorRepository gmailCursors;

    public GooglePushResource(PubSubTokenVerifier verifier, PushChannelRepository channels,
                              PushNotifications notifications, GmailCursorRepository gmailCursors) {
        this.verifier = verifier;
        this.channels = channels;
        this.notifications = notifications;
        this.gmailCursors = gmailCursors;
    }

    @POST
    @Path("/gmail")
    @Consumes(MediaType.WILDCARD)
    public Response gmail(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, String body) {
        try {
            verifier.verify(authorization);
        } catch (PubSubTokenVerifier.Rejected e) {
            notifications.count(Source.GMAIL, Outcome.REJECTED);
            Log.debugf("gmail push refused: %s", e.getMessage());
            return problem(Response.Status.UNAUTHORIZED, "the push token was not accepted")
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build();
        } catch (PubSubTokenVerifier.KeysUnavailable e) {
            Log.warnf("gmail push: %s (%s); Pub/Sub retries", LogSafe.redact(e.getMessage()), LogSafe.redact(String.valueOf(e.getCause())));
            return problem(Response.Status.SERVICE_UNAVAILABLE, "the push token cannot be verified now").build();
        }
        Optional<GmailNotification> parsed = GmailNotification.parse(body);
        if (parsed.isEmpty()) {
            return problem(Response.Status.BAD_REQUEST,
                    "not a Pub/Sub push message with data {emailAddress, historyId}").build();
        }
        GmailNotification n = parsed.get();
        List<PushChannel> watching = channels.byResource(Source.GMAIL, n.emailAddress()).stream()
                .filter(ch -> ch.state() != PushChannel.State.STOPPED).toList();
        if (watching.isEmpty()) {
            notifications.count(Source.GMAIL, Outcome.IGNORED);
            Log.debugf("gmail push for a mailbox no account watches (%s): acknowledged, ignored",
                    LogSafe.hash(n.emailAddress()));
            return Response.accepted().build();
        }
        for (PushChannel ch : watching) {
            if (covered(ch.accountId(), n.historyId())) {
                notifications.heard(ch, Outcome.DUPLICATE);
                Log.debugf("account %s: gmail push historyId %s already synced", ch.accountId(), n.historyId());
            } else {
                notifications.accept(ch);
                Log.debugf("account %s: gmail push historyId %s, incremental run queued", ch.accountId(), n.historyId());
            }
        }
        return Response.accepted().build();
    }

    @POST
    @Path("/google-calendar")
    @Consumes(MediaType.WILDCARD)
    public Response calendar(@HeaderParam("X-Goog-Channel-ID") String channelId,
                             @HeaderParam("X-Goog-Channel-Token") String token,
                             @HeaderParam("X-Goog-Resource-State") String state,
                             @HeaderParam("X-Goog-Message-Number") String messageNumber) {
        Optional<PushChannel> found = channels.byChannelId(channelId)
                .filter(ch -> ch.source() == Source.GOOGLE_CALENDAR);
        if (found.isEmpty()) {
            // A replaced or forgotten channel, or someone guessing: acknowledged so Google stops retrying.
            notifications.count(Source.GOOGLE_CALENDAR, Outcome.IGNORED);
            Log.debugf("calendar push for an unknown channel: acknowledged, ignored");
            return Response.accepted().build();
        }
        PushChannel ch = found.get();
        if (!PushSecrets.matches(token, ch.secretHash())) {
            notifications.count(Source.GOOGLE_CALENDAR, Outcome.REJECTED);
            Log.debugf("account %s: calendar push with a wrong channel token refused", ch.accountId());
            return problem(Response.Status.FORBIDDEN, "the channel token was not accepted").build();
        }
        if (ch.state() == PushChannel.State.STOPPED) {
            notifications.count(Source.GOOGLE_CALENDAR, Outcome.IGNORED);
            return Response.accepted().build();
        }
        String resourceState = state == null ? "" : state.toLowerCase(Locale.ROOT);
        switch (resourceState) {
            case "exists", "not_exists" -> {
                notifications.accept(ch);
                Log.debugf("account %s: calendar push %s (message %s), incremental run queued", ch.accountId(),
                        resourceState, messageNumber);
            }
            default -> {
                // "sync": the channel is open; nothing changed yet
                notifications.heard(ch, Outcome.IGNORED);
                Log.debugf("account %s: calendar push %s (message %s)", ch.accountId(), resourceState, messageNumber);
            }
        }
        return Response.accepted().build();
    }

    /** Whether the account's Gmail cursor already passed {@code historyId} (a late or duplicated notification). */
    private boolean covered(String accountId, BigInteger historyId) {
        Optional<GmailCursor> cursor = gmailCursors.load(accountId);
        if (cursor.isEmpty() || cursor.get().phase() != GmailCursor.Phase.INCREMENTAL || cursor.get().historyId() == null) {
            return false;
        }
        try {
            return historyId.compareTo(new BigInteger(cursor.get().historyId())) <= 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static Response.ResponseBuilder problem(Response.Status status, String detail) {
        return Response.status(status).type("application/problem+json").entity(Map.of("type", "about:blank",
                "title", status.getReasonPhrase(), "status", status.getStatusCode(), "detail", detail));
    }

    /** The data of a Gmail watch notification. */
    record GmailNotification(String emailAddress, BigInteger historyId) {

        /** From a Pub/Sub push body; empty when it is not one (historyId may be a JSON number or string). */
        static Optional<GmailNotification> parse(String body) {
            if (body == null || body.isBlank()) {
                return Optional.empty();
            }
            try {
                JsonNode data = Json.mapper().readTree(body).path("message").path("data");
                if (!data.isTextual()) {
                    return Optional.empty();
                }
                String base64 = data.asText().strip().replace('-', '+').replace('_', '/');
                JsonNode decoded = Json.mapper().readTree(new String(Base64.getDecoder().decode(base64),
                        StandardCharsets.UTF_8));
                JsonNode email = decoded.path("emailAddress");
                JsonNode history = decoded.path("historyId");
                if (!email.isTextual() || email.asText().isBlank() || !(history.isTextual() || history.isIntegralNumber())) {
                    return Optional.empty();
                }
                BigInteger historyId = new BigInteger(history.asText().strip());
                if (historyId.signum() < 0) {
                    return Optional.empty();
                }
                return Optional.of(new GmailNotification(email.asText().strip().toLowerCase(Locale.ROOT), historyId));
            } catch (JsonProcessingException | IllegalArgumentException e) {
                return Optional.empty();
            }
        }
    }
}
