package io.interactionsync.emulator.google.gmail;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interactionsync.emulator.EmulatorContext;
import io.interactionsync.emulator.google.GoogleApiGate;
import io.interactionsync.emulator.google.GoogleApiGate.Caller;
import io.interactionsync.emulator.google.oauth.GoogleScopes;
import io.interactionsync.emulator.http.GoogleErrors;
import io.interactionsync.emulator.http.Json;
import io.interactionsync.emulator.http.Responses;
import io.interactionsync.emulator.store.GmailMailbox;
import io.interactionsync.emulator.store.GmailMessage;
import io.interactionsync.emulator.store.GmailMessage.Format;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Gmail API v1 ({@code gmail.googleapis.com/gmail/v1/users/{userId}/…}) with the restrictions of the
 * gmail.metadata scope: no {@code q}, no FULL/RAW format.
 */
public final class GmailRoutes {

    static final String SERVICE = "gmail.googleapis.com";
    private static final int DEFAULT_PAGE = 100;
    private static final int MAX_PAGE = 500;

    private final EmulatorContext ctx;
    private final GoogleApiGate gate;

    public GmailRoutes(EmulatorContext ctx) {
        this.ctx = ctx;
        this.gate = new GoogleApiGate(ctx);
    }

    /** Mounted at {@code /gmail.googleapis.com}. */
    public Router router(Vertx vertx) {
        Router router = Router.router(vertx);
        router.get("/gmail/v1/users/:userId/profile").handler(rc -> call(rc, GmailMethod.GET_PROFILE, this::profile));
        router.get("/gmail/v1/users/:userId/messages").handler(rc -> call(rc, GmailMethod.MESSAGES_LIST, this::listMessages));
        router.get("/gmail/v1/users/:userId/messages/:id").handler(rc -> call(rc, GmailMethod.MESSAGES_GET, this::getMessage));
        return router;
    }

    /** Gate (auth, scope, owner) → stats → handler. */
    private void call(RoutingContext rc, GmailMethod method, BiConsumer<RoutingContext, Caller> handler) {
        Optional<Caller> caller = gate.authenticate(rc, GoogleScopes.GMAIL_READ, SERVICE);
        if (caller.isEmpty()) {
            return;
        }
        String userId = rc.pathParam("userId");
        if (!userId.equals("me") && !userId.equalsIgnoreCase(caller.get().user().email())) {
            gate.record(caller.get(), method.apiName(), method.units(), false);
            Responses.json(rc, 403, GoogleErrors.forbidden("Delegation denied for " + caller.get().user().email()));
            return;
        }
        gate.record(caller.get(), method.apiName(), method.units(), false);
        handler.accept(rc, caller.get());
    }

    private static boolean metadataOnly(Caller caller) {
        return caller.hasScope(GoogleScopes.GMAIL_METADATA);
    }

    private void profile(RoutingContext rc, Caller caller) {
        GmailMailbox mailbox = caller.user().mailbox();
        ObjectNode body = Json.object();
        body.put("emailAddress", caller.user().email());
        body.put("messagesTotal", mailbox.size());
        body.put("threadsTotal", mailbox.threadCount());
        body.put("historyId", Long.toString(mailbox.historyId()));
        Responses.json(rc, 200, body);
    }

    private void listMessages(RoutingContext rc, Caller caller) {
        if (rejectQuery(rc, caller)) {
            return;
        }
        Integer max = maxResults(rc, DEFAULT_PAGE, MAX_PAGE);
        if (max == null) {
            return;
        }
        Long afterDate = null;
        String afterId = null;
        String pageToken = rc.request().getParam("pageToken");
        if (pageToken != null && !pageToken.isEmpty()) {
            Optional<String[]> parts = PageTokens.decode(pageToken, 2);
            if (parts.isEmpty()) {
                Responses.json(rc, 400, GoogleErrors.invalidArgument("Invalid pageToken"));
                return;
            }
            try {
                afterDate = Long.parseLong(parts.get()[0]);
            } catch (NumberFormatException e) {
                Responses.json(rc, 400, GoogleErrors.invalidArgument("Invalid pageToken"));
                return;
            }
            afterId = parts.get()[1];
        }
        Set<String> labels = new LinkedHashSet<>(rc.queryParam("labelIds"));
        boolean includeSpamTrash = Boolean.parseBoolean(rc.request().getParam("includeSpamTrash"));
        GmailMailbox.Page page = caller.user().mailbox().list(labels, includeSpamTrash, max, afterDate, afterId);
        ObjectNode body = Json.object();
        if (!page.messages().isEmpty()) {
            ArrayNode messages = body.putArray("messages");
            page.messages().forEach(m -> messages.add(m.toRef()));
        }
        if (page.more()) {
            body.put("nextPageToken", PageTokens.encode(Long.toString(page.last().internalDate()), page.last().id()));
        }
        body.put("resultSizeEstimate", page.messages().isEmpty() ? 0 : page.matching());
        Responses.json(rc, 200, body);
    }

