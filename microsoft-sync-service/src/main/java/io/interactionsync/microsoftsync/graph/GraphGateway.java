package io.interactionsync.microsoftsync.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.graph.users.item.UserItemRequestBuilder;
import com.microsoft.kiota.RequestInformation;
import io.interactionsync.model.LogSafe;
import io.interactionsync.sync.connector.AccessTokenHolder;
import io.interactionsync.sync.RetryBackoff;
import io.interactionsync.microsoftsync.config.MicrosoftSyncConfig;
import io.interactionsync.microsoftsync.metrics.SyncMetrics;
import io.interactionsync.sync.RetryLaterException;
import io.quarkus.logging.Log;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

/**
 * Graph for one mailbox during one job, through the official SDK's request builders and adapter. Every request URL
 * (first request or a nextLink/deltaLink followed verbatim with {@code withUrl}) must pass {@link GraphLinks} before
 * the token is attached; each call waits for the mailbox's {@link MailboxThrottle} slot, goes through the circuit
 * broken {@link GraphApi}, and is retried: 429/503 pause this mailbox until Retry-After, 5xx and timeouts back off
 * with jitter, a 401 asks the connector for a new token once. Every request, batch steps included, asks for
 * immutable ids ({@code Prefer: IdType="ImmutableId"}): a message keeps its id when it moves between folders. A 410/syncStateNotFound surfaces as
 * {@link GraphCallException.DeltaExpired}; answers retrying cannot fix as {@link GraphCallException}.
 */
public final class GraphGateway {

    public enum Kind {
        MAIL, CALENDAR
    }

    private static final DateTimeFormatter WINDOW_TIME = DateTimeFormatter.ISO_INSTANT;

    private final GraphServiceClient graph;
    private final GraphLinks links;
    private final GraphApi api;
    private final AccessTokenHolder tokens;
    private final MailboxThrottle throttle;
    private final SyncMetrics metrics;
    private final MicrosoftSyncConfig config;
    private final PayloadMinimiser minimiser;
    private final Clock clock;
    private final String mailbox;
    private final boolean shared;

    /**
     * @param mailbox the address read (throttling is per mailbox)
     * @param shared  true: {@code /users/{mailbox}/…}; false: {@code /me/…}
     */
    public GraphGateway(GraphServiceClient graph, GraphLinks links, GraphApi api, AccessTokenHolder tokens,
                        MailboxThrottle throttle, SyncMetrics metrics, MicrosoftSyncConfig config, Clock clock,
                        String mailbox, boolean shared) {
        this.graph = graph;
        this.links = links;
        this.api = api;
        this.tokens = tokens;
        this.throttle = throttle;
        this.metrics = metrics;
        this.config = config;
        this.minimiser = new PayloadMinimiser(config);
        this.clock = clock;
        this.mailbox = mailbox;
        this.shared = shared;
    }

    public String mailbox() {
        return mailbox;
    }

    public boolean shared() {
        return shared;
    }

    private UserItemRequestBuilder owner() {
        return shared ? graph.users().byUserId(mailbox) : graph.me();
    }

    /**
     * Whether this gateway's token may read the mailbox: {@code GET …/mailFolders/inbox?$select=id}, one cheap request
     * (issue 17 item 5: a shared mailbox's subscribers are checked on every sync). Returns normally when allowed;
     * throws {@link GraphCallException} {@code access_denied} on a 403 (Exchange FullAccess removed, or no
     * {@code .Shared} scope), other codes as every call.
     */
    public void checkAccess() throws InterruptedException {
        var inbox = owner().mailFolders().byMailFolderId("inbox");
        call(Kind.MAIL, () -> inbox.toGetRequestInformation(rc -> rc.queryParameters.select = new String[] {"id"}));
    }

