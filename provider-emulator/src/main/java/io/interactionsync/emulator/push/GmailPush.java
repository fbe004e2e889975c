package io.interactionsync.emulator.push;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interactionsync.emulator.EmulatorContext;
import io.interactionsync.emulator.http.BadRequestException;
import io.interactionsync.emulator.http.Json;
import io.interactionsync.emulator.store.GoogleUser;
import io.interactionsync.emulator.store.HistoryRecord;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.jose4j.jwt.JwtClaims;

/**
 * Gmail {@code users.watch} and the Cloud Pub/Sub push delivery behind it. A watched mailbox's new history records
 * publish {@code {"emailAddress","historyId"}} to the watch's topic, at most once a second per user (a burst gives
 * one notification at once and one trailing one with the latest history id); each push subscription of the topic
 * gets a POST with Pub/Sub's push body and, when it has an {@code oidcToken}, a Google-signed OIDC token. A message
 * for a topic without subscriptions is dropped (counted).
 */
public final class GmailPush {

    static final Pattern TOPIC = Pattern.compile("projects/([^/]+)/topics/([^/]+)");
    private static final Pattern SUBSCRIPTION_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9._~+%-]{2,254}");
    private static final long MIN_INTERVAL_MS = 1_000;
    private static final long PUSH_TIMEOUT_MS = 10_000;

    /** A user's watch: topic, label filter, expiry (epoch ms). */
    public record Watch(String email, String topicName, Set<String> labelIds, boolean exclude, long expiresAt) {

        boolean expired(long now) {
            return now >= expiresAt;
        }

        /** Include (default): the change touches one of the labels; exclude: the message carries none of them. */
        boolean matches(HistoryRecord r) {
            if (labelIds.isEmpty()) {
                return true;
            }
            boolean touches = r.messageLabels().stream().anyMatch(labelIds::contains)
                    || r.changedLabels().stream().anyMatch(labelIds::contains);
            return exclude ? r.messageLabels().stream().noneMatch(labelIds::contains) : touches;
        }
    }

    /** A Pub/Sub push subscription (project from its topic). */
    public record Subscription(String name, String project, String topic, String pushEndpoint, String serviceAccountEmail,
            String audience) {

        String fullName() {
            return "projects/" + project + "/subscriptions/" + name;
        }

        /** As Pub/Sub's REST API shows a subscription. */
        ObjectNode toJson() {
            ObjectNode out = Json.object();
            out.put("name", fullName());
            out.put("topic", topic);
            ObjectNode push = out.putObject("pushConfig");
            push.put("pushEndpoint", pushEndpoint);
            if (serviceAccountEmail != null) {
                push.putObject("oidcToken").put("serviceAccountEmail", serviceAccountEmail).put("audience", audience);
            }
            out.put("ackDeadlineSeconds", 10);
            return out;
        }
    }

    /** Coalescing state of one user: the latest history id not yet sent, when the last notification went out. */
    private static final class Pending {
        long latest;
        long lastSentAt = Long.MIN_VALUE / 2;
        boolean scheduled;
    }

    private final EmulatorContext ctx;
    private final Vertx vertx;
    private final PushControl control;
    private final Deliverer deliverer;
    private final ConcurrentHashMap<String, Watch> watches = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Subscription> subscriptions = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicLong messageIds = new AtomicLong(4_000_000_000_000_000L);

    GmailPush(EmulatorContext ctx, Vertx vertx, PushControl control, Deliverer deliverer) {
        this.ctx = ctx;
        this.vertx = vertx;
        this.control = control;
        this.deliverer = deliverer;
    }

    // ---------------------------------------------------------------- users.watch / users.stop

    /**
     * Starts (or replaces) the user's watch. {@code labelFilterBehavior} is {@code include} (default) or
     * {@code exclude}; throws {@link BadRequestException} for anything else.
     */
    public Watch watch(GoogleUser user, String topicName, List<String> labelIds, String labelFilterBehavior) {
        boolean exclude;
        String behavior = labelFilterBehavior == null ? "include" : labelFilterBehavior.toLowerCase(Locale.ROOT);
        switch (behavior) {
            case "include" -> exclude = false;
            case "exclude" -> exclude = true;
            default -> throw new BadRequestException("Invalid value for labelFilterBehavior: " + labelFilterBehavior);
        }
        long ttl = ctx.config().get().gmailWatchTtlSeconds();
        Watch watch = new Watch(user.email(), topicName, Set.copyOf(labelIds), exclude,
                System.currentTimeMillis() + ttl * 1000);
        watches.put(user.email(), watch);
        return watch;
    }

    /** users.stop: true when a watch was running. */
    public boolean stop(String email) {
        return watches.remove(email.toLowerCase(Locale.ROOT)) != null;
    }

    /** A new history record of {@code email}'s mailbox (under the mailbox's monitor: only record and schedule). */
    void changed(String email, HistoryRecord record) {
        Watch watch = watches.get(email);
        if (watch == null) {
            return;
        }
        if (watch.expired(System.currentTimeMillis())) {
            watches.remove(email, watch);
            return;
        }
        if (!watch.matches(record)) {
            return;
        }
        Pending p = pending.computeIfAbsent(email, k -> new Pending());
        synchronized (p) {
            p.latest = Math.max(p.latest, record.id());
            if (p.scheduled) {
                control.count(PushKind.GMAIL, "coalesced");
                return;
            }
            p.scheduled = true;
            long wait = p.lastSentAt + MIN_INTERVAL_MS - System.currentTimeMillis();
            vertx.setTimer(Math.max(1, wait), id -> fire(email, p));
        }
    }

    private void fire(String email, Pending p) {
        long historyId;
        synchronized (p) {
            p.scheduled = false;
            p.lastSentAt = System.currentTimeMillis();
            historyId = p.latest;
        }
        if (pending.get(email) != p) {
            return; // reset since
        }
        Watch watch = watches.get(email);
        if (watch == null || watch.expired(System.currentTimeMillis())) {
            return;
        }
        publish(watch.topicName(), email, historyId);
    }

    /** Publishes a Gmail notification to {@code topic} and pushes it to every subscription of the topic. */
    private void publish(String topic, String email, long historyId) {
        if (control.lose(PushKind.GMAIL)) {
            return;
        }
        control.count(PushKind.GMAIL, "published");
        List<Subscription> targets = subscriptions.values().stream().filter(s -> s.topic().equals(topic)).toList();
        if (targets.isEmpty()) {
            control.count(PushKind.GMAIL, "droppedNoSubscription");
            return;
        }
        ObjectNode data = Json.object().put("emailAddress", email).put("historyId", historyId);
        String encoded = Base64.getEncoder().encodeToString(Json.write(data).getBytes(StandardCharsets.UTF_8));
        String messageId = Long.toString(messageIds.incrementAndGet());
        String publishTime = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
        for (Subscription s : targets) {
            ObjectNode body = Json.object();
            ObjectNode message = body.putObject("message");
            message.put("data", encoded);
            message.put("messageId", messageId);
            message.put("message_id", messageId);
            message.put("publishTime", publishTime);
            message.put("publish_time", publishTime);
            message.putObject("attributes");
            body.put("subscription", s.fullName());
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Content-Type", "application/json");
            headers.put("User-Agent", Deliverer.GOOGLE_AGENT);
            if (s.serviceAccountEmail() != null) {
                headers.put("Authorization", "Bearer " + oidcToken(s));
            }
            deliverer.deliver(new Deliverer.Request(PushKind.GMAIL, s.pushEndpoint(), headers, Json.write(body),
                    PUSH_TIMEOUT_MS));
        }
    }

    /** The OIDC token Pub/Sub sends with an authenticated push, signed with the emulator's Google key. */
    private String oidcToken(Subscription s) {
        String sub = GoogleUser.subjectFor(s.serviceAccountEmail());
        JwtClaims claims = new JwtClaims();
        claims.setIssuer("https://accounts.google.com");
        claims.setAudience(s.audience());
        claims.setClaim("azp", sub);
        claims.setSubject(sub);
        claims.setClaim("email", s.serviceAccountEmail());
        claims.setClaim("email_verified", true);
        claims.setIssuedAtToNow();
        claims.setExpirationTimeMinutesInTheFuture(60);
        return ctx.googleSigner().sign(claims);
    }

    // ---------------------------------------------------------------- Pub/Sub push subscriptions (control API)

    /**
     * Creates or replaces a push subscription from {@code {topic, pushEndpoint, oidcToken: {serviceAccountEmail,
     * audience}}} (or Pub/Sub's own {@code {topic, pushConfig: {pushEndpoint, oidcToken}}}); the audience defaults to
     * the push endpoint. Returns true when it was created.
     */
    boolean putSubscription(String name, JsonNode body) {
        if (name == null || !SUBSCRIPTION_NAME.matcher(name).matches() || name.startsWith("goog")) {
            throw new BadRequestException("subscription name must be 3-255 characters: a letter, then letters, digits, . _ ~ + % -");
        }
        if (body == null || !body.isObject()) {
            throw new BadRequestException("body must be {topic, pushEndpoint, oidcToken: {serviceAccountEmail, audience}}");
        }
        String topic = body.path("topic").asText("");
        var matcher = TOPIC.matcher(topic);
        if (!matcher.matches()) {
            throw new BadRequestException("topic must be projects/{project}/topics/{topic}");
        }
        JsonNode config = body.has("pushConfig") ? body.get("pushConfig") : body;
        String endpoint = config.path("pushEndpoint").asText("");
        if (!Deliverer.isHttpUrl(endpoint)) {
            throw new BadRequestException("pushEndpoint must be an absolute http(s) URL");
        }
        JsonNode oidc = config.path("oidcToken");
        String serviceAccount = null;
        String audience = null;
        if (!oidc.isMissingNode() && !oidc.isNull()) {
            serviceAccount = oidc.path("serviceAccountEmail").asText("");
            if (!serviceAccount.matches("[^@\\s]+@[^@\\s]+")) {
                throw new BadRequestException("oidcToken.serviceAccountEmail must be an email address");
            }
            audience = oidc.hasNonNull("audience") && !oidc.get("audience").asText().isBlank()
                    ? oidc.get("audience").asText() : endpoint;
        }
        Subscription subscription = new Subscription(name, matcher.group(1), topic, endpoint, serviceAccount, audience);
        return subscriptions.put(name, subscription) == null;
    }

    ObjectNode subscriptionJson(String name) {
        return subscriptions.get(name).toJson();
    }

    boolean deleteSubscription(String name) {
        return subscriptions.remove(name) != null;
    }

    ArrayNode subscriptionsJson() {
        ArrayNode out = Json.array();
        subscriptions.values().stream().sorted(Comparator.comparing(Subscription::name)).forEach(s -> out.add(s.toJson()));
        return out;
    }

    /** Active watches for {@code GET /_emulator/push}. */
    ArrayNode watchesJson() {
        long now = System.currentTimeMillis();
        watches.values().removeIf(w -> w.expired(now));
        List<Watch> list = new ArrayList<>(watches.values());
        list.sort(Comparator.comparing(Watch::email));
        ArrayNode out = Json.array();
        for (Watch w : list) {
            ObjectNode o = out.addObject();
            o.put("user", w.email());
            o.put("topicName", w.topicName());
            ArrayNode labels = o.putArray("labelIds");
            w.labelIds().stream().sorted().forEach(labels::add);
            o.put("labelFilterBehavior", w.exclude() ? "exclude" : "include");
            o.put("expiration", Long.toString(w.expiresAt()));
        }
        return out;
    }

    void clear() {
        watches.clear();
        subscriptions.clear();
        pending.clear();
    }
}
