package io.interactionsync.googlesync.client.calendar;

import com.google.api.client.googleapis.services.json.AbstractGoogleJsonClientRequest;
import com.google.api.client.http.HttpHeaders;
import com.google.api.client.util.DateTime;
import com.google.api.services.calendar.Calendar;
import com.google.api.services.calendar.model.Channel;
import com.google.api.services.calendar.model.Event;
import com.google.api.services.calendar.model.Events;
import io.interactionsync.sync.connector.AccessTokenHolder;
import io.interactionsync.googlesync.client.gmail.GmailOutcome;
import io.interactionsync.googlesync.client.gmail.ProviderWideFailure;
import io.interactionsync.sync.RetryBackoff;
import io.interactionsync.googlesync.config.GoogleSyncConfig;
import io.interactionsync.googlesync.pacing.QuotaPacer;
import io.interactionsync.sync.RetryLaterException;
import io.interactionsync.sync.SourceFailedException;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

/**
 * One account's Google Calendar through the official SDK: paced (own per-account bucket, separate from
 * Gmail's), retried with backoff on throttling and 5xx, one fresh token on a 401, the {@code google_calendar}
 * circuit breaker around every call. A 410 surfaces as {@link SyncTokenExpiredException}.
 */
public class CalendarGateway {

    private static final String PRIMARY = "primary";

    private final Calendar calendar;
    private final CalendarApiClient api;
    private final AccessTokenHolder tokens;
    private final QuotaPacer pacer;
    private final GoogleSyncConfig config;
    private final Clock clock = Clock.systemUTC();

    public CalendarGateway(Calendar calendar, CalendarApiClient api, AccessTokenHolder tokens, QuotaPacer pacer,
                           GoogleSyncConfig config) {
        this.calendar = calendar;
        this.api = api;
        this.tokens = tokens;
        this.pacer = pacer;
        this.config = config;
    }

    /**
     * Full listing: primary calendar, singleEvents, showDeleted, timeMin = horizon, no orderBy (so a nextSyncToken
     * comes); only the configured event fields ({@code google-sync.calendar.event-fields}: no summary).
     */
    public Events listFrom(Instant timeMin, String pageToken) throws InterruptedException {
        return call(token -> authorize(calendar.events().list(PRIMARY).setSingleEvents(true).setShowDeleted(true)
                .setTimeMin(new DateTime(timeMin.toEpochMilli())).setMaxResults(config.calendar().pageSize())
                .setPageToken(pageToken).setFields(listFields()), token), false);
    }

    /** Incremental listing with a sync token (deleted events always included), the same fields. */
    public Events listChanges(String syncToken, String pageToken) throws InterruptedException {
        return call(token -> authorize(calendar.events().list(PRIMARY).setSingleEvents(true).setShowDeleted(true)
                .setSyncToken(syncToken).setMaxResults(config.calendar().pageSize()).setPageToken(pageToken)
                .setFields(listFields()), token), false);
    }

    private String listFields() {
        return "items(" + config.calendar().eventFields() + "),nextPageToken,nextSyncToken";
    }

    /**
     * The completeness audit's listing: what the calendar holds from {@code timeMin} on (singleEvents, no deleted
     * events), only {@code id}, {@code etag}, {@code updated} and {@code status} of each (partial response).
     */
    public Events listLiveIds(Instant timeMin, String pageToken) throws InterruptedException {
        return call(token -> authorize(calendar.events().list(PRIMARY).setSingleEvents(true).setShowDeleted(false)
                .setTimeMin(new DateTime(timeMin.toEpochMilli())).setMaxResults(config.calendar().pageSize())
                .setPageToken(pageToken).setFields("items(id,etag,updated,status),nextPageToken"), token), false);
    }

    /** events.get of the primary calendar, the configured event fields; 404 or 410 → {@link EventGoneException}. */
    public Event get(String eventId) throws InterruptedException {
        return call(token -> authorize(calendar.events().get(PRIMARY, eventId).setFields(config.calendar().eventFields()),
                token), true);
    }

