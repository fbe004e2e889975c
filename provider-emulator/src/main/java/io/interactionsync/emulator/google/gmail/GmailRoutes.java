package io.interactionsync.emulator.google.gmail;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interactionsync.emulator.EmulatorContext;
import io.interactionsync.emulator.config.EmulatorConfig;
import io.interactionsync.emulator.faults.Omission;
import io.interactionsync.emulator.google.GoogleApiGate;
import io.interactionsync.emulator.google.GoogleApiGate.Caller;
import io.interactionsync.emulator.google.oauth.GoogleScopes;
import io.interactionsync.emulator.http.GoogleErrors;
import io.interactionsync.emulator.http.Json;
import io.interactionsync.emulator.http.PartialResponse;
import io.interactionsync.emulator.http.Responses;
import io.interactionsync.emulator.push.GmailPush;
import io.interactionsync.emulator.quota.GmailQuota;
import io.interactionsync.emulator.store.GmailMailbox;
import io.interactionsync.emulator.store.GmailMessage;
import io.interactionsync.emulator.store.GmailMessage.Format;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
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
    private final GmailHistory history;
    private final GmailBatch batch;

    public GmailRoutes(EmulatorContext ctx, Vertx vertx) {
        this.ctx = ctx;
        this.gate = new GoogleApiGate(ctx);
        this.history = new GmailHistory();
        this.batch = new GmailBatch(ctx, vertx);
    }

    /** Mounted at {@code /gmail.googleapis.com}. */
    public Router router(Vertx vertx) {
        Router router = Router.router(vertx);
        router.get("/gmail/v1/users/:userId/profile").handler(rc -> call(rc, GmailMethod.GET_PROFILE, this::profile));
        router.get("/gmail/v1/users/:userId/messages").handler(rc -> call(rc, GmailMethod.MESSAGES_LIST, this::listMessages));
        router.get("/gmail/v1/users/:userId/messages/:id").handler(rc -> call(rc, GmailMethod.MESSAGES_GET, this::getMessage));
        router.get("/gmail/v1/users/:userId/threads").handler(rc -> call(rc, GmailMethod.THREADS_LIST, this::listThreads));
        router.get("/gmail/v1/users/:userId/threads/:id").handler(rc -> call(rc, GmailMethod.THREADS_GET, this::getThread));
        router.get("/gmail/v1/users/:userId/history").handler(rc -> call(rc, GmailMethod.HISTORY_LIST, history::list));
        router.get("/gmail/v1/users/:userId/labels").handler(rc -> call(rc, GmailMethod.LABELS_LIST, this::listLabels));
        router.post("/gmail/v1/users/:userId/watch").handler(rc -> call(rc, GmailMethod.WATCH, this::watch));
        router.post("/gmail/v1/users/:userId/stop").handler(rc -> call(rc, GmailMethod.STOP, this::stop));
        router.post("/batch/gmail/v1").handler(batch::handle);
        router.post("/batch").handler(batch::handle);
        return router;
    }

    /** The Gmail batch endpoint, also served at {@code /www.googleapis.com/batch/gmail/v1}. */
    public GmailBatch batch() {
        return batch;
    }

    /** Gate (auth, scope, owner) → concurrency and quota → stats → handler. */
    private void call(RoutingContext rc, GmailMethod method, BiConsumer<RoutingContext, Caller> handler) {
        Optional<Caller> found = gate.authenticate(rc, GoogleScopes.GMAIL_READ, SERVICE);
        if (found.isEmpty()) {
            return;
        }
        Caller caller = found.get();
        String email = caller.user().email();
        EmulatorConfig.Values config = ctx.config().get();
        GmailQuota quota = ctx.gmailQuota();
        if (!quota.enter(email, config.gmailConcurrentRequestsPerUser())) {
            gate.record(caller, method.apiName(), 0, true);
            Responses.json(rc, 429, GoogleErrors.tooManyConcurrentRequests());
            return;
        }
        rc.addEndHandler(v -> quota.leave(email));
        long now = System.currentTimeMillis();
        switch (quota.spend(email, method.units(), config.gmailUnitsPerUserPerMinute(),
                config.gmailUnitsPerProjectPerMinute(), now)) {
            case USER_LIMIT -> {
                gate.record(caller, method.apiName(), 0, true);
                if (config.gmailUserRateLimitReason().equals("rateLimitExceeded")) {
                    long at = quota.userRetryAt(email, method.units(), config.gmailUnitsPerUserPerMinute(), now);
                    Responses.json(rc, 403, GoogleErrors.rateLimitExceededPerMinute(Instant.ofEpochMilli(at).toString()));
                } else {
                    Responses.json(rc, 403, GoogleErrors.userRateLimitExceeded());
                }
                return;
            }
            case PROJECT_LIMIT -> {
                gate.record(caller, method.apiName(), 0, true);
                Responses.json(rc, 403, GoogleErrors.projectRateLimitExceeded());
                return;
            }
            default -> {
            }
        }
        gate.record(caller, method.apiName(), method.units(), false);
        String userId = rc.pathParam("userId");
        if (!userId.equals("me") && !userId.equalsIgnoreCase(email)) {
            Responses.json(rc, 403, GoogleErrors.forbidden("Delegation denied for " + email));
            return;
        }
        handler.accept(rc, caller);
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
        // An omit fault drops refs; nextPageToken (from the page's last message) still moves past them.
        List<GmailMessage> kept = Omission.of(rc).filter(page.messages());
        if (!kept.isEmpty()) {
            ArrayNode messages = body.putArray("messages");
            kept.forEach(m -> messages.add(m.toRef()));
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
        partial(rc, message.get().toJson(format, headerFilter(rc)));
    }

    /** 200 with the partial response asked for ({@code fields}, as Google serves it); a bad selection → 400. */
    private static void partial(RoutingContext rc, com.fasterxml.jackson.databind.JsonNode body) {
        PartialResponse.apply(rc, body).ifPresentOrElse(b -> Responses.json(rc, 200, b), () -> Responses.json(rc, 400,
                GoogleErrors.badRequest("Invalid field selection " + rc.request().getParam("fields"))));
    }

    private void listThreads(RoutingContext rc, Caller caller) {
        if (rejectQuery(rc, caller)) {
            return;
        }
        Integer max = maxResults(rc, DEFAULT_PAGE, MAX_PAGE);
        if (max == null) {
            return;
        }
        String[] position = position(rc);
        if (position == INVALID) {
            return;
        }
        Set<String> labels = new LinkedHashSet<>(rc.queryParam("labelIds"));
        boolean includeSpamTrash = Boolean.parseBoolean(rc.request().getParam("includeSpamTrash"));
        GmailMailbox.ThreadPage page = caller.user().mailbox().listThreads(labels, includeSpamTrash, max,
                position == null ? null : Long.parseLong(position[0]), position == null ? null : position[1]);
        ObjectNode body = Json.object();
        List<GmailMailbox.ThreadSummary> keptThreads = Omission.of(rc).filter(page.threads());
        if (!keptThreads.isEmpty()) {
            ArrayNode threads = body.putArray("threads");
            keptThreads.forEach(t -> threads.addObject().put("id", t.id()).put("snippet", t.latest().snippet())
                    .put("historyId", Long.toString(t.historyId())));
        }
        if (page.more()) {
            GmailMailbox.ThreadSummary last = page.threads().get(page.threads().size() - 1);
            body.put("nextPageToken", PageTokens.encode(Long.toString(last.latest().internalDate()), last.id()));
        }
        body.put("resultSizeEstimate", page.threads().isEmpty() ? 0 : page.matching());
        Responses.json(rc, 200, body);
    }

    private void getThread(RoutingContext rc, Caller caller) {
        Format format = format(rc, caller);
        if (format == null) {
            return;
        }
        List<GmailMessage> messages = caller.user().mailbox().thread(rc.pathParam("id"));
        if (messages.isEmpty()) {
            Responses.json(rc, 404, GoogleErrors.notFound());
            return;
        }
        Set<String> filter = headerFilter(rc);
        ObjectNode body = Json.object();
        body.put("id", rc.pathParam("id"));
        body.put("historyId", Long.toString(messages.stream().mapToLong(GmailMessage::historyId).max().orElse(0)));
        ArrayNode array = body.putArray("messages");
        messages.forEach(m -> array.add(m.toJson(format, filter)));
        partial(rc, body);
    }

    private static final List<String> SYSTEM_LABELS = List.of("CHAT", "SENT", "INBOX", "IMPORTANT", "TRASH", "DRAFT",
            "SPAM", "CATEGORY_FORUMS", "CATEGORY_UPDATES", "CATEGORY_PERSONAL", "CATEGORY_PROMOTIONS",
            "CATEGORY_SOCIAL", "STARRED", "UNREAD");

    private void listLabels(RoutingContext rc, Caller caller) {
        ArrayNode labels = Json.array();
        for (String id : SYSTEM_LABELS) {
            ObjectNode label = labels.addObject().put("id", id).put("name", id);
            if (!id.startsWith("CATEGORY_") && !id.equals("CHAT")) {
                label.put("messageListVisibility", "hide").put("labelListVisibility", "labelHide");
            }
            label.put("type", "system");
        }
        GmailMailbox mailbox = caller.user().mailbox();
        mailbox.labelsInUse().stream().filter(l -> !SYSTEM_LABELS.contains(l)).sorted()
                .forEach(l -> labels.addObject().put("id", l).put("name", mailbox.labelName(l)).put("type", "user"));
        Responses.json(rc, 200, Json.object().set("labels", labels));
    }

    private void watch(RoutingContext rc, Caller caller) {
        com.fasterxml.jackson.databind.JsonNode request = rc.body() == null || rc.body().length() == 0 ? Json.object()
                : parseOrNull(rc.body().asString());
        if (request == null || !request.path("topicName").isTextual()
                || !request.get("topicName").asText().matches("projects/[^/]+/topics/[^/]+")) {
            Responses.json(rc, 400, GoogleErrors.invalidArgument("Invalid topicName: expected projects/{project}/topics/{topic}"));
            return;
        }
        List<String> labelIds = new java.util.ArrayList<>();
        request.path("labelIds").forEach(l -> labelIds.add(l.asText()));
        // labelFilterAction is the older name of the same field.
        String behavior = request.hasNonNull("labelFilterBehavior") ? request.get("labelFilterBehavior").asText()
                : request.hasNonNull("labelFilterAction") ? request.get("labelFilterAction").asText() : null;
        long historyId = caller.user().mailbox().historyId();
        GmailPush.Watch watch;
        try {
            watch = ctx.push().gmail().watch(caller.user(), request.get("topicName").asText(), labelIds, behavior);
        } catch (io.interactionsync.emulator.http.BadRequestException e) {
            Responses.json(rc, 400, GoogleErrors.invalidArgument(e.getMessage()));
            return;
        }
        ObjectNode body = Json.object();
        body.put("historyId", Long.toString(historyId));
        body.put("expiration", Long.toString(watch.expiresAt()));
        Responses.json(rc, 200, body);
    }

    private void stop(RoutingContext rc, Caller caller) {
        ctx.push().gmail().stop(caller.user().email());
        Responses.noContent(rc);
    }

    private static com.fasterxml.jackson.databind.JsonNode parseOrNull(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (java.io.IOException e) {
            return null;
        }
    }

    // ---------------------------------------------------------------- shared parameter handling

    private static final String[] INVALID = new String[0];

    /** The decoded {@code pageToken} position [date, id], null for the first page, INVALID when answered 400. */
    static String[] position(RoutingContext rc) {
        String pageToken = rc.request().getParam("pageToken");
        if (pageToken == null || pageToken.isEmpty()) {
            return null;
        }
        Optional<String[]> parts = PageTokens.decode(pageToken, 2);
        if (parts.isEmpty() || !parts.get()[0].matches("-?[0-9]{1,19}")) {
            Responses.json(rc, 400, GoogleErrors.invalidArgument("Invalid pageToken"));
            return INVALID;
        }
        return parts.get();
    }

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
