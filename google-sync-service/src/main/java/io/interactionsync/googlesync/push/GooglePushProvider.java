package io.interactionsync.googlesync.push;

import io.interactionsync.googlesync.client.calendar.CalendarGatewayFactory;
import io.interactionsync.googlesync.client.gmail.GmailGatewayFactory;
import io.interactionsync.googlesync.metrics.SyncMetrics;
import io.interactionsync.sync.connector.AccessTokenHolder;
import io.interactionsync.sync.push.PushChannel;
import io.interactionsync.sync.push.PushProvider;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Stops an account's channels at Google when it is being disconnected (sync-core's {@code PushStopper}): Gmail
 * {@code users.stop} (50 units, paced like every Gmail call), Calendar {@code channels.stop}. A watch or channel Google
 * no longer knows (404) counts as stopped.
 */
@ApplicationScoped
public class GooglePushProvider implements PushProvider {

    private final GmailGatewayFactory gmailGateways;
    private final CalendarGatewayFactory calendarGateways;
    private final SyncMetrics metrics;

    public GooglePushProvider(GmailGatewayFactory gmailGateways, CalendarGatewayFactory calendarGateways,
                              SyncMetrics metrics) {
        this.gmailGateways = gmailGateways;
        this.calendarGateways = calendarGateways;
        this.metrics = metrics;
    }

    @Override
    public void stop(PushChannel channel, AccessTokenHolder tokens) throws Exception {
        try {
            boolean known = switch (channel.source()) {
                case GMAIL -> gmailGateways.create(tokens).stopWatch();
                case GOOGLE_CALENDAR -> calendarGateways.create(tokens).stopChannel(channel.channelId(),
                        channel.resourceId());
                default -> throw new IllegalArgumentException("not a Google source: " + channel.source().wireName());
            };
            metrics.pushStop(channel.source(), known ? "stopped" : "unknown");
        } catch (Exception e) {
            metrics.pushStop(channel.source(), "failed");
            throw e;
        }
    }
}
