package io.interactionsync.microsoftsync.push;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.microsoftsync.config.MicrosoftSyncConfig;
import io.interactionsync.microsoftsync.graph.GraphApi;
import io.interactionsync.microsoftsync.graph.GraphCallException;
import io.interactionsync.microsoftsync.graph.GraphClients;
import io.interactionsync.microsoftsync.graph.GraphGateway;
import io.interactionsync.microsoftsync.graph.MailboxThrottle;
import io.interactionsync.microsoftsync.metrics.SyncMetrics;
import io.interactionsync.microsoftsync.repository.SharedMailboxRepository;
import io.interactionsync.model.LogSafe;
import io.interactionsync.model.PushHealth;
import io.interactionsync.model.Source;
import io.interactionsync.model.SyncRequest;
import io.interactionsync.sync.connector.AccessTokenHolder;
import io.interactionsync.sync.connector.ConnectorClient;
import io.interactionsync.sync.push.PushChannel;
import io.interactionsync.sync.push.PushChannelRepository;
import io.interactionsync.sync.push.PushHealthReader;
import io.interactionsync.sync.push.PushNotifications;
import io.interactionsync.sync.push.PushProvider;
import io.interactionsync.sync.push.PushSecrets;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Graph subscriptions (change notifications) of this service, created and renewed by the account's sync job at the
 * end of a successful run (it holds the lease and the token), never failing the sync: a refusal is recorded on the
 * channel ({@code failed}, {@code lastError}) and tried again {@code push.retry-failed-after} later, while the
 * safety-net poll keeps the source fresh.
 * <ul>
 *   <li>Per account: {@code me/messages} ({@code outlook_mail}, every folder) and {@code me/events}
 *       ({@code outlook_calendar}); per shared mailbox one {@code users/{address}/messages}, owned by the subscriber
 *       whose job read it when it had none (the mailbox is read once for all subscribers, so one subscription is
 *       enough); the owner renews it even when another subscriber's job read the mailbox. An owner that lost access,
 *       stopped, or left hands it over to the next reader.</li>
 *   <li>Changes created, updated, deleted, without resource data: a notification only queues the delta run.</li>
 *   <li>A fresh {@link PushSecrets} clientState per subscription; only its hash is stored.</li>
 *   <li>{@code expirationDateTime} = now + {@code push.subscription-lifetime}; renewed with a PATCH
 *       {@code push.renew-before} the expiry (which also reauthorizes it); a 404 creates it again.</li>
 * </ul>
 * Also the service's {@link PushProvider}: {@code DELETE /subscriptions/{id}} when the account is disconnecting.
 */
@ApplicationScoped
public class GraphSubscriptions implements PushProvider {

    /** The notification endpoints, relative to {@code push.public-base-url}. */
    public static final String NOTIFICATIONS_PATH = "/push/graph";
    public static final String LIFECYCLE_PATH = "/push/graph/lifecycle";

    private final PushChannelRepository channels;
    private final PushHealthReader health;
    private final PushNotifications notifications;
    private final SharedMailboxRepository sharedMailboxes;
    private final ConnectorClient connector;
    private final GraphClients clients;
    private final GraphApi api;
    private final MailboxThrottle throttle;
    private final SyncMetrics metrics;
    private final MicrosoftSyncConfig config;
    private final Clock clock = Clock.systemUTC();

    public GraphSubscriptions(PushChannelRepository channels, PushHealthReader health, PushNotifications notifications,
                              SharedMailboxRepository sharedMailboxes, ConnectorClient connector, GraphClients clients,
                              GraphApi api, MailboxThrottle throttle, SyncMetrics metrics, MicrosoftSyncConfig config) {
        this.channels = channels;
        this.health = health;
        this.notifications = notifications;
        this.sharedMailboxes = sharedMailboxes;
        this.connector = connector;
        this.clients = clients;
        this.api = api;
        this.throttle = throttle;
        this.metrics = metrics;
        this.config = config;
    }

    /** The Graph resource of a source (and shared mailbox, else null). */
    public static String resource(Source source, String sharedMailbox) {
        if (source == Source.OUTLOOK_CALENDAR) {
            return "me/events";
        }
        return sharedMailbox == null ? "me/messages" : "users/" + sharedMailbox.toLowerCase(Locale.ROOT) + "/messages";
    }

