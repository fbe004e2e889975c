package io.interactionsync.googlesync.push;

import com.google.api.services.calendar.model.Channel;
import com.google.api.services.gmail.model.WatchResponse;
import io.interactionsync.googlesync.client.calendar.CalendarGateway;
import io.interactionsync.googlesync.client.gmail.GmailGateway;
import io.interactionsync.googlesync.client.gmail.GmailGatewayFactory;
import io.interactionsync.googlesync.config.GoogleSyncConfig;
import io.interactionsync.googlesync.metrics.SyncMetrics;
import io.interactionsync.model.LogSafe;
import io.interactionsync.model.PushHealth;
import io.interactionsync.model.Source;
import io.interactionsync.model.SyncRequest;
import io.interactionsync.sync.connector.AccessTokenHolder;
import io.interactionsync.sync.push.PushChannel;
import io.interactionsync.sync.push.PushChannelRepository;
import io.interactionsync.sync.push.PushHealthReader;
import io.interactionsync.sync.push.PushNotifications;
import io.interactionsync.sync.push.PushSecrets;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * The push channels of an account, set up by its sync job at the end of a successful run of a source (it holds the
 * account's lease and token): the Gmail {@code users.watch} on the configured Pub/Sub topic and the Calendar
 * {@code events.watch} web_hook channel, created when missing (or failed), renewed when due. A push failure never fails
 * the sync: the row says {@code failed} and the job tries again after {@code push.retry-after}; the safety net polls
 * the source meanwhile.
 */
@ApplicationScoped
public class GooglePushChannels {

    public static final String GMAIL_PATH = "/push/gmail";
    public static final String CALENDAR_PATH = "/push/google-calendar";

    /** The reason sync-core's PushStopper records: the account is being disconnected, never set up again. */
    static final String DISCONNECTED = "account disconnected";

    private static final Duration GMAIL_WATCH_LIFETIME = Duration.ofDays(7);

    private final PushChannelRepository channels;
    private final PushHealthReader healthReader;
    private final PushNotifications notifications;
    private final GmailGatewayFactory gmailGateways;
    private final GoogleSyncConfig.Push config;
    private final SyncMetrics metrics;
    private final Clock clock = Clock.systemUTC();

    public GooglePushChannels(PushChannelRepository channels, PushHealthReader healthReader,
                              PushNotifications notifications, GmailGatewayFactory gmailGateways, GoogleSyncConfig config,
                              SyncMetrics metrics) {
        this.channels = channels;
        this.healthReader = healthReader;
        this.notifications = notifications;
        this.gmailGateways = gmailGateways;
        this.config = config.push();
        this.metrics = metrics;
    }

    /** The push health a run's statuses carry (what is stored; {@code off} when push is switched off). */
    public PushHealth health(String accountId, Source source) {
        return healthReader.health(accountId, source, PushChannel.OWN_MAILBOX);
    }

    /** {@code <public-base-url><path>}: where Google calls this service. */
    public String endpoint(String path) {
        String base = config.publicBaseUrl();
        return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path;
    }

    /** The audience the Pub/Sub push subscription puts into its OIDC token. */
    public String gmailAudience() {
        return config.gmail().audience().orElseGet(() -> endpoint(GMAIL_PATH));
    }

    /**
     * After a successful Gmail run: watches the mailbox when there is no watch (or it failed), renews it when due.
     *
     * @param historyId the cursor's historyId after the run: a watch answering a newer one means the mailbox changed
     *                  after the last history.list, which no notification will report, so one more run is queued
     * @return the health the run's final status carries
     */
    public PushHealth ensureGmail(AccessTokenHolder tokens, String historyId) throws InterruptedException {
        String accountId = tokens.account().accountId();
        if (!config.enabled()) {
            return health(accountId, Source.GMAIL);
        }
        Instant now = clock.instant();
        Optional<PushChannel> current = channels.find(accountId, Source.GMAIL, PushChannel.OWN_MAILBOX);
        if (due(current, now)) {
            String result = current.filter(ch -> ch.state() == PushChannel.State.ACTIVE).isPresent() ? "renewed" : "created";
            try {
                GmailGateway gmail = gmailGateways.create(tokens);
                String mailbox = mailbox(tokens, gmail);
                WatchResponse watch = gmail.watch(config.gmail().topic());
                Instant expires = watch.getExpiration() == null ? now.plus(GMAIL_WATCH_LIFETIME)
                        : Instant.ofEpochMilli(watch.getExpiration());
                Instant halfway = now.plus(Duration.between(now, expires).dividedBy(2));
                Instant renewAt = earliest(now.plus(config.gmail().renewEvery()), halfway);
                channels.save(PushChannel.active(accountId, Source.GMAIL, PushChannel.OWN_MAILBOX, "gmail:" + accountId,
                        mailbox, null, expires, renewAt, now));
                metrics.pushRenewal(Source.GMAIL, result);
                Log.infof("gmail push: watch %s (expires %s, renewal from %s)", result, expires, renewAt);
                if (newer(watch.getHistoryId(), historyId)) {
                    notifications.requestRun(accountId, EnumSet.of(Source.GMAIL), SyncRequest.Reason.PUSH);
                }
            } catch (RuntimeException e) {
                failed(accountId, Source.GMAIL, "watch", e, now);
            }
        }
        channels.checked(accountId, Source.GMAIL, now);
        return health(accountId, Source.GMAIL);
    }

    /**
     * After a successful Calendar run: opens a channel on the primary calendar when there is none (or it failed), and
     * replaces it when due — Calendar channels cannot be extended: a new channel (new id, new token) is opened and
     * saved, then the old one is stopped.
     */
    public PushHealth ensureCalendar(String accountId, CalendarGateway calendar) throws InterruptedException {
        if (!config.enabled()) {
            return health(accountId, Source.GOOGLE_CALENDAR);
        }
        Instant now = clock.instant();
        Optional<PushChannel> current = channels.find(accountId, Source.GOOGLE_CALENDAR, PushChannel.OWN_MAILBOX);
        if (due(current, now)) {
            String result = current.filter(ch -> ch.state() == PushChannel.State.ACTIVE).isPresent() ? "renewed" : "created";
            String channelId = UUID.randomUUID().toString();
            String secret = PushSecrets.newSecret();
            Duration ttl = config.calendar().ttl();
            boolean opened = false;
            try {
                Channel channel = calendar.watch(channelId, endpoint(CALENDAR_PATH), secret, ttl);
                Instant expires = channel.getExpiration() == null ? now.plus(ttl)
                        : Instant.ofEpochMilli(channel.getExpiration());
                Duration before = earliest(config.calendar().renewBefore(), Duration.between(now, expires).dividedBy(2));
                Instant renewAt = expires.minus(before);
                channels.save(PushChannel.active(accountId, Source.GOOGLE_CALENDAR, PushChannel.OWN_MAILBOX, channelId,
                        channel.getResourceId(), PushSecrets.hash(secret), expires, renewAt, now));
                opened = true;
                metrics.pushRenewal(Source.GOOGLE_CALENDAR, result);
                Log.infof("google_calendar push: channel %s (expires %s, replaced from %s)", result, expires, renewAt);
            } catch (RuntimeException e) {
                failed(accountId, Source.GOOGLE_CALENDAR, "events.watch", e, now);
            }
            Optional<PushChannel> old = current.filter(ch -> ch.channelId() != null && ch.state() != PushChannel.State.STOPPED);
            if (opened && old.isPresent()) {
                stopOld(calendar, old.get());
            }
        }
        channels.checked(accountId, Source.GOOGLE_CALENDAR, now);
        return health(accountId, Source.GOOGLE_CALENDAR);
    }

    /** The replaced channel would notify until it expires: stopped now (best effort; it expires on its own). */
    private void stopOld(CalendarGateway calendar, PushChannel old) throws InterruptedException {
        try {
            boolean known = calendar.stopChannel(old.channelId(), old.resourceId());
            metrics.pushStop(Source.GOOGLE_CALENDAR, known ? "stopped" : "unknown");
        } catch (RuntimeException e) {
            metrics.pushStop(Source.GOOGLE_CALENDAR, "failed");
            Log.warnf("google_calendar push: the replaced channel could not be stopped (%s); it expires %s",
                    LogSafe.redact(e.getMessage()), old.expiresAt());
        }
    }

    /**
     * Whether the job sets the channel up now: none yet, renewal due, expired, or failed and its retry time reached. A
     * channel stopped because the account is being disconnected stays stopped.
     */
    static boolean due(Optional<PushChannel> current, Instant now) {
        if (current.isEmpty()) {
            return true;
        }
        PushChannel ch = current.get();
        return switch (ch.state()) {
            case STOPPED -> !DISCONNECTED.equals(ch.lastError());
            case FAILED -> ch.renewAt() == null || !ch.renewAt().isAfter(now);
            case ACTIVE -> ch.needsRenewal(now);
        };
    }

    private void failed(String accountId, Source source, String call, RuntimeException e, Instant now) {
        Instant retryAt = now.plus(config.retryAfter());
        String error = call + " failed: " + LogSafe.redact(e.getMessage());
        channels.failed(accountId, source, PushChannel.OWN_MAILBOX, error, retryAt);
        metrics.pushRenewal(source, "failed");
        Log.warnf("%s push: %s; polled until the next attempt at %s", source.wireName(), error, retryAt);
    }

    /** The watched mailbox's address, lower case: what Gmail's notifications name. */
    private static String mailbox(AccessTokenHolder tokens, GmailGateway gmail) throws InterruptedException {
        String email = tokens.account().email();
        if (email == null || email.isBlank()) {
            email = gmail.profile().getEmailAddress();
        }
        return email.toLowerCase(Locale.ROOT);
    }

    private static boolean newer(BigInteger watched, String cursor) {
        if (watched == null || cursor == null) {
            return false;
        }
        try {
            return watched.compareTo(new BigInteger(cursor)) > 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static <T extends Comparable<T>> T earliest(T a, T b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