    /**
     * One page of mail delta of {@code folder}: the first request when {@code link} is null, else the link verbatim.
     * With {@code microsoft-sync.mail.horizon-filter} the first request carries {@code $filter=receivedDateTime ge
     * horizon} (off by default: Graph then caps the round at 5,000 messages). Null when the folder no longer exists.
     */
    public JsonNode mailDelta(String folder, String link, Instant horizon) throws InterruptedException {
        String prefer = "odata.maxpagesize=" + config.mail().pageSize();
        var delta = owner().mailFolders().byMailFolderId(folder).messages().delta();
        String[] select = config.mail().select().toArray(String[]::new);
        String filter = config.mail().horizonFilter() && horizon != null
                ? "receivedDateTime ge " + WINDOW_TIME.format(horizon.truncatedTo(ChronoUnit.SECONDS)) : null;
        return PayloadMinimiser.page(call(Kind.MAIL, () -> link == null
                ? delta.toGetRequestInformation(rc -> {
                    rc.queryParameters.select = select;
                    rc.queryParameters.filter = filter;
                    rc.headers.add("Prefer", prefer);
                })
                : delta.withUrl(link).toGetRequestInformation(rc -> rc.headers.add("Prefer", prefer)), true),
                minimiser::message);
    }

    /**
     * Several delta links of this mailbox in one {@code POST /$batch} (≤ 20). Returns each link's page in order;
     * {@link #isExpired} for a 410/syncStateNotFound; null for any other answer (a 429/503 inside pauses the mailbox
     * until its Retry-After; the caller then requests that link alone and handles what it gets).
     */
    public List<JsonNode> mailDeltaBatch(List<String> deltaLinks) throws InterruptedException {
        List<String> relative = new ArrayList<>();
        for (String link : deltaLinks) {
            if (!links.allows(link)) {
                metrics.linkRefused("mail");
                throw new GraphCallException("graph_link_refused", 0,
                        "a Graph link points outside the configured base URL: " + GraphLinks.describe(link));
            }
            relative.add(link.substring(links.baseUrl().length()));
        }
        List<JsonNode> pages = new ArrayList<>();
        for (BatchAnswer a : batch(relative, "odata.maxpagesize=" + config.mail().pageSize())) {
            if (a.status() == 200) {
                metrics.request("mail", "ok_batched");
                pages.add(PayloadMinimiser.page(a.body(), minimiser::message));
            } else if (GraphErrors.deltaExpired(new GraphOutcome.Failed(a.status(), a.code(), null, null))) {
                metrics.request("mail", "delta_expired");
                pages.add(EXPIRED);
            } else {
                pages.add(null);
            }
        }
        return pages;
    }

    /**
     * The ids of well-known folders ({@code GET /mailFolders/{name}?$select=id}, in {@code $batch}es): a name absent
     * from the map does not exist in this mailbox (404). A step answered otherwise is asked again alone.
     */
    public Map<String, String> wellKnownFolderIds(List<String> names) throws InterruptedException {
        Map<String, String> ids = new LinkedHashMap<>();
        List<String> paths = names.stream().map(n -> ownerPath() + "/mailFolders/" + pathSegment(n) + "?$select=id").toList();
        List<BatchAnswer> answers = batch(paths, null);
        for (int i = 0; i < names.size(); i++) {
            BatchAnswer a = answers.get(i);
            JsonNode folder = a.status() == 200 ? a.body() : a.missing() ? null : single(paths.get(i));
            if (a.status() == 200 || a.missing()) {
                metrics.request("mail", a.status() == 200 ? "ok_batched" : "not_found");
            }
            if (folder != null && folder.hasNonNull("id")) {
                ids.put(names.get(i), folder.get("id").asText());
            }
        }
        return ids;
    }

    /**
     * Where messages are now ({@code GET /messages/{id}?$select=id,parentFolderId}, immutable ids, in
     * {@code $batch}es of 20): the folder id, {@link #GONE} when Graph no longer has the message (404), absent from
     * the map when the answer could not be had (the caller asks again later).
     */
    public Map<String, String> messageFolders(List<String> messageIds) throws InterruptedException {
        Fetched fetched = getEach(messageIds, ownerPath() + "/messages/", "?$select=id,parentFolderId");
        Map<String, String> out = new LinkedHashMap<>();
        for (String id : messageIds) {
            JsonNode message = fetched.found().get(id);
            String folder = message == null ? null : message.path("parentFolderId").asText(null);
            if (fetched.gone().contains(id)) {
                out.put(id, GONE);
            } else if (folder != null) {
                out.put(id, folder);
            }
        }
        if (!fetched.failed().isEmpty()) {
            Log.debugf("location of %d message(s) not known: asked again in a later run", fetched.failed().size());
        }
        return out;
    }

    /** {@link #messageFolders}: the message is gone (404). */
    public static final String GONE = "";

