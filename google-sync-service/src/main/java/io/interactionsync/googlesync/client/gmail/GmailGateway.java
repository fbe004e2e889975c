package io.interactionsync.googlesync.client.gmail;

import com.google.api.client.googleapis.services.json.AbstractGoogleJsonClientRequest;
import com.google.api.client.http.HttpHeaders;
import com.google.api.services.gmail.Gmail;
import com.google.api.services.gmail.model.ListHistoryResponse;
import com.google.api.services.gmail.model.ListMessagesResponse;
import com.google.api.services.gmail.model.Message;
import com.google.api.services.gmail.model.Profile;
import com.google.api.services.gmail.model.WatchRequest;
import com.google.api.services.gmail.model.WatchResponse;
import io.interactionsync.sync.connector.AccessTokenHolder;
import io.interactionsync.sync.RetryBackoff;
import io.interactionsync.googlesync.config.GoogleSyncConfig;
import io.interactionsync.googlesync.metrics.SyncMetrics;
import io.interactionsync.googlesync.pacing.QuotaPacer;
import io.interactionsync.sync.RetryLaterException;
import io.interactionsync.sync.SourceFailedException;
import io.quarkus.logging.Log;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

/**
 * Gmail for one account during one job: every call is paced to the user's quota, sent with the current
 * token through the circuit-broken {@link GmailApiClient}, and retried with exponential backoff and jitter
 * on throttling (honouring "Retry after …"), 5xx and timeouts. A 401 asks the connector for a new token
 * once. Failures that outlast the retries end the step ({@link RetryLaterException}); failures that will not
 * go away fail the source ({@link SourceFailedException}).
 */
public class GmailGateway implements GmailPort {

    private static final String ME = "me";

    private final Gmail gmail;
    private final GmailApiClient api;
    private final AccessTokenHolder tokens;
    private final QuotaPacer pacer;
    private final SyncMetrics metrics;
    private final GoogleSyncConfig config;
    private final Clock clock;
    private final String accountId;

    private static final List<String> HISTORY_TYPES =
            List.of("messageAdded", "messageDeleted", "labelAdded", "labelRemoved");

    public GmailGateway(Gmail gmail, GmailApiClient api, AccessTokenHolder tokens, QuotaPacer pacer, SyncMetrics metrics,
                        GoogleSyncConfig config, Clock clock) {
        this.gmail = gmail;
        this.api = api;
        this.tokens = tokens;
        this.pacer = pacer;
        this.metrics = metrics;
        this.config = config;
        this.clock = clock;
        this.accountId = tokens.account().accountId();
    }

    @Override
    public Profile profile() throws InterruptedException {
        return call(GmailMethod.GET_PROFILE, token -> authorize(gmail.users().getProfile(ME), token));
    }

    @Override
    public ListMessagesResponse listAllMail(String pageToken) throws InterruptedException {
        return call(GmailMethod.MESSAGES_LIST, token -> authorize(gmail.users().messages().list(ME)
                .setMaxResults((long) config.gmail().listPageSize()).setIncludeSpamTrash(false)
                .setPageToken(pageToken), token));
    }

    @Override
    public Message getMessageMetadata(String id) throws InterruptedException {
        return call(GmailMethod.MESSAGES_GET, token -> authorize(gmail.users().messages().get(ME, id)
                .setFormat("metadata").setMetadataHeaders(config.gmail().metadataHeaders())
                .setFields(config.gmail().messageFields()), token));
    }

    @Override
    public Message getMessageMinimal(String id) throws InterruptedException {
        return call(GmailMethod.MESSAGES_GET, token -> authorize(gmail.users().messages().get(ME, id)
                .setFormat("minimal"), token));
    }

    @Override
    public com.google.api.services.gmail.model.Thread getThreadMetadata(String threadId) throws InterruptedException {
        return call(GmailMethod.THREADS_GET, token -> authorize(gmail.users().threads().get(ME, threadId)
                .setFormat("metadata").setMetadataHeaders(config.gmail().metadataHeaders())
                .setFields("id,historyId,messages(" + config.gmail().messageFields() + ")"), token));
    }

    @Override
    public ListHistoryResponse listHistory(String startHistoryId, String pageToken) throws InterruptedException {
        return call(GmailMethod.HISTORY_LIST, token -> authorize(gmail.users().history().list(ME)
                .setStartHistoryId(new java.math.BigInteger(startHistoryId))
                .setHistoryTypes(HISTORY_TYPES).setMaxResults((long) config.gmail().historyPageSize())
                .setPageToken(pageToken), token));
    }

