package io.interactionsync.sync.push;

import io.interactionsync.model.LogSafe;
import io.interactionsync.sync.connector.AccessTokenHolder;
import io.interactionsync.sync.connector.AccountToken;
import io.interactionsync.sync.connector.ConnectorClient;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.time.Clock;
import java.util.List;

/**
 * Stops every push channel of an account on {@code disconnecting}, which the connector publishes shortly before it
 * revokes the account's grant: the account's token still works, so the watch, channels and subscriptions end at the
 * provider instead of notifying a mailbox nobody syncs until they expire. Best effort: a channel that cannot be stopped
 * is marked stopped here anyway (its notifications are refused) and expires at the provider.
 */
@ApplicationScoped
public class PushStopper {

    /** The {@code last_error} of a channel stopped for a disconnect: a job still finishing must not create it again. */
    public static final String DISCONNECTED = "account disconnected";

    private final PushChannelRepository channels;
    private final ConnectorClient connector;
    private final Instance<PushProvider> provider;
    private final Clock clock = Clock.systemUTC();

    public PushStopper(PushChannelRepository channels, ConnectorClient connector, Instance<PushProvider> provider) {
        this.channels = channels;
        this.connector = connector;
        this.provider = provider;
    }

    /** Returns how many channels were stopped at the provider. */
    public int stopAll(String accountId) {
        List<PushChannel> live = channels.list(accountId).stream()
                .filter(ch -> ch.state() != PushChannel.State.STOPPED && ch.channelId() != null).toList();
        if (live.isEmpty()) {
            return 0;
        }
        AccessTokenHolder tokens = null;
        try {
            AccountToken token = connector.accessToken(accountId);
            tokens = new AccessTokenHolder(connector, token, clock);
        } catch (RuntimeException e) {
            Log.warnf("account %s: push channels cannot be stopped at the provider (%s); they expire on their own",
                    accountId, LogSafe.redact(e.getMessage()));
        }
        int stopped = 0;
        for (PushChannel ch : live) {
            if (tokens != null && provider.isResolvable()) {
                try {
                    provider.get().stop(ch, tokens);
                    stopped++;
                } catch (Exception e) {
                    Log.warnf("account %s: %s push channel not stopped at the provider (%s); it expires %s", accountId,
                            ch.source().wireName(), LogSafe.redact(e.getMessage()), ch.expiresAt());
                }
            }
            channels.stopped(accountId, ch.source(), ch.mailbox(), DISCONNECTED);
        }
        Log.infof("account %s: %d of %d push channels stopped before the disconnect", accountId, stopped, live.size());
        return stopped;
    }
}
