package io.interactionsync.emulator.push;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interactionsync.emulator.http.Json;
import io.interactionsync.emulator.store.GraphCalendar;
import io.interactionsync.emulator.store.GraphMailbox;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Microsoft Graph subscriptions and the change and lifecycle notifications they get. Changes of the subscribed
 * mailbox (all of it, or one folder) or calendar are POSTed to the notification URL as {@code {"value": [...]}};
 * notifications for the same URL within {@value #BATCH_WINDOW_MS} ms share one POST, as Graph batches them.
 * Expired subscriptions notify nothing and are forgotten. The subscription API itself (validation handshake,
 * limits, errors) is {@code GraphSubscriptionRoutes}.
 */
public final class GraphPush {

    static final long BATCH_WINDOW_MS = 50;
    private static final int MAX_BATCH = 100;
    /** Graph's notification client waits 3 s for an answer. */
    private static final long PUSH_TIMEOUT_MS = 3_000;
    public static final DateTimeFormatter GRAPH_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSS'Z'")
            .withZone(ZoneOffset.UTC);
    public static final Set<String> LIFECYCLE_EVENTS = Set.of("reauthorizationRequired", "subscriptionRemoved", "missed");

    /**
     * A subscription. {@code mailbox}: the address whose messages or calendar it watches; {@code ownerId}: the id
     * Graph names that mailbox by in resource paths; {@code folderId} null = the whole mailbox.
     */
    public static final class Subscription {
        final String id;
        final String resource;
        final String changeType;
        final Set<String> changeTypes;
        volatile String notificationUrl;
        final String lifecycleNotificationUrl;
        final String clientState;
        volatile Instant expiration;
        final String applicationId;
        final String creatorId;
        final String creatorUpn;
        final String tenantId;
        final String mailbox;
        final String ownerId;
        final String folderId;
        final boolean events;
        final boolean immutableIds;
        final String latestSupportedTlsVersion;
        volatile boolean reauthorizationRequired;

        public Subscription(String id, String resource, String changeType, Set<String> changeTypes, String notificationUrl,
                String lifecycleNotificationUrl, String clientState, Instant expiration, String applicationId,
                String creatorId, String creatorUpn, String tenantId, String mailbox, String ownerId, String folderId,
                boolean events, boolean immutableIds, String latestSupportedTlsVersion) {
            this.id = id;
            this.resource = resource;
            this.changeType = changeType;
            this.changeTypes = Set.copyOf(changeTypes);
            this.notificationUrl = notificationUrl;
            this.lifecycleNotificationUrl = lifecycleNotificationUrl;
            this.clientState = clientState;
            this.expiration = expiration;
            this.applicationId = applicationId;
            this.creatorId = creatorId;
            this.creatorUpn = creatorUpn.toLowerCase(Locale.ROOT);
            this.tenantId = tenantId;
            this.mailbox = mailbox.toLowerCase(Locale.ROOT);
            this.ownerId = ownerId;
            this.folderId = folderId;
            this.events = events;
            this.immutableIds = immutableIds;
            this.latestSupportedTlsVersion = latestSupportedTlsVersion;
        }

        public String id() {
            return id;
        }

        public String creatorId() {
            return creatorId;
        }

        public String applicationId() {
            return applicationId;
        }

        public String mailbox() {
            return mailbox;
        }

        public String notificationUrl() {
            return notificationUrl;
        }

        public String lifecycleNotificationUrl() {
            return lifecycleNotificationUrl;
        }

        public Instant expiration() {
            return expiration;
        }

        boolean expired(Instant now) {
            return !now.isBefore(expiration);
        }

        /** As Graph answers a subscription (create, get, list, update). */
        public ObjectNode toJson() {
            ObjectNode out = Json.object();
            out.put("id", id);
            out.put("resource", resource);
            out.put("applicationId", applicationId);
            out.put("changeType", changeType);
            if (clientState == null) {
                out.putNull("clientState");
            } else {
                out.put("clientState", clientState);
            }
            out.put("notificationUrl", notificationUrl);
            out.putNull("notificationQueryOptions");
            if (lifecycleNotificationUrl == null) {
                out.putNull("lifecycleNotificationUrl");
            } else {
                out.put("lifecycleNotificationUrl", lifecycleNotificationUrl);
            }
            out.put("expirationDateTime", GRAPH_TIME.format(expiration));
            out.put("creatorId", creatorId);
            out.put("includeResourceData", false);
            out.put("latestSupportedTlsVersion", latestSupportedTlsVersion);
            out.putNull("encryptionCertificate");
            out.putNull("encryptionCertificateId");
            out.putNull("notificationUrlAppId");
            return out;
        }

        /** For {@code GET /_emulator/push}: no clientState. */
        ObjectNode summary() {
            ObjectNode out = Json.object();
            out.put("id", id);
            out.put("creator", creatorUpn);
            out.put("mailbox", mailbox);
            out.put("resource", resource);
            out.put("changeType", changeType);
            out.put("notificationUrl", notificationUrl);
            if (lifecycleNotificationUrl == null) {
                out.putNull("lifecycleNotificationUrl");
            } else {
                out.put("lifecycleNotificationUrl", lifecycleNotificationUrl);
            }
            out.put("expirationDateTime", GRAPH_TIME.format(expiration));
            out.put("reauthorizationRequired", reauthorizationRequired);
            return out;
        }
    }

    /** What {@code POST /_emulator/push/lifecycle} did. */
    public record LifecycleResult(List<String> notified, List<String> skipped, List<String> removed) {
    }

    private final class Batch {
        final PushKind kind;
        final String url;
        final List<ObjectNode> items = new ArrayList<>();
        boolean scheduled;

        Batch(PushKind kind, String url) {
            this.kind = kind;
            this.url = url;
        }
    }

    private final Vertx vertx;
    private final PushControl control;
    private final Deliverer deliverer;
    private final ConcurrentHashMap<String, Subscription> subscriptions = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Batch> batches = new ConcurrentHashMap<>();

    GraphPush(Vertx vertx, PushControl control, Deliverer deliverer) {
        this.vertx = vertx;
        this.control = control;
        this.deliverer = deliverer;
    }

    // ---------------------------------------------------------------- the subscription store

    public void add(Subscription s) {
        subscriptions.put(s.id, s);
    }

    /** A live subscription. */
    public Optional<Subscription> get(String id) {
        purgeExpired();
        return Optional.ofNullable(subscriptions.get(id));
    }

    public boolean remove(String id) {
        return subscriptions.remove(id) != null;
    }

    /** Live subscriptions matching {@code filter}, oldest expiry first. */
    public List<Subscription> list(Predicate<Subscription> filter) {
        purgeExpired();
        return subscriptions.values().stream().filter(filter)
                .sorted(Comparator.comparing((Subscription s) -> s.expiration).thenComparing(s -> s.id)).toList();
    }

    /** Live subscriptions on a mailbox (Graph allows 1,000 per mailbox for all apps). */
    public long countOnMailbox(String address) {
        String key = address.toLowerCase(Locale.ROOT);
        return list(s -> s.mailbox.equals(key)).size();
    }

    /** Renews (and reauthorizes) a subscription; optionally moves its notification URL. */
    public void renew(Subscription s, Instant expiration, String notificationUrl) {
        s.expiration = expiration;
        s.reauthorizationRequired = false;
        if (notificationUrl != null) {
            s.notificationUrl = notificationUrl;
        }
    }

    public void reauthorize(Subscription s) {
        s.reauthorizationRequired = false;
    }

    private void purgeExpired() {
        Instant now = Instant.now();
        subscriptions.values().removeIf(s -> s.expired(now));
    }

    // ---------------------------------------------------------------- change notifications

    /** A message of {@code address}'s mailbox changed (under the mailbox's monitor: only schedule). */
    void messageChanged(String address, GraphMailbox.Change change) {
        if (subscriptions.isEmpty()) {
            return;
        }
        Instant now = Instant.now();
        for (Subscription s : subscriptions.values()) {
            if (s.events || !s.mailbox.equals(address)) {
                continue;
            }
            if (s.expired(now)) {
                subscriptions.remove(s.id, s);
                continue;
            }
            String current = s.immutableIds ? change.immutableId() : change.regularId();
            if (s.folderId == null) {
                String type = switch (change.kind()) {
                    case CREATED -> "created";
                    case UPDATED, MOVED -> "updated";
                    case DELETED -> "deleted";
                };
                notifyChange(s, type, current, change.sequence());
            } else if (change.kind() == GraphMailbox.Change.Kind.MOVED) {
                // A move leaves one folder and enters another: a folder subscription sees a delete or a create.
                if (s.folderId.equals(change.previousFolderId())) {
                    String previous = s.immutableIds ? change.immutableId() : change.previousRegularId();
                    notifyChange(s, "deleted", previous, change.sequence());
                } else if (s.folderId.equals(change.folderId())) {
                    notifyChange(s, "created", current, change.sequence());
                }
            } else if (s.folderId.equals(change.folderId())) {
                notifyChange(s, change.kind().name().toLowerCase(Locale.ROOT), current, change.sequence());
            }
        }
    }

    /** An event of {@code upn}'s calendar changed (under the calendar's monitor: only schedule). */
    void eventChanged(String upn, GraphCalendar.Change change) {
        if (subscriptions.isEmpty()) {
            return;
        }
        Instant now = Instant.now();
        for (Subscription s : subscriptions.values()) {
            if (!s.events || !s.mailbox.equals(upn)) {
                continue;
            }
            if (s.expired(now)) {
                subscriptions.remove(s.id, s);
                continue;
            }
            notifyEvent(s, change);
        }
    }

    private void notifyEvent(Subscription s, GraphCalendar.Change change) {
        if (s.changeTypes.contains(change.changeType())) {
            enqueue(PushKind.GRAPH, s.notificationUrl, item(s, change.changeType(), "Events", "#Microsoft.Graph.Event",
                    change.id(), "W/\"" + change.changeKey() + "\""));
        }
    }

    private void notifyChange(Subscription s, String changeType, String id, long sequence) {
        if (s.changeTypes.contains(changeType)) {
            enqueue(PushKind.GRAPH, s.notificationUrl, item(s, changeType, "Messages", "#Microsoft.Graph.Message", id,
                    "W/\"CQAAABYAAAA" + Long.toString(sequence, 36) + "\""));
        }
    }

    private static ObjectNode item(Subscription s, String changeType, String collection, String odataType, String id,
            String etag) {
        String resource = "Users/" + s.ownerId + "/" + collection + "/" + id;
        ObjectNode item = Json.object();
        item.put("subscriptionId", s.id);
        item.put("subscriptionExpirationDateTime", GRAPH_TIME.format(s.expiration));
        item.put("changeType", changeType);
        item.put("resource", resource);
        ObjectNode data = item.putObject("resourceData");
        data.put("@odata.type", odataType);
        data.put("@odata.id", resource);
        data.put("@odata.etag", etag);
        data.put("id", id);
        putClientState(item, s);
        item.put("tenantId", s.tenantId);
        return item;
    }

    private static void putClientState(ObjectNode item, Subscription s) {
        if (s.clientState == null) {
            item.putNull("clientState");
        } else {
            item.put("clientState", s.clientState);
        }
    }

    private void enqueue(PushKind kind, String url, ObjectNode item) {
        if (control.lose(kind)) {
            return;
        }
        String key = kind.key() + " " + url;
        Batch batch = batches.computeIfAbsent(key, k -> new Batch(kind, url));
        synchronized (batch) {
            batch.items.add(item);
            if (!batch.scheduled) {
                batch.scheduled = true;
                vertx.setTimer(BATCH_WINDOW_MS, id -> flush(key, batch));
            }
        }
    }

    private void flush(String key, Batch batch) {
        List<ObjectNode> items;
        synchronized (batch) {
            items = new ArrayList<>(batch.items);
            batch.items.clear();
            batch.scheduled = false;
        }
        if (batches.get(key) != batch) {
            return; // reset since
        }
        for (int from = 0; from < items.size(); from += MAX_BATCH) {
            ObjectNode body = Json.object();
            ArrayNode value = body.putArray("value");
            items.subList(from, Math.min(items.size(), from + MAX_BATCH)).forEach(value::add);
            deliverer.deliver(new Deliverer.Request(batch.kind, batch.url,
                    Map.of("Content-Type", "application/json; charset=utf-8"), Json.write(body), PUSH_TIMEOUT_MS));
        }
    }

    // ---------------------------------------------------------------- lifecycle notifications

    /**
     * Sends {@code lifecycleEvent} to the subscriptions matching {@code subscriptionId} and/or {@code user} (creator
     * UPN or id, or the watched mailbox's address; both null = every subscription). {@code reauthorizationRequired}
     * marks them until reauthorized or renewed; {@code subscriptionRemoved} also deletes them (those without a
     * lifecycle URL are removed silently, listed as skipped).
     */
    public LifecycleResult lifecycle(String subscriptionId, String user, String lifecycleEvent) {
        return lifecycle(list(s -> (subscriptionId == null || s.id.equals(subscriptionId))
                && (user == null || s.creatorUpn.equalsIgnoreCase(user) || s.creatorId.equalsIgnoreCase(user)
                        || s.mailbox.equalsIgnoreCase(user))), lifecycleEvent);
    }

    private LifecycleResult lifecycle(List<Subscription> matching, String lifecycleEvent) {
        List<String> notified = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        for (Subscription s : matching) {
            if (s.lifecycleNotificationUrl == null) {
                skipped.add(s.id);
            } else {
                ObjectNode item = Json.object();
                item.put("subscriptionId", s.id);
                item.put("subscriptionExpirationDateTime", GRAPH_TIME.format(s.expiration));
                item.put("tenantId", s.tenantId);
                putClientState(item, s);
                item.put("lifecycleEvent", lifecycleEvent);
                enqueue(PushKind.LIFECYCLE, s.lifecycleNotificationUrl, item);
                notified.add(s.id);
            }
            switch (lifecycleEvent) {
                case "reauthorizationRequired" -> s.reauthorizationRequired = true;
                case "subscriptionRemoved" -> {
                    if (subscriptions.remove(s.id, s)) {
                        removed.add(s.id);
                    }
                }
                default -> {
                }
            }
        }
        return new LifecycleResult(notified, skipped, removed);
    }

    /** Removes every subscription a user created, with {@code subscriptionRemoved}; the number removed. */
    int revokeUser(String upn) {
        return lifecycle(list(s -> s.creatorUpn.equalsIgnoreCase(upn)), "subscriptionRemoved").removed().size();
    }

    ArrayNode subscriptionsJson() {
        ArrayNode out = Json.array();
        list(s -> true).forEach(s -> out.add(s.summary()));
        return out;
    }

    void clear() {
        subscriptions.clear();
        batches.clear();
    }
}