    /**
     * One page of the ids of a folder's messages received since {@code horizon} ({@code GET
     * /mailFolders/{id}/messages?$select=id&$filter=receivedDateTime ge …&$top=<page size>}): the first request when
     * {@code link} is null, else the nextLink verbatim. Null when the folder no longer exists (404).
     */
    public JsonNode messageIds(String folder, Instant horizon, String link) throws InterruptedException {
        var messages = owner().mailFolders().byMailFolderId(folder).messages();
        String filter = "receivedDateTime ge " + WINDOW_TIME.format(horizon.truncatedTo(ChronoUnit.SECONDS));
        int top = config.mail().pageSize();
        return call(Kind.MAIL, () -> link == null
                ? messages.toGetRequestInformation(rc -> {
                    rc.queryParameters.select = new String[] {"id"};
                    rc.queryParameters.filter = filter;
                    rc.queryParameters.top = top;
                })
                : messages.withUrl(link).toGetRequestInformation(), true);
    }

    /**
     * Messages as the delta reads them ({@code GET /messages/{id}?$select=<mail select>}, immutable ids, in
     * {@code $batch}es of 20; a step answered otherwise than 200/404 is asked again alone).
     *
     * @return found: id → message; gone: 404; failed: id → why it could not be had (a permanent per-mailbox answer)
     */
    public Fetched messages(List<String> messageIds) throws InterruptedException {
        Fetched fetched = getEach(messageIds, ownerPath() + "/messages/",
                "?$select=" + String.join(",", config.mail().select()));
        fetched.found().values().forEach(minimiser::message);
        return fetched;
    }

    /**
     * {@code GET <prefix><id><query>} for each id, in {@code $batch}es: 200 → found, 404 → gone; a step answered
     * otherwise is asked again alone, and what still fails is reported with its reason.
     */
    private Fetched getEach(List<String> ids, String prefix, String query) throws InterruptedException {
        List<String> paths = ids.stream().map(id -> prefix + pathSegment(id) + query).toList();
        List<BatchAnswer> answers = batch(paths, null);
        Map<String, JsonNode> found = new LinkedHashMap<>();
        java.util.Set<String> gone = new java.util.LinkedHashSet<>();
        Map<String, String> failed = new LinkedHashMap<>();
        for (int i = 0; i < ids.size(); i++) {
            BatchAnswer a = answers.get(i);
            String id = ids.get(i);
            JsonNode resource;
            if (a.status() == 200 || a.missing()) {
                metrics.request("mail", a.status() == 200 ? "ok_batched" : "not_found");
                resource = a.status() == 200 ? a.body() : null;
            } else {
                try {
                    resource = single(paths.get(i));
                } catch (GraphCallException e) {
                    failed.put(id, "GET answered " + e.code() + " (HTTP " + e.status() + ")");
                    continue;
                }
            }
            if (resource == null) {
                gone.add(id);
            } else {
                found.put(id, resource);
            }
        }
        return new Fetched(found, gone, failed);
    }

    /** What {@link #messages} got: found (id → resource), gone (404), failed (id → reason). */
    public record Fetched(Map<String, JsonNode> found, java.util.Set<String> gone, Map<String, String> failed) {
    }

    /**
     * One page of the calendar's event ids in the window ({@code GET /calendarView?startDateTime&endDateTime
     * &$select=id,changeKey,isCancelled&$top=<page size>}; calendarView, unlike its delta, supports $select): the
     * first request when {@code link} is null, else the nextLink verbatim.
     */
    public JsonNode calendarViewIds(Instant start, Instant end, String link) throws InterruptedException {
        var view = owner().calendarView();
        int top = config.calendar().pageSize();
        return call(Kind.CALENDAR, () -> link == null
                ? view.toGetRequestInformation(rc -> {
                    rc.queryParameters.startDateTime = WINDOW_TIME.format(start.truncatedTo(ChronoUnit.SECONDS));
                    rc.queryParameters.endDateTime = WINDOW_TIME.format(end.truncatedTo(ChronoUnit.SECONDS));
                    rc.queryParameters.select = new String[] {"id", "changeKey", "isCancelled"};
                    rc.queryParameters.top = top;
                })
                : view.withUrl(link).toGetRequestInformation());
    }

