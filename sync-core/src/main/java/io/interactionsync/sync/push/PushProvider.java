package io.interactionsync.sync.push;

import io.interactionsync.sync.connector.AccessTokenHolder;

/**
 * The provider side of a service's push channels, for what sync-core does without the service's job: stopping them
 * when the account is being disconnected ({@link PushStopper}). One bean per sync service.
 */
public interface PushProvider {

    /**
     * Stops {@code channel} at the provider (Gmail {@code users.stop}, Calendar {@code channels.stop}, Graph
     * {@code DELETE /subscriptions/{id}}). A channel the provider no longer knows counts as stopped.
     *
     * @throws Exception when the provider refused or could not be reached (logged; the channel expires on its own)
     */
    void stop(PushChannel channel, AccessTokenHolder tokens) throws Exception;
}