    private void getMessage(RoutingContext rc, Caller caller) {
        Format format = format(rc, caller);
        if (format == null) {
            return;
        }
        Optional<GmailMessage> message = caller.user().mailbox().get(rc.pathParam("id"));
        if (message.isEmpty()) {
            Responses.json(rc, 404, GoogleErrors.notFound());
            return;
        }
        Responses.json(rc, 200, message.get().toJson(format, headerFilter(rc)));
    }

    // ---------------------------------------------------------------- shared parameter handling

    /** Under gmail.metadata any {@code q} (even empty) is a 403. True when answered. */
    boolean rejectQuery(RoutingContext rc, Caller caller) {
        if (rc.request().params().contains("q")) {
            if (metadataOnly(caller)) {
                Responses.json(rc, 403, GoogleErrors.forbidden("Metadata scope does not support 'q' parameter"));
            } else {
                Responses.json(rc, 400, GoogleErrors.invalidArgument(
                        "The emulator does not implement Gmail search queries ('q')"));
            }
            return true;
        }
        return false;
    }

    /** The {@code format} parameter (default full); null when answered with an error. */
    Format format(RoutingContext rc, Caller caller) {
        String value = Optional.ofNullable(rc.request().getParam("format")).orElse("full").toLowerCase(Locale.ROOT);
        Format format = switch (value) {
            case "minimal" -> Format.MINIMAL;
            case "metadata" -> Format.METADATA;
            case "full", "raw" -> Format.FULL;
            default -> null;
        };
        if (format == null) {
            Responses.json(rc, 400, GoogleErrors.invalidArgument(
                    "Invalid value at 'format' (type.googleapis.com/caribou.api.proto.MessageFormat), \"" + value + "\""));
            return null;
        }
        if (format == Format.FULL && metadataOnly(caller)) {
            Responses.json(rc, 403, GoogleErrors.forbidden("Metadata scope doesn't allow format " + value.toUpperCase(Locale.ROOT)));
            return null;
        }
        if (value.equals("raw")) {
            Responses.json(rc, 400, GoogleErrors.invalidArgument("The emulator stores metadata only; format RAW is not available"));
            return null;
        }
        return format;
    }

    static Set<String> headerFilter(RoutingContext rc) {
        Set<String> filter = new LinkedHashSet<>();
        List<String> values = rc.queryParam("metadataHeaders");
        values.forEach(v -> filter.add(v.toLowerCase(Locale.ROOT)));
        return filter;
    }

    /** {@code maxResults} in [1, cap] (values above the cap are capped, as Gmail does); null when answered. */
    static Integer maxResults(RoutingContext rc, int defaultValue, int cap) {
        String value = rc.request().getParam("maxResults");
        if (value == null || value.isEmpty()) {
            return defaultValue;
        }
        try {
            long parsed = Long.parseLong(value);
            if (parsed < 0) {
                Responses.json(rc, 400, GoogleErrors.invalidArgument("Invalid maxResults: " + value));
                return null;
            }
            return parsed == 0 ? defaultValue : (int) Math.min(parsed, cap);
        } catch (NumberFormatException e) {
            Responses.json(rc, 400, GoogleErrors.invalidArgument("Invalid value at 'max_results' (TYPE_UINT32), \"" + value + "\""));
            return null;
        }
    }
}
