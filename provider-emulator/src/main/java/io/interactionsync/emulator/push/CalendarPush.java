package io.interactionsync.emulator.push;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interactionsync.emulator.EmulatorContext;
import io.interactionsync.emulator.http.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Google Calendar push: {@code events.watch} web_hook channels and {@code channels.stop}. A new channel gets the
 * {@code sync} message (number 1) at once; every event added, changed or deleted in the watched calendar sends
 * {@code exists}. Notifications are POSTs without a body, all in {@code X-Goog-*} headers; expired channels send
 * nothing and are forgotten.
 */
public final class CalendarPush {

    private static final long PUSH_TIMEOUT_MS = 10_000;
    private static final DateTimeFormatter RFC_1123 = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    /** A channel; {@code token} is the caller's secret, echoed only in the notification header. */
    public record Channel(String id, String resourceId, String resourceUri, String email, String address, String token,
            long expiresAt, AtomicLong messageNumber) {

        boolean expired(long now) {
            return now >= expiresAt;
        }

        /** The events.watch answer. */
        public ObjectNode toJson() {
            ObjectNode out = Json.object();
            out.put("kind", "api#channel");
            out.put("id", id);
            out.put("resourceId", resourceId);
            out.put("resourceUri", resourceUri);
            if (token != null) {
                out.put("token", token);
            }
            out.put("expiration", Long.toString(expiresAt));
            return out;
        }
    }

    private final EmulatorContext ctx;
    private final PushControl control;
    private final Deliverer deliverer;
    private final ConcurrentHashMap<String, Channel> channels = new ConcurrentHashMap<>();

    CalendarPush(EmulatorContext ctx, PushControl control, Deliverer deliverer) {
        this.ctx = ctx;
        this.control = control;
        this.deliverer = deliverer;
    }

    /**
     * Opens a channel on {@code email}'s primary calendar ({@code calendarId} as the request named it); empty when
     * the channel id is in use. {@code ttlSeconds} null = the default 604,800 s; capped by
     * {@code calendarChannelMaxTtlSeconds}. Sends the {@code sync} message.
     */
    public Optional<Channel> open(String email, String calendarId, String id, String address, String token, Long ttlSeconds) {
        long max = ctx.config().get().calendarChannelMaxTtlSeconds();
        long ttl = Math.min(max, ttlSeconds == null ? 604_800 : ttlSeconds);
        String resourceUri = ctx.baseUrl() + "/www.googleapis.com/calendar/v3/calendars/" + calendarId + "/events?alt=json";
        Channel channel = new Channel(id, resourceId(email), resourceUri, email, address, token,
                System.currentTimeMillis() + ttl * 1000, new AtomicLong());
        purgeExpired();
        if (channels.putIfAbsent(id, channel) != null) {
            return Optional.empty();
        }
        notify(channel, "sync");
        return Optional.of(channel);
    }

    /** channels.stop: true when a live channel of {@code email} had this id and resource id. */
    public boolean stop(String email, String id, String resourceId) {
        Channel channel = channels.get(id);
        if (channel == null || channel.expired(System.currentTimeMillis()) || !channel.resourceId().equals(resourceId)
                || !channel.email().equals(email.toLowerCase(Locale.ROOT))) {
            return false;
        }
        return channels.remove(id, channel);
    }

    /** An event of {@code email}'s calendar changed (under the calendar's monitor: only schedule). */
    void changed(String email) {
        if (channels.isEmpty()) {
            return;
        }
        long now = System.currentTimeMillis();
        for (Channel c : channels.values()) {
            if (!c.email().equals(email)) {
                continue;
            }
            if (c.expired(now)) {
                channels.remove(c.id(), c);
            } else {
                notify(c, "exists");
            }
        }
    }

    private void notify(Channel c, String state) {
        long number = c.messageNumber().incrementAndGet();
        if (control.lose(PushKind.CALENDAR)) {
            return;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Goog-Channel-ID", c.id());
        if (c.token() != null) {
            headers.put("X-Goog-Channel-Token", c.token());
        }
        headers.put("X-Goog-Channel-Expiration", RFC_1123.format(Instant.ofEpochMilli(c.expiresAt())));
        headers.put("X-Goog-Resource-ID", c.resourceId());
        headers.put("X-Goog-Resource-URI", c.resourceUri());
        headers.put("X-Goog-Resource-State", state);
        headers.put("X-Goog-Message-Number", Long.toString(number));
        headers.put("User-Agent", Deliverer.GOOGLE_AGENT);
        deliverer.deliver(new Deliverer.Request(PushKind.CALENDAR, c.address(), headers, null, PUSH_TIMEOUT_MS));
    }

    /** Closes every channel of a user (control revoke); the number closed. */
    int stopAll(String email) {
        String key = email.toLowerCase(Locale.ROOT);
        int before = channels.size();
        channels.values().removeIf(c -> c.email().equals(key));
        return before - channels.size();
    }

    /** Live channels for {@code GET /_emulator/push} (no tokens). */
    ArrayNode channelsJson() {
        purgeExpired();
        List<Channel> list = new ArrayList<>(channels.values());
        list.sort(Comparator.comparing(Channel::email).thenComparing(Channel::id));
        ArrayNode out = Json.array();
        for (Channel c : list) {
            out.addObject().put("id", c.id()).put("resourceId", c.resourceId()).put("user", c.email())
                    .put("address", c.address()).put("expiration", Long.toString(c.expiresAt()))
                    .put("messageNumber", c.messageNumber().get());
        }
        return out;
    }

    private void purgeExpired() {
        long now = System.currentTimeMillis();
        channels.values().removeIf(c -> c.expired(now));
    }

    /** Google's resource id names the watched calendar: the same for every channel on it. */
    private static String resourceId(String email) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(("calendar|" + email).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 27);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    void clear() {
        channels.clear();
    }
}
