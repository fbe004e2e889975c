package io.interactionsync.sync.connector;

import java.time.Clock;
import java.time.Duration;

/**
 * The access token of one account during one job, shared by the job's concurrent provider calls. A token near
 * expiry is renewed before use; a token the provider rejected with 401 is reported to the connector once — if the
 * replacement is rejected too, the source fails ({@link TokenRejectedException}).
 */
public final class AccessTokenHolder {

    private static final Duration EXPIRY_MARGIN = Duration.ofSeconds(60);

    private final ConnectorClient connector;
    private final Clock clock;
    private AccountToken current;
    private String refreshedAfterRejectionOf;
    private RuntimeException refreshFailure;

    public AccessTokenHolder(ConnectorClient connector, AccountToken initial, Clock clock) {
        this.connector = connector;
        this.current = initial;
        this.clock = clock;
    }

    public synchronized AccountToken account() {
        return current;
    }

    /** The token to send now. */
    public synchronized String token() {
        if (current.expiresAt() != null && current.expiresAt().minus(EXPIRY_MARGIN).isBefore(clock.instant())) {
            current = connector.accessToken(current.accountId());
        }
        return current.accessToken();
    }

    /**
     * The provider answered 401 to {@code rejected}. Returns normally when a different token is now current (refreshed
     * here or by a concurrent call); throws when the refreshed token was itself rejected.
     */
    public synchronized void rejected(String rejected) {
        if (!rejected.equals(current.accessToken())) {
            return; // a concurrent call already got a new token
        }
        if (refreshFailure != null) {
            throw refreshFailure; // concurrent calls rejected with the same token learn what the refresh learnt
        }
        if (refreshedAfterRejectionOf != null) {
            throw new TokenRejectedException("the provider rejected the access token again after the connector refreshed it (HTTP 401)");
        }
        refreshedAfterRejectionOf = rejected;
        try {
            current = connector.refreshAfterRejection(current.accountId(), rejected);
        } catch (ConnectorClient.ReauthRequiredException | ConnectorClient.AccountGoneException e) {
            refreshFailure = e;
            throw e;
        }
        if (rejected.equals(current.accessToken())) {
            throw new TokenRejectedException("the provider rejected the access token and the connector had no other (HTTP 401)");
        }
    }

    /** The provider keeps rejecting this account's tokens: the source fails until the next request. */
    public static class TokenRejectedException extends RuntimeException {
        public TokenRejectedException(String message) {
            super(message);
        }
    }
}
