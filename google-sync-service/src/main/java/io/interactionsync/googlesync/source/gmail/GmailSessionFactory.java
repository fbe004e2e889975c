package io.interactionsync.googlesync.source.gmail;

import io.interactionsync.sync.connector.AccessTokenHolder;
import io.interactionsync.sync.connector.AccountToken;
import io.interactionsync.googlesync.client.gmail.GmailGatewayFactory;
import io.interactionsync.googlesync.config.GoogleSyncConfig;
import io.interactionsync.sync.publish.StatusReporter;
import io.interactionsync.sync.publish.SyncStatusPublisher;
import io.interactionsync.model.Source;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;

/** Opens a {@link GmailSession} for an account whose token the connector handed out. */
@ApplicationScoped
public class GmailSessionFactory {

    private final GmailGatewayFactory gateways;
    private final SyncStatusPublisher statusPublisher;
    private final GoogleSyncConfig config;

    public GmailSessionFactory(GmailGatewayFactory gateways, SyncStatusPublisher statusPublisher, GoogleSyncConfig config) {
        this.gateways = gateways;
        this.statusPublisher = statusPublisher;
        this.config = config;
    }

    public StatusReporter statusReporter(String accountId) {
        return new StatusReporter(statusPublisher, accountId, Source.GMAIL, config.status().everyRecords(),
                config.status().every(), Clock.systemUTC());
    }

    public GmailSession open(AccessTokenHolder tokens, StatusReporter status) {
        AccountToken account = tokens.account();
        return new GmailSession(account.accountId(), account.userId(), account.email(), gateways.create(tokens), status);
    }
}
