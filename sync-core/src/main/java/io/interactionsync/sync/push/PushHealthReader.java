package io.interactionsync.sync.push;

import io.interactionsync.model.PushHealth;
import io.interactionsync.model.Source;
import io.interactionsync.sync.SyncServiceDefinition;
import io.interactionsync.sync.SyncSettings;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;

/** The push health a source's statuses carry ({@code sync-status} → account JSON {@code sources.<source>.push}). */
@ApplicationScoped
public class PushHealthReader {

    private final PushChannelRepository channels;
    private final SyncSettings.Push config;
    private final Clock clock = Clock.systemUTC();

    public PushHealthReader(PushChannelRepository channels, SyncServiceDefinition service) {
        this.channels = channels;
        this.config = service.settings().push();
    }

    /** {@code off} when push is switched off, {@code pending} before the channel exists. */
    public PushHealth health(String accountId, Source source, String mailbox) {
        if (!config.enabled()) {
            return new PushHealth(PushHealth.State.OFF, null, null, null);
        }
        return channels.find(accountId, source, mailbox)
                .map(ch -> ch.health(clock.instant(), config.silentAfter()))
                .orElse(new PushHealth(PushHealth.State.PENDING, null, null, null));
    }

    public SyncSettings.Push settings() {
        return config;
    }
}
