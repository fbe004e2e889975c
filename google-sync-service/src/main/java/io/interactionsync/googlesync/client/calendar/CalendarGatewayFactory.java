package io.interactionsync.googlesync.client.calendar;

import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.services.calendar.Calendar;
import io.interactionsync.sync.connector.AccessTokenHolder;
import io.interactionsync.googlesync.config.GoogleSyncConfig;
import io.interactionsync.googlesync.pacing.QuotaPacer;
import jakarta.enterprise.context.ApplicationScoped;

/** Builds the official Calendar SDK client (root URL {@code google-sync.calendar.root-url}); a gateway per job. */
@ApplicationScoped
public class CalendarGatewayFactory {

    private final GoogleSyncConfig config;
    private final CalendarApiClient api;
    private final QuotaPacer pacer;
    private final Calendar calendar;

    public CalendarGatewayFactory(GoogleSyncConfig config, CalendarApiClient api, QuotaPacer pacer) {
        this.config = config;
        this.api = api;
        this.pacer = pacer;
        String root = config.calendar().rootUrl().endsWith("/") ? config.calendar().rootUrl() : config.calendar().rootUrl() + "/";
        this.calendar = new Calendar.Builder(new NetHttpTransport(), GsonFactory.getDefaultInstance(), request -> {
            request.setConnectTimeout((int) config.gmail().connectTimeout().toMillis());
            request.setReadTimeout((int) config.gmail().readTimeout().toMillis());
        }).setRootUrl(root).setApplicationName("interaction-sync-google-sync").build();
    }

    public CalendarGateway create(AccessTokenHolder tokens) {
        return new CalendarGateway(calendar, api, tokens, pacer, config);
    }
}