    /**
     * events.watch of the primary calendar: a web_hook channel calling {@code address} with {@code token} on every
     * change, for {@code ttl} (Google may grant less: see the returned {@code expiration}).
     */
    public Channel watch(String channelId, String address, String token, java.time.Duration ttl)
            throws InterruptedException {
        // Sent plain, like channels.stop: a few bytes (and the emulator does not inflate gzip bodies).
        Channel request = new Channel().setId(channelId).setType("web_hook").setAddress(address).setToken(token)
                .setParams(java.util.Map.of("ttl", Long.toString(ttl.toSeconds())));
        return call(t -> authorize(calendar.events().watch(PRIMARY, request), t).setDisableGZipContent(true), false);
    }

    /** channels.stop; false when Google no longer knew the channel (404: expired or already stopped). */
    public boolean stopChannel(String channelId, String resourceId) throws InterruptedException {
        try {
            call(t -> authorize(calendar.channels().stop(new Channel().setId(channelId).setResourceId(resourceId)), t)
                    .setDisableGZipContent(true), true);
            return true;
        } catch (EventGoneException e) {
            return false;
        }
    }

    /** The resource as JSON exactly as the API returned it. */
    public String serialize(Object resource) {
        try {
            return calendar.getJsonFactory().toString(resource);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialize a Calendar resource", e);
        }
    }

    private static <R extends AbstractGoogleJsonClientRequest<?>> R authorize(R request, String token) {
        request.setRequestHeaders(new HttpHeaders().setAuthorization("Bearer " + token));
        return request;
    }

    /** One call with pacing, token handling and retries; {@code single}: a 404/410 means the resource is gone. */
    private <T> T call(RequestFactory<T> request, boolean single) throws InterruptedException {
        String accountId = tokens.account().accountId();
        int attempt = 0;
        while (true) {
            attempt++;
            pacer.acquireCalendar(accountId);
            String token = tokens.token();
            GmailOutcome<T> outcome;
            try {
                outcome = api.execute(accountId, () -> request.create(token).execute());
            } catch (CircuitBreakerOpenException e) {
                throw new RetryLaterException("Calendar circuit breaker google_calendar is open",
                        clock.instant().plus(config.worker().retryDelay()), e);
            } catch (ProviderWideFailure e) {
                backoffOrGiveUp(attempt, e.retryAt(), e.getMessage());
                continue;
            }
            switch (outcome) {
                case GmailOutcome.Ok<T> ok -> {
                    return ok.value();
                }
                case GmailOutcome.UserFailure<T> failure -> {
                    if (single && (failure.status() == 404 || failure.status() == 410)) {
                        throw new EventGoneException(failure.message());
                    }
                    if (failure.status() == 410) {
                        throw new SyncTokenExpiredException(failure.message());
                    }
                    switch (failure.kind()) {
                        case UNAUTHORIZED -> {
                            try {
                                tokens.rejected(token);
                            } catch (AccessTokenHolder.TokenRejectedException rejected) {
                                throw new SourceFailedException(rejected.getMessage());
                            }
                        }
                        case USER_RATE_LIMITED -> backoffOrGiveUp(attempt, failure.retryAt(),
                                "Calendar rate limit for this user (" + failure.status() + " " + failure.reason() + ")");
                        case NOT_FOUND, FORBIDDEN, BAD_REQUEST -> throw new SourceFailedException("Calendar refused ("
                                + failure.status() + " " + failure.reason() + "): " + failure.message());
                    }
                }
            }
        }
    }

    private void backoffOrGiveUp(int attempt, Instant retryAt, String why) throws InterruptedException {
        RetryBackoff.awaitNextAttempt(config, clock, attempt, retryAt, why);
    }

    @FunctionalInterface
    interface RequestFactory<T> {
        AbstractGoogleJsonClientRequest<T> create(String token) throws IOException;
    }

    /** events.get (or channels.stop) answered 404 or 410: the event (channel) is gone. */
    public static class EventGoneException extends RuntimeException {
        public EventGoneException(String message) {
            super(message);
        }
    }

    /** 410 fullSyncRequired: the sync token is no longer valid. */
    public static class SyncTokenExpiredException extends RuntimeException {
        public SyncTokenExpiredException(String message) {
            super(message);
        }
    }
}
