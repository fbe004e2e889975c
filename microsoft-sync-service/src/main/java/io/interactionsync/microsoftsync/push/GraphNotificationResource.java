package io.interactionsync.microsoftsync.push;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.model.Json;
import io.interactionsync.model.LogSafe;
import io.interactionsync.model.Source;
import io.interactionsync.model.SyncRequest;
import io.interactionsync.sync.jobs.ClosedAccounts;
import io.interactionsync.sync.push.PushChannel;
import io.interactionsync.sync.push.PushChannelRepository;
import io.interactionsync.sync.push.PushNotifications;
import io.interactionsync.sync.push.PushNotifications.Outcome;
import io.interactionsync.sync.push.PushSecrets;
import io.quarkus.logging.Log;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.time.Clock;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Graph's public notification endpoints (main HTTP port, no JWT: each item is authenticated by its subscription's
 * clientState, compared with the stored hash in constant time). Answered fast: the work is an enqueue.
 * <ul>
 *   <li>{@code ?validationToken=…} (subscription created or renewed): the token echoed, 200 {@code text/plain}, no
 *       database work.</li>
 *   <li>{@code POST /push/graph} {@code {"value": [...]}}: each valid item queues an incremental run of its account's
 *       source (sync-core's {@link PushNotifications}; the job table coalesces bursts), at most once per subscription
 *       per request (the others count as duplicates). Resource data is never read. An unknown or stopped subscription
 *       is acknowledged and ignored (Graph stops retrying); a wrong clientState is refused and triggers nothing.
 *       202, or 403 when every item was refused.</li>
 *   <li>{@code POST /push/graph/lifecycle}: {@code reauthorizationRequired} → the subscription is due for renewal now
 *       and the account's job is queued (it renews it with the token it holds); {@code subscriptionRemoved} → marked
 *       failed, the job creates it again; {@code missed} → an incremental run. clientState checked as above.</li>
 * </ul>
 */
@Path(GraphSubscriptions.NOTIFICATIONS_PATH)
public class GraphNotificationResource {

    /** Graph's tokens are short; anything much longer is not one of them. */
    private static final int MAX_VALIDATION_TOKEN = 1024;

    private final PushChannelRepository channels;
    private final PushNotifications notifications;
    private final ClosedAccounts closed;
    private final Clock clock = Clock.systemUTC();

    public GraphNotificationResource(PushChannelRepository channels, PushNotifications notifications,
                                     ClosedAccounts closed) {
        this.channels = channels;
        this.notifications = notifications;
        this.closed = closed;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    public Response changes(@QueryParam("validationToken") String validationToken, String body) {
        if (validationToken != null) {
            return validation(validationToken);
        }
        return handle(body, false);
    }

    @POST
    @Path("/lifecycle")
    @Consumes(MediaType.WILDCARD)
    public Response lifecycle(@QueryParam("validationToken") String validationToken, String body) {
        if (validationToken != null) {
            return validation(validationToken);
        }
        return handle(body, true);
    }

    private static Response validation(String token) {
        if (token.isEmpty() || token.length() > MAX_VALIDATION_TOKEN) {
            return Response.status(400).build();
        }
        return Response.ok(token, MediaType.TEXT_PLAIN_TYPE).header("X-Content-Type-Options", "nosniff").build();
    }

    private Response handle(String body, boolean lifecycle) {
        JsonNode items;
        try {
            items = body == null || body.isBlank() ? null : Json.mapper().readTree(body).get("value");
        } catch (IOException e) {
            items = null;
        }
        if (items == null || !items.isArray()) {
            return Response.status(400).build();
        }
        Map<String, Optional<PushChannel>> known = new HashMap<>();
        Map<String, Boolean> closedAccounts = new HashMap<>();
        Set<String> queued = new HashSet<>();
        int accepted = 0;
        int refused = 0;
        int ignored = 0;
        for (JsonNode item : items) {
            String subscriptionId = item.path("subscriptionId").asText("");
            Optional<PushChannel> channel = known.computeIfAbsent(subscriptionId, channels::byChannelId);
            if (channel.isEmpty()) {
                notifications.count(guessSource(item), Outcome.IGNORED);
                ignored++;
                continue;
            }
            PushChannel ch = channel.get();
            if (!PushSecrets.matches(item.path("clientState").asText(null), ch.secretHash())) {
                notifications.count(ch.source(), Outcome.REJECTED);
                refused++;
                continue;
            }
            if (ch.state() == PushChannel.State.STOPPED || closedAccounts.computeIfAbsent(ch.accountId(), closed::isClosed)) {
                notifications.count(ch.source(), Outcome.IGNORED);
                ignored++;
                continue;
            }
            accepted++;
            if (lifecycle) {
                lifecycleEvent(ch, item.path("lifecycleEvent").asText(""));
            } else if (queued.add(subscriptionId)) {
                notifications.accept(ch);
            } else {
                notifications.count(ch.source(), Outcome.DUPLICATE);
            }
        }
        if (refused > 0) {
            Log.debugf("Graph %s: %d item(s) refused (clientState), %d accepted, %d ignored",
                    lifecycle ? "lifecycle notification" : "notification", refused, accepted, ignored);
        }
        // Every item forged: refused without saying why. Otherwise Graph's expected 202 (it retries anything else).
        return refused > 0 && accepted == 0 && ignored == 0 ? Response.status(403).build()
                : Response.status(202).build();
    }

    private void lifecycleEvent(PushChannel ch, String event) {
        String which = ch.ownMailbox() ? ch.source().wireName()
                : ch.source().wireName() + " (shared mailbox " + LogSafe.hash(ch.mailbox()) + ")";
        switch (event) {
            case "reauthorizationRequired" -> {
                channels.renewNow(ch.channelId());
                Log.infof("account %s: Graph asks to reauthorize the %s subscription: renewal queued", ch.accountId(), which);
            }
            case "subscriptionRemoved" -> {
                channels.failed(ch.accountId(), ch.source(), ch.mailbox(), "subscription removed by Graph",
                        clock.instant());
                Log.infof("account %s: Graph removed the %s subscription: re-creation queued", ch.accountId(), which);
            }
            case "missed" -> Log.infof("account %s: Graph missed %s notifications: incremental run queued",
                    ch.accountId(), which);
            default -> {
                Log.debugf("account %s: unknown Graph lifecycle event ignored", ch.accountId());
                return;
            }
        }
        notifications.requestRun(ch.accountId(), EnumSet.of(ch.source()), SyncRequest.Reason.PUSH);
    }

    /** For the meter only: the source an unknown subscription's item was about. */
    private static Source guessSource(JsonNode item) {
        String resource = item.path("resource").asText("").toLowerCase(Locale.ROOT);
        return resource.contains("event") ? Source.OUTLOOK_CALENDAR : Source.OUTLOOK_MAIL;
    }
}