    public boolean enabled() {
        return config.push().enabled();
    }

    /** The push health a status of the account's own mailbox or calendar carries. */
    public PushHealth health(String accountId, Source source) {
        return health.health(accountId, source, PushChannel.OWN_MAILBOX);
    }

    /**
     * A shared mailbox's push health for one of its subscribers: that of the one subscription of the mailbox,
     * whichever subscriber owns it.
     */
    public PushHealth sharedHealth(String address) {
        if (!enabled()) {
            return new PushHealth(PushHealth.State.OFF, null, null, null);
        }
        return channels.byResource(Source.OUTLOOK_MAIL, resource(Source.OUTLOOK_MAIL, address)).stream()
                .filter(ch -> ch.state() != PushChannel.State.STOPPED).findFirst()
                .map(ch -> ch.health(clock.instant(), config.push().silentAfter()))
                .orElse(new PushHealth(PushHealth.State.PENDING, null, null, null));
    }

    /**
     * The account's own subscription of {@code source} after a successful run: created when missing or failed (its
     * retry time reached), renewed when due. Returns the source's push health.
     */
    public PushHealth ensure(GraphGateway graph, String accountId, Source source) throws InterruptedException {
        if (!enabled()) {
            return health(accountId, source);
        }
        Optional<PushChannel> current = channels.find(accountId, source, PushChannel.OWN_MAILBOX);
        if (due(current.orElse(null))) {
            renewOrCreate(graph, accountId, source, PushChannel.OWN_MAILBOX, resource(source, null), current.orElse(null));
        }
        return health(accountId, source);
    }

    /**
     * A shared mailbox's subscription, from a subscriber's job: the owner renews its own (whether or not this job
     * read the mailbox); a job that read it ({@code reading}, holding the mailbox's lease) creates it when no valid
     * subscriber owns one. Returns the mailbox's push health.
     */
    public PushHealth ensureShared(GraphGateway graph, String accountId, String address, boolean reading)
            throws InterruptedException {
        if (!enabled()) {
            return sharedHealth(address);
        }
        String mailbox = address.toLowerCase(Locale.ROOT);
        String resource = resource(Source.OUTLOOK_MAIL, mailbox);
        List<PushChannel> all = channels.byResource(Source.OUTLOOK_MAIL, resource);
        Optional<PushChannel> mine = all.stream().filter(ch -> ch.accountId().equals(accountId)).findFirst();
        if (mine.isPresent()) {
            if (due(mine.get())) {
                renewOrCreate(graph, accountId, Source.OUTLOOK_MAIL, mailbox, resource, mine.get());
            }
            return sharedHealth(mailbox);
        }
        if (!reading || all.stream().anyMatch(ch -> validOwner(ch, mailbox))) {
            return sharedHealth(mailbox);
        }
        for (PushChannel stale : all) {
            channels.delete(stale.accountId(), Source.OUTLOOK_MAIL, mailbox);
        }
        if (!all.isEmpty()) {
            metrics.pushRenewal(Source.OUTLOOK_MAIL, "taken_over");
            Log.infof("account %s takes over the subscription of shared mailbox %s (its owner stopped, left or lost access)",
                    accountId, LogSafe.hash(mailbox));
        }
        renewOrCreate(graph, accountId, Source.OUTLOOK_MAIL, mailbox, resource, null);
        return sharedHealth(mailbox);
    }

    /**
     * The account may no longer read the shared mailbox (access denied) or left it: its subscription of the mailbox,
     * if it owns it, is deleted at Graph (best effort) and forgotten; another subscriber's job takes over, and one is
     * queued now so that the mailbox is not left to the safety net.
     */
    public void dropShared(GraphGateway graph, String accountId, String address, String why) throws InterruptedException {
        String mailbox = address.toLowerCase(Locale.ROOT);
        Optional<PushChannel> mine = channels.find(accountId, Source.OUTLOOK_MAIL, mailbox);
        if (mine.isEmpty()) {
            return;
        }
        PushChannel ch = mine.get();
        if (graph != null && ch.channelId() != null && ch.state() != PushChannel.State.STOPPED) {
            try {
                graph.deleteSubscription(GraphGateway.Kind.MAIL, ch.channelId());
            } catch (RuntimeException e) {
                Log.warnf("account %s: subscription of shared mailbox %s not deleted at Graph (%s); it expires %s",
                        accountId, LogSafe.hash(mailbox), LogSafe.redact(String.valueOf(e.getMessage())), ch.expiresAt());
            }
        }
        channels.delete(accountId, Source.OUTLOOK_MAIL, mailbox);
        Log.infof("account %s: subscription of shared mailbox %s dropped (%s)", accountId, LogSafe.hash(mailbox), why);
        handOver(mailbox, accountId);
    }