    /**
     * One event ({@code GET /events/{id}?$select=<calendar fields>}, times in UTC as the delta reads them); null when
     * Graph no longer has it.
     */
    public JsonNode event(String eventId) throws InterruptedException {
        var item = owner().events().byEventId(eventId);
        String[] select = config.calendar().fields().toArray(String[]::new);
        JsonNode event = call(Kind.CALENDAR, () -> item.toGetRequestInformation(rc -> {
            rc.queryParameters.select = select;
            rc.headers.add("Prefer", "outlook.timezone=\"UTC\"");
        }), true);
        return event == null ? null : minimiser.event(event);
    }

    /**
     * Creates a subscription ({@code POST /subscriptions}) on {@code resource} ({@code me/messages},
     * {@code users/{address}/messages}, {@code me/events}) for created, updated and deleted items, without resource
     * data. Graph validates {@code notificationUrl} (and the lifecycle URL) with a handshake before it answers.
     *
     * @param clientState the secret every notification must carry back (only its hash is kept)
     * @return the subscription as Graph answered ({@code id}, {@code expirationDateTime})
     * @throws GraphCallException a refusal: {@code access_denied} (403, e.g. the mailbox's 1,000 subscriptions reached),
     *                            {@code bad_request} (400, e.g. the validation handshake failed)
     */
    public JsonNode createSubscription(Kind kind, String resource, String notificationUrl, String lifecycleUrl,
                                       Instant expiresAt, String clientState) throws InterruptedException {
        com.microsoft.graph.models.Subscription body = new com.microsoft.graph.models.Subscription();
        body.setChangeType("created,updated,deleted");
        body.setResource(resource);
        body.setNotificationUrl(notificationUrl);
        body.setLifecycleNotificationUrl(lifecycleUrl);
        body.setExpirationDateTime(expiresAt.truncatedTo(ChronoUnit.SECONDS).atOffset(java.time.ZoneOffset.UTC));
        body.setClientState(clientState);
        var subscriptions = graph.subscriptions();
        return call(kind, () -> subscriptions.toPostRequestInformation(body), false, true);
    }

    /**
     * Renews (and so reauthorizes) a subscription: {@code PATCH /subscriptions/{id}} with a new
     * {@code expirationDateTime}. Null when Graph no longer knows it (404): it must be created again.
     */
    public JsonNode renewSubscription(Kind kind, String subscriptionId, Instant expiresAt) throws InterruptedException {
        com.microsoft.graph.models.Subscription body = new com.microsoft.graph.models.Subscription();
        body.setExpirationDateTime(expiresAt.truncatedTo(ChronoUnit.SECONDS).atOffset(java.time.ZoneOffset.UTC));
        var item = graph.subscriptions().bySubscriptionId(subscriptionId);
        return call(kind, () -> item.toPatchRequestInformation(body), true, true);
    }

    /** {@code DELETE /subscriptions/{id}}; false when Graph no longer knew it (404: already gone). */
    public boolean deleteSubscription(Kind kind, String subscriptionId) throws InterruptedException {
        var item = graph.subscriptions().bySubscriptionId(subscriptionId);
        return call(kind, item::toDeleteRequestInformation, true, true) != null;
    }

    /** One page of mailFolders delta (the whole folder tree): the first request when {@code link} is null. */
    public JsonNode folderDelta(String link) throws InterruptedException {
        String prefer = "odata.maxpagesize=" + config.mail().pageSize();
        var delta = owner().mailFolders().delta();
        return call(Kind.MAIL, () -> link == null
                ? delta.toGetRequestInformation(rc -> {
                    rc.queryParameters.select = FOLDER_SELECT;
                    rc.headers.add("Prefer", prefer);
                })
                : delta.withUrl(link).toGetRequestInformation(rc -> rc.headers.add("Prefer", prefer)), false);
    }

    private static final String[] FOLDER_SELECT = {"id", "displayName", "parentFolderId", "childFolderCount", "totalItemCount"};

