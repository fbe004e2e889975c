package io.interactionsync.googlesync.listener;

import io.interactionsync.model.AccountEvent;
import io.interactionsync.model.Provider;
import io.interactionsync.model.Topics;
import io.interactionsync.googlesync.pacing.QuotaPacer;
import io.interactionsync.sync.jobs.ClosedAccounts;
import io.interactionsync.sync.push.PushStopper;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Consumes {@code account-events} (group {@code google-sync-service}): {@code disconnecting} stops the account's Gmail
 * watch and Calendar channel at Google while its token still works ({@link PushStopper}); {@code disconnected} (purge
 * or keep) erases every row this service holds for the account ({@link ClosedAccounts}); {@code connected} reopens an id that was
 * closed (only an account disconnected before reconnects got new ids can come back under its old id). Acked once the
 * rows are committed.
 */
@ApplicationScoped
public class AccountEventListener {

    public static final String CHANNEL = Topics.ACCOUNT_EVENTS;

    private final ClosedAccounts closed;
    private final PushStopper pushStopper;
    private final QuotaPacer pacer;

    public AccountEventListener(ClosedAccounts closed, PushStopper pushStopper, QuotaPacer pacer) {
        this.closed = closed;
        this.pushStopper = pushStopper;
        this.pacer = pacer;
    }

    @Incoming(CHANNEL)
    @Blocking
    public void onAccountEvent(AccountEvent event) {
        if (event == null || event.type() == null || event.accountId() == null || event.provider() != Provider.GOOGLE) {
            return;
        }
        switch (event.type()) {
            case DISCONNECTING -> {
                pushStopper.stopAll(event.accountId());
                pacer.forget(event.accountId()); // the stop calls' quota bucket: no job of the account follows
            }
            case DISCONNECTED -> closed.close(event.accountId(), Boolean.TRUE.equals(event.purge()));
            case CONNECTED -> closed.reopen(event.accountId());
            default -> {
                // scopes_changed, reauth_required: the sync requests carry what to do
            }
        }
    }
}