    /**
     * {@code shared_mailbox_removed} for the account: its subscription of the mailbox, if any, ends (with the account's
     * token from the connector; without one it only expires).
     */
    public void leftShared(String accountId, String address) {
        if (channels.find(accountId, Source.OUTLOOK_MAIL, address.toLowerCase(Locale.ROOT)).isEmpty()) {
            return;
        }
        GraphGateway graph = null;
        try {
            graph = gateway(new AccessTokenHolder(connector, connector.accessToken(accountId), clock),
                    address.toLowerCase(Locale.ROOT), true);
        } catch (RuntimeException e) {
            Log.warnf("account %s: no token to delete a shared mailbox's subscription (%s); it expires on its own",
                    accountId, LogSafe.redact(String.valueOf(e.getMessage())));
        }
        try {
            dropShared(graph, accountId, address, "the account left the shared mailbox");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Queues a sync of another subscriber of the mailbox, whose job then creates the mailbox's subscription. */
    public void handOver(String address, String fromAccountId) {
        sharedMailboxes.subscribers(address).stream().filter(a -> !a.equals(fromAccountId))
                .filter(a -> !"denied".equals(sharedMailboxes.access(address, a).orElse(null)))
                .findFirst()
                .ifPresent(next -> notifications.requestRun(next, EnumSet.of(Source.OUTLOOK_MAIL), SyncRequest.Reason.PUSH));
    }

    /** A sync run of the account's source completed: the safety-net poll counts from now. */
    public void checked(String accountId, Source source) {
        if (enabled()) {
            channels.checked(accountId, source, clock.instant());
        }
    }

    @Override
    public void stop(PushChannel channel, AccessTokenHolder tokens) throws Exception {
        GraphGateway graph = gateway(tokens, channel.ownMailbox() ? tokens.account().email() : channel.mailbox(),
                !channel.ownMailbox());
        GraphGateway.Kind kind = channel.source() == Source.OUTLOOK_CALENDAR ? GraphGateway.Kind.CALENDAR
                : GraphGateway.Kind.MAIL;
        if (!graph.deleteSubscription(kind, channel.channelId())) {
            Log.debugf("account %s: %s subscription was already gone", channel.accountId(), channel.source().wireName());
        }
    }

    // ---------------------------------------------------------------------------------------------------- internals

    /**
     * Whether the job should create or renew now: missing, due, or failed with its retry time reached. Never a stopped
     * one: the account is being disconnected (a job finishing meanwhile must not subscribe again).
     */
    private boolean due(PushChannel ch) {
        Instant now = clock.instant();
        if (ch == null) {
            return true;
        }
        if (ch.state() == PushChannel.State.STOPPED) {
            return false;
        }
        if (ch.state() == PushChannel.State.FAILED && ch.renewAt() != null && ch.renewAt().isAfter(now)) {
            return false; // retried at renew_at, not by every push-triggered run in between
        }
        return ch.needsRenewal(now);
    }

    /** Another subscriber's subscription that this job must leave alone: live, and its owner still reads the mailbox. */
    private boolean validOwner(PushChannel ch, String mailbox) {
        return ch.state() != PushChannel.State.STOPPED && sharedMailboxes.subscribers(mailbox).contains(ch.accountId())
                && !"denied".equals(sharedMailboxes.access(mailbox, ch.accountId()).orElse(null));
    }

    private void renewOrCreate(GraphGateway graph, String accountId, Source source, String mailbox, String resource,
                               PushChannel current) throws InterruptedException {
        GraphGateway.Kind kind = source == Source.OUTLOOK_CALENDAR ? GraphGateway.Kind.CALENDAR : GraphGateway.Kind.MAIL;
        String which = label(source, mailbox);
        Instant now = clock.instant();
        Instant asked = now.plus(config.push().subscriptionLifetime());
        String step = "created";
        try {
            if (current != null && current.channelId() != null && current.state() != PushChannel.State.STOPPED
                    && current.expiresAt() != null && current.expiresAt().isAfter(now)) {
                step = "renewed";
                JsonNode renewed = graph.renewSubscription(kind, current.channelId(), asked);
                if (renewed != null) {
                    Instant expires = expiry(renewed, asked);
                    channels.save(PushChannel.active(accountId, source, mailbox, current.channelId(), resource,
                            current.secretHash(), expires, renewAt(now, expires), now));
                    metrics.pushRenewal(source, "renewed");
                    Log.infof("account %s: %s subscription renewed until %s", accountId, which, expires);
                    return;
                }
                Log.infof("account %s: %s subscription no longer exists at Graph (404 on renewal): created again",
                        accountId, which);
                step = "created";
            }
            String secret = PushSecrets.newSecret();
            String base = config.push().publicBaseUrl();
            JsonNode created = graph.createSubscription(kind, resource, base + NOTIFICATIONS_PATH, base + LIFECYCLE_PATH,
                    asked, secret);
            String id = created.path("id").asText("");
            if (id.isBlank()) {
                throw new GraphCallException("bad_response", 0, "Graph created a subscription without an id");
            }
            Instant expires = expiry(created, asked);
            channels.save(PushChannel.active(accountId, source, mailbox, id, resource, PushSecrets.hash(secret), expires,
                    renewAt(now, expires), now));
            metrics.pushRenewal(source, current == null ? "created" : "recreated");
            Log.infof("account %s: %s subscription created, expires %s", accountId, which, expires);
            Log.debugf("account %s: %s subscription id %s", accountId, which, id);
        } catch (ConnectorClient.ReauthRequiredException | ConnectorClient.AccountGoneException e) {
            throw e; // the account's problem, not push's: the job ends as for any other call
        } catch (RuntimeException e) {
            String error = "subscription not " + step + ": " + describe(e);
            Instant retryAt = now.plus(config.push().retryFailedAfter());
            try {
                channels.failed(accountId, source, mailbox, error, retryAt);
            } catch (RuntimeException notSaved) {
                Log.warnf("account %s: %s subscription failure not recorded: %s", accountId, which,
                        LogSafe.redact(notSaved.getMessage()));
            }
            metrics.pushRenewal(source, "failed");
            Log.warnf("account %s: %s %s; tried again at %s, the safety net polls meanwhile", accountId, which,
                    LogSafe.redact(error), retryAt);
        }
    }

    /** What the channel's lastError says (shown in the account JSON): Graph's refusal, never an address or a secret. */
    private static String describe(RuntimeException e) {
        String message = LogSafe.redact(String.valueOf(e.getMessage()));
        if (e instanceof GraphCallException g && g.status() > 0 && message.startsWith(g.code() + ": ")) {
            message = message.substring(g.code().length() + 2); // "Graph answered 403 <Graph's code>: <its message>"
        }
        if (e instanceof GraphCallException g && g.status() == 403) {
            return message + " (Graph allows 1,000 subscriptions per mailbox; this service makes at most 2)";
        }
        return message;
    }

    private Instant renewAt(Instant now, Instant expires) {
        Instant at = expires.minus(config.push().renewBefore());
        return at.isAfter(now) ? at : now.plus(Duration.between(now, expires).dividedBy(2));
    }

    /** The expiry Graph granted (it may shorten what was asked for). */
    private static Instant expiry(JsonNode subscription, Instant asked) {
        String value = subscription.path("expirationDateTime").asText("");
        try {
            return value.isEmpty() ? asked : OffsetDateTime.parse(value).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            return asked;
        }
    }

    private static String label(Source source, String mailbox) {
        return mailbox == null || mailbox.isEmpty() ? source.wireName()
                : source.wireName() + " (shared mailbox " + LogSafe.hash(mailbox) + ")";
    }

    private GraphGateway gateway(AccessTokenHolder tokens, String mailbox, boolean shared) {
        return new GraphGateway(clients.graph(), clients.links(), api, tokens, throttle, metrics, config, clock, mailbox,
                shared);
    }
}
