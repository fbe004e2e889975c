package io.interactionsync.googlesync.client.gmail;

import com.google.api.client.http.HttpTransport;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.services.gmail.Gmail;
import io.interactionsync.sync.connector.AccessTokenHolder;
import io.interactionsync.googlesync.config.GoogleSyncConfig;
import io.interactionsync.googlesync.metrics.SyncMetrics;
import io.interactionsync.googlesync.pacing.QuotaPacer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;

/**
 * Builds the official Gmail SDK client (root URL from {@code google-sync.gmail.root-url}) and wraps it in a
 * {@link GmailGateway} per job. The bearer token is set per request by the gateway, so a refreshed token
 * is used at once and the SDK never retries on its own.
 */
@ApplicationScoped
public class GmailGatewayFactory {

    private static final HttpTransport TRANSPORT = new NetHttpTransport();

    private final GoogleSyncConfig config;
    private final GmailApiClient api;
    private final QuotaPacer pacer;
    private final SyncMetrics metrics;
    private final Gmail gmail;

    public GmailGatewayFactory(GoogleSyncConfig config, GmailApiClient api, QuotaPacer pacer, SyncMetrics metrics) {
        this.config = config;
        this.api = api;
        this.pacer = pacer;
        this.metrics = metrics;
        String rootUrl = config.gmail().rootUrl().endsWith("/") ? config.gmail().rootUrl() : config.gmail().rootUrl() + "/";
        this.gmail = new Gmail.Builder(TRANSPORT, GsonFactory.getDefaultInstance(), request -> {
            request.setConnectTimeout((int) config.gmail().connectTimeout().toMillis());
            request.setReadTimeout((int) config.gmail().readTimeout().toMillis());
        }).setRootUrl(rootUrl).setApplicationName("interaction-sync-google-sync").build();
    }

    public GmailGateway create(AccessTokenHolder tokens) {
        return new GmailGateway(gmail, api, tokens, pacer, metrics, config, Clock.systemUTC());
    }
}