    /**
     * users.watch (100 units): every change of the mailbox (no label filter) is published to {@code topic}; returns the
     * mailbox's current historyId and the watch's expiration (epoch ms). Calling it again renews the watch.
     */
    public WatchResponse watch(String topic) throws InterruptedException {
        return call(GmailMethod.WATCH, token -> authorize(gmail.users().watch(ME, new WatchRequest().setTopicName(topic)),
                token).setDisableGZipContent(true)); // a few bytes, sent plain (the emulator does not inflate gzip bodies)
    }

    /** users.stop (50 units): no more notifications for the mailbox. False when Gmail no longer knew a watch (404). */
    public boolean stopWatch() throws InterruptedException {
        try {
            call(GmailMethod.STOP, token -> authorize(gmail.users().stop(ME), token));
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    @Override
    public String serialize(Object resource) {
        try {
            return gmail.getJsonFactory().toString(resource);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot serialize a Gmail resource", e);
        }
    }

    private static <R extends AbstractGoogleJsonClientRequest<?>> R authorize(R request, String token) {
        request.setRequestHeaders(new HttpHeaders().setAuthorization("Bearer " + token));
        return request;
    }

    /**
     * Runs one call with pacing, token handling and retries. A 404 surfaces as {@link NotFoundException}
     * for the caller to decide (a deleted message is skipped).
     */
    <T> T call(GmailMethod method, RequestFactory<T> request) throws InterruptedException {
        int attempt = 0;
        while (true) {
            attempt++;
            pacer.acquire(accountId, method);
            String token = tokens.token();
            GmailOutcome<T> outcome;
            try {
                outcome = api.execute(accountId, method, () -> request.create(token).execute());
            } catch (CircuitBreakerOpenException e) {
                metrics.request(method, "circuit_open");
                throw new RetryLaterException("Gmail circuit breaker google_gmail_metadata is open",
                        clock.instant().plus(config.worker().retryDelay()), e);
            } catch (ProviderWideFailure e) {
                metrics.request(method, e.rateLimited() ? "rate_limited" : e.status() == 0 ? "io_error" : "server_error");
                if (e.rateLimited()) {
                    metrics.rateLimited(e.status(), "project", true);
                }
                backoffOrGiveUp(method, attempt, e.retryAt(), e.getMessage());
                continue;
            }
            switch (outcome) {
                case GmailOutcome.Ok<T> ok -> {
                    metrics.request(method, "ok");
                    return ok.value();
                }
                case GmailOutcome.UserFailure<T> failure -> {
                    switch (failure.kind()) {
                        case UNAUTHORIZED -> {
                            metrics.request(method, "unauthorized");
                            try {
                                tokens.rejected(token);
                            } catch (AccessTokenHolder.TokenRejectedException rejected) {
                                throw new SourceFailedException(rejected.getMessage());
                            }
                        }
                        case NOT_FOUND -> {
                            metrics.request(method, "not_found");
                            throw new NotFoundException(failure.message());
                        }
                        case USER_RATE_LIMITED -> {
                            metrics.request(method, "rate_limited");
                            metrics.rateLimited(failure.status(), failure.reason(), false);
                            backoffOrGiveUp(method, attempt, failure.retryAt(),
                                    "Gmail rate limit for this user (" + failure.status() + " " + failure.reason() + ")");
                        }
                        case FORBIDDEN -> {
                            metrics.request(method, "forbidden");
                            throw new SourceFailedException("Gmail refused access (" + failure.status() + " "
                                    + failure.reason() + "): " + failure.message());
                        }
                        case BAD_REQUEST -> {
                            metrics.request(method, "bad_request");
                            throw new SourceFailedException("Gmail rejected the request (" + failure.status() + " "
                                    + failure.reason() + "): " + failure.message());
                        }
                    }
                }
            }
        }
    }

    private void backoffOrGiveUp(GmailMethod method, int attempt, Instant retryAt, String why) throws InterruptedException {
        Duration waited = RetryBackoff.awaitNextAttempt(config, clock, attempt, retryAt, why);
        Log.debugf("%s: %s, retried after %d ms (attempt %d)", method.apiName(), why, waited.toMillis(), attempt);
    }

    /** Builds an SDK request carrying {@code token} (building can throw IOException in the SDK's signature). */
    @FunctionalInterface
    interface RequestFactory<T> {
        AbstractGoogleJsonClientRequest<T> create(String token) throws java.io.IOException;
    }

    /** 404 from Gmail: the resource is gone. */
    public static class NotFoundException extends RuntimeException {
        public NotFoundException(String message) {
            super(message);
        }
    }
}