    /**
     * One page of a folder list without delta (the audit's reconciliation): {@code GET /mailFolders} (the root's
     * children) when {@code parentId} is null, else {@code GET /mailFolders/{parentId}/childFolders}, with
     * {@code $select} and {@code $top=<page size>}; the nextLink verbatim when {@code link} is given. Hidden folders
     * are left out, as Graph does by default. Null when the parent folder no longer exists (404).
     */
    public JsonNode folderList(String parentId, String link) throws InterruptedException {
        int top = config.mail().pageSize();
        if (parentId == null) {
            var list = owner().mailFolders();
            return call(Kind.MAIL, () -> link == null
                    ? list.toGetRequestInformation(rc -> {
                        rc.queryParameters.select = FOLDER_SELECT;
                        rc.queryParameters.top = top;
                    })
                    : list.withUrl(link).toGetRequestInformation(), true);
        }
        var children = owner().mailFolders().byMailFolderId(parentId).childFolders();
        return call(Kind.MAIL, () -> link == null
                ? children.toGetRequestInformation(rc -> {
                    rc.queryParameters.select = FOLDER_SELECT;
                    rc.queryParameters.top = top;
                })
                : children.withUrl(link).toGetRequestInformation(), true);
    }

    /**
     * Folders by id ({@code GET /mailFolders/{id}?$select=…}, in {@code $batch}es of 20): the folder, {@link #GONE_FOLDER}
     * when Graph answered 404, absent from the map when no answer could be had (the caller keeps what it knows).
     */
    public Map<String, JsonNode> mailFolders(List<String> folderIds) throws InterruptedException {
        Fetched fetched = getEach(folderIds, ownerPath() + "/mailFolders/", "?$select=" + String.join(",", FOLDER_SELECT));
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (String id : folderIds) {
            JsonNode folder = fetched.found().get(id);
            if (fetched.gone().contains(id)) {
                out.put(id, GONE_FOLDER);
            } else if (folder != null && folder.hasNonNull("id")) {
                out.put(id, folder);
            }
        }
        if (!fetched.failed().isEmpty()) {
            Log.debugf("%d folder(s) not confirmed: kept as known", fetched.failed().size());
        }
        return out;
    }

    /** {@link #mailFolders}: the folder is gone (404). */
    public static final JsonNode GONE_FOLDER = com.fasterxml.jackson.databind.node.NullNode.getInstance();

    /** A relative GET sent alone (after its batch step failed); null when Graph answered 404 for the item. */
    private JsonNode single(String relativePath) throws InterruptedException {
        return call(Kind.MAIL, () -> {
            RequestInformation request = new RequestInformation();
            request.httpMethod = com.microsoft.kiota.HttpMethod.GET;
            request.setUri(java.net.URI.create(links.baseUrl() + relativePath));
            return request;
        }, true);
    }

    /** "/me" or "/users/{address}", as request paths relative to the base URL. */
    private String ownerPath() {
        return shared ? "/users/" + pathSegment(mailbox) : "/me";
    }

    private static String pathSegment(String value) {
        return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** One step's answer inside a {@code $batch}. */
    private record BatchAnswer(int status, String code, JsonNode body) {
        /** 404 for the item (not for the mailbox). */
        boolean missing() {
            return GraphErrors.itemMissing(status, code);
        }
    }

    /**
     * GETs of paths relative to the base URL in {@code POST /$batch}es of 20, built with the SDK's
     * {@code BatchRequestContent}; each step carries {@code Prefer: IdType="ImmutableId"} (and {@code prefer}).
     * A 429/503 step pauses the mailbox until its Retry-After.
     */
    private List<BatchAnswer> batch(List<String> relativePaths, String prefer) throws InterruptedException {
        List<BatchAnswer> out = new ArrayList<>();
        for (int from = 0; from < relativePaths.size(); from += MAX_BATCH) {
            List<String> chunk = relativePaths.subList(from, Math.min(relativePaths.size(), from + MAX_BATCH));
            com.microsoft.graph.core.content.BatchRequestContent content =
                    new com.microsoft.graph.core.content.BatchRequestContent(graph);
            List<String> ids = new ArrayList<>();
            for (String path : chunk) {
                RequestInformation step = new RequestInformation();
                step.httpMethod = com.microsoft.kiota.HttpMethod.GET;
                // The SDK writes a step's URL relative to "/v1.0"; the step is never sent on its own, so it is
                // expressed against the public root to get exactly "/me/…" in the batch body.
                step.setUri(java.net.URI.create(BATCH_STEP_ROOT + path));
                if (prefer != null) {
                    step.headers.add("Prefer", prefer);
                }
                step.headers.add("Prefer", IMMUTABLE_IDS);
                ids.add(content.addBatchRequestStep(step));
            }
            JsonNode batch = call(Kind.MAIL, () -> {
                try {
                    return graph.getBatchRequestBuilder().toPostRequestInformation(content);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, false);
            Map<String, JsonNode> byId = new HashMap<>();
            for (JsonNode r : batch.path("responses")) {
                byId.put(r.path("id").asText(), r);
            }
            for (String id : ids) {
                JsonNode r = byId.get(id);
                int status = r == null ? 0 : r.path("status").asInt();
                String code = r == null ? null : r.path("body").path("error").path("code").asText(null);
                if (status == 429 || status == 503) {
                    metrics.throttled("mail", status);
                    String after = r.path("headers").path("Retry-After").asText(r.path("headers").path("retry-after").asText(null));
                    if (after != null) {
                        try {
                            throttle.pause(mailbox, clock.instant().plusSeconds(Long.parseLong(after.trim())));
                        } catch (NumberFormatException unreadable) {
                            // the single request that follows meets the throttling again and handles it
                        }
                    }
                }
                out.add(new BatchAnswer(status, code, r == null ? null : r.path("body")));
            }
        }
        return out;
    }

    /** Graph's limit of requests per {@code $batch}. */
    public static final int MAX_BATCH = 20;

    /** Sent on every request: ids stay the same when a message moves between folders. */
    static final String IMMUTABLE_IDS = "IdType=\"ImmutableId\"";

    private static final String BATCH_STEP_ROOT = "https://graph.microsoft.com/v1.0";

    /** Marks a link of a batch answered 410 / syncStateNotFound (see {@link #isExpired}). */
    private static final JsonNode EXPIRED = com.fasterxml.jackson.databind.node.MissingNode.getInstance();

    public static boolean isExpired(JsonNode batchPage) {
        return batchPage == EXPIRED;
    }

    /**
     * One page of calendarView delta (no $select: unsupported, so its events are cut down to the configured fields
     * here), times in UTC.
     */
    public JsonNode calendarDelta(Instant start, Instant end, String link) throws InterruptedException {
        return PayloadMinimiser.page(calendarDeltaPage(start, end, link), minimiser::event);
    }

    private JsonNode calendarDeltaPage(Instant start, Instant end, String link) throws InterruptedException {
        String pageSize = "odata.maxpagesize=" + config.calendar().pageSize();
        String utc = "outlook.timezone=\"UTC\"";
        var delta = owner().calendarView().delta();
        return call(Kind.CALENDAR, () -> link == null
                ? delta.toGetRequestInformation(rc -> {
                    rc.queryParameters.startDateTime = WINDOW_TIME.format(start.truncatedTo(ChronoUnit.SECONDS));
                    rc.queryParameters.endDateTime = WINDOW_TIME.format(end.truncatedTo(ChronoUnit.SECONDS));
                    rc.headers.add("Prefer", pageSize);
                    rc.headers.add("Prefer", utc);
                })
                : delta.withUrl(link).toGetRequestInformation(rc -> {
                    rc.headers.add("Prefer", pageSize);
                    rc.headers.add("Prefer", utc);
                }));
    }

    private JsonNode call(Kind kind, Supplier<RequestInformation> prepare) throws InterruptedException {
        return call(kind, prepare, false);
    }

    /** @param notFoundIsAbsent a 404 for an item (not for the mailbox, see {@link GraphErrors#itemMissing}) answers null */
    private JsonNode call(Kind kind, Supplier<RequestInformation> prepare, boolean notFoundIsAbsent) throws InterruptedException {
        return call(kind, prepare, notFoundIsAbsent, false);
    }

    /**
     * @param subscription a {@code /subscriptions} call: a 204 answers an empty object, and a refusal's message carries
     *                     Graph's own code and message (e.g. the 1,000-per-mailbox limit), not the mailbox
     */
    private JsonNode call(Kind kind, Supplier<RequestInformation> prepare, boolean notFoundIsAbsent, boolean subscription)
            throws InterruptedException {
        String api = kind == Kind.MAIL ? "mail" : "calendar";
        int attempt = 0;
        while (true) {
            attempt++;
            RequestInformation request = prepare.get();
            // The SDK fills in the base URL when sending; fill it in now so the check sees the URL that will be sent.
            request.pathParameters.put("baseurl", graph.getRequestAdapter().getBaseUrl());
            String url;
            try {
                url = request.getUri().toString();
            } catch (URISyntaxException | IllegalStateException e) {
                throw new GraphCallException("graph_link_refused", 0, "unparseable Graph URL");
            }
            if (!links.allows(url)) {
                metrics.linkRefused(api);
                Log.errorf("refusing a Graph link outside %s: %s (no request sent)", links.baseUrl(), LogSafe.redact(GraphLinks.describe(url)));
                throw new GraphCallException("graph_link_refused", 0,
                        "a Graph link points outside the configured base URL: " + GraphLinks.describe(url));
            }
            String token;
            GraphOutcome outcome;
            try (MailboxThrottle.Permit ignored = throttle.acquire(mailbox)) {
                token = tokens.token();
                request.headers.add("Authorization", "Bearer " + token);
                request.headers.add("Prefer", IMMUTABLE_IDS);
                GraphApi.Call call = () -> GraphClients.send(graph, request, !subscription);
                outcome = kind == Kind.MAIL ? this.api.mail(mailbox, call) : this.api.calendar(mailbox, call);
            } catch (CircuitBreakerOpenException e) {
                metrics.request(api, "circuit_open");
                throw new RetryLaterException("Graph circuit breaker " + (kind == Kind.MAIL ? GraphApi.MAIL_BREAKER
                        : GraphApi.CALENDAR_BREAKER) + " is open", clock.instant().plus(config.worker().retryDelay()), e);
            } catch (ProviderWideFailure e) {
                metrics.request(api, e.status() == 0 ? "io_error" : "server_error");
                if (e.retryAt() != null) {
                    metrics.throttled(api, e.status());
                    Instant until = throttle.pause(mailbox, e.retryAt());
                    giveUpAfter(attempt, until, e.getMessage());
                } else {
                    RetryBackoff.awaitNextAttempt(config, clock, attempt, null, e.getMessage());
                }
                continue;
            }
            switch (outcome) {
                case GraphOutcome.Ok ok -> {
                    metrics.request(api, "ok");
                    return ok.body();
                }
                case GraphOutcome.Failed f -> {
                    if (f.status() == 401) {
                        metrics.request(api, "unauthorized");
                        try {
                            tokens.rejected(token);
                        } catch (AccessTokenHolder.TokenRejectedException rejected) {
                            throw new GraphCallException("token_rejected", 401, rejected.getMessage());
                        }
                        continue;
                    }
                    if (f.status() == 429) {
                        metrics.request(api, "throttled");
                        metrics.throttled(api, 429);
                        Instant until = f.retryAt() != null ? f.retryAt() : clock.instant().plus(backoff(attempt));
                        until = throttle.pause(mailbox, until);
                        Log.debugf("Graph %s throttled mailbox %s (%s); paused until %s", api, mailbox, f.code(), until);
                        giveUpAfter(attempt, until, "Graph throttled mailbox " + mailbox + " (" + f.code() + ")");
                        continue;
                    }
                    if (notFoundIsAbsent && GraphErrors.itemMissing(f.status(), f.code())) {
                        metrics.request(api, "not_found");
                        return null;
                    }
                    if (GraphErrors.deltaExpired(f)) {
                        metrics.request(api, "delta_expired");
                        throw new GraphCallException.DeltaExpired("Graph answered " + f.status() + " " + f.code());
                    }
                    String permanent = GraphErrors.permanentCode(f);
                    if (permanent != null && subscription) {
                        metrics.request(api, permanent);
                        throw new GraphCallException(permanent, f.status(), "Graph answered " + f.status() + " "
                                + f.code() + (f.message() == null ? "" : ": " + LogSafe.redact(f.message())));
                    }
                    if (permanent != null) {
                        metrics.request(api, permanent);
                        throw new GraphCallException(permanent, f.status(), "Graph answered " + f.status() + " "
                                + f.code() + " for mailbox " + mailbox);
                    }
                    metrics.request(api, "client_error");
                    RetryBackoff.awaitNextAttempt(config, clock, attempt, null, "Graph answered " + f.status() + " " + f.code());
                }
            }
        }
    }

    private void giveUpAfter(int attempt, Instant until, String why) {
        if (attempt >= config.retry().maxAttempts()) {
            throw new RetryLaterException(why + " after " + attempt + " attempts", until);
        }
    }

    private Duration backoff(int attempt) {
        long base = Math.min(config.retry().maxBackoff().toMillis(),
                config.retry().initialBackoff().toMillis() << Math.min(attempt - 1, 20));
        return Duration.ofMillis(base);
    }
}
