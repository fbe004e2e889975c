package io.interactionsync.microsoftsync.service;

import io.interactionsync.microsoftsync.config.MicrosoftSyncConfig;
import io.interactionsync.microsoftsync.graph.GraphApi;
import io.interactionsync.microsoftsync.graph.GraphCallException;
import io.interactionsync.microsoftsync.graph.GraphClients;
import io.interactionsync.microsoftsync.graph.GraphGateway;
import io.interactionsync.microsoftsync.graph.GraphScopes;
import io.interactionsync.microsoftsync.graph.MailboxThrottle;
import io.interactionsync.microsoftsync.metrics.SyncMetrics;
import io.interactionsync.microsoftsync.repository.SharedMailboxRepository;
import io.interactionsync.model.LogSafe;
import io.interactionsync.model.Source;
import io.interactionsync.model.SyncStatus;
import io.interactionsync.sync.RetryLaterException;
import io.interactionsync.sync.connector.AccessTokenHolder;
import io.interactionsync.sync.connector.ConnectorClient;
import io.interactionsync.sync.jobs.RepositoryException;
import io.interactionsync.sync.publish.StatusReporter;
import io.interactionsync.sync.publish.SyncStatusPublisher;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * Shared mailboxes follow access (issue 17 item 5). A shared mailbox is read once, with one subscriber's token, and
 * attributed to every subscriber; so each subscriber's own access is checked with its own token — one
 * {@code GET /users/{address}/mailFolders/inbox?$select=id} — on every sync of the mailbox: the subscriber whose job
 * runs before it reads (or skips) the mailbox, and every other subscriber when the mailbox is actually read.
 * <ul>
 *   <li>403 ({@code ErrorAccessDenied}: Exchange FullAccess removed) → a {@code sync-status} {@code access_denied}
 *       for that account and mailbox; the connector turns it into the subscription state {@code access_denied}
 *       and tells the normalizer, which stops attributing the mailbox's mail to that user. That token is no longer
 *       used to read the mailbox (its own job stops at the check).</li>
 *   <li>allowed after a denial (or at the first check) → a {@code syncing} status for that account and mailbox: the
 *       subscription is active (again), and the mailbox's next reports (whoever reads it) show for it.</li>
 *   <li>no answer (throttled, 5xx, token problems) → nothing changes; the read itself reports errors.</li>
 * </ul>
 */
@ApplicationScoped
public class SharedMailboxAccess {

    /** The outcome of one check. */
    public enum Outcome { ALLOWED, DENIED, UNKNOWN }

    static final String DENIED_MESSAGE = "access_denied: Graph answered 403 ErrorAccessDenied to this account's token "
            + "(no Full Access to the shared mailbox any more); its mail is no longer attributed to this account";

    private final GraphClients clients;
    private final GraphApi api;
    private final MailboxThrottle throttle;
    private final SyncMetrics metrics;
    private final SharedMailboxRepository sharedMailboxes;
    private final SyncStatusPublisher statusPublisher;
    private final ConnectorClient connector;
    private final MicrosoftSyncConfig config;
    private final Clock clock = Clock.systemUTC();

    public SharedMailboxAccess(GraphClients clients, GraphApi api, MailboxThrottle throttle, SyncMetrics metrics,
                               SharedMailboxRepository sharedMailboxes, SyncStatusPublisher statusPublisher,
                               ConnectorClient connector, MicrosoftSyncConfig config) {
        this.clients = clients;
        this.api = api;
        this.throttle = throttle;
        this.metrics = metrics;
        this.sharedMailboxes = sharedMailboxes;
        this.statusPublisher = statusPublisher;
        this.connector = connector;
        this.config = config;
    }

    /** Checks the job's own account (its token holder), records the result and reports a change. */
    public Outcome checkOwn(AccessTokenHolder tokens, String address) throws InterruptedException {
        return check(tokens, address);
    }

    /**
     * Checks every other subscriber of the mailbox with its own token (from the connector), before {@code readerId}'s
     * job reads it. A subscriber the connector has no token for (reauth_required, gone) is the connector's business
     * (its subscription is suspended there) and is skipped.
     */
    public void checkOthers(String readerId, String address) throws InterruptedException {
        List<String> others = sharedMailboxes.subscribers(address).stream().filter(a -> !a.equals(readerId)).toList();
        for (String accountId : others) {
            AccessTokenHolder tokens;
            try {
                tokens = new AccessTokenHolder(connector, connector.accessToken(accountId), clock);
            } catch (ConnectorClient.ReauthRequiredException | ConnectorClient.AccountGoneException
                     | ConnectorClient.ConnectorUnavailableException e) {
                metrics.sharedAccessCheck("skipped");
                Log.debugf("access of subscriber %s to a shared mailbox not checked: %s", accountId, e.getMessage());
                continue;
            }
            check(tokens, address);
        }
    }

    private Outcome check(AccessTokenHolder tokens, String address) throws InterruptedException {
        String accountId = tokens.account().accountId();
        Outcome outcome;
        if (!GraphScopes.granted(tokens.account(), GraphScopes.SHARED_MAIL)) {
            outcome = Outcome.DENIED;
        } else {
            GraphGateway graph = new GraphGateway(clients.graph(), clients.links(), api, tokens, throttle, metrics, config,
                    clock, address, true);
            try {
                graph.checkAccess();
                outcome = Outcome.ALLOWED;
            } catch (GraphCallException e) {
                outcome = "access_denied".equals(e.code()) ? Outcome.DENIED : Outcome.UNKNOWN;
            } catch (RetryLaterException | ConnectorClient.ReauthRequiredException | ConnectorClient.AccountGoneException
                     | ConnectorClient.ConnectorUnavailableException e) {
                outcome = Outcome.UNKNOWN;
            }
        }
        metrics.sharedAccessCheck(outcome.name().toLowerCase(java.util.Locale.ROOT));
        if (outcome == Outcome.UNKNOWN) {
            return outcome;
        }
        String before;
        try {
            before = sharedMailboxes.recordAccess(address, accountId, outcome == Outcome.ALLOWED).orElse(null);
        } catch (RepositoryException e) {
            Log.warnf("access check of account %s to a shared mailbox not recorded: %s", accountId, LogSafe.redact(e.getMessage()));
            before = null;
        }
        StatusReporter status = new StatusReporter(statusPublisher, accountId, Source.OUTLOOK_MAIL, address,
                config.status().everyRecords(), config.status().every(), clock);
        if (outcome == Outcome.DENIED) {
            // every time, not only on a change: the connector keeps the newest report, a lost one is repeated
            status.state(SyncStatus.State.ACCESS_DENIED, GraphScopes.granted(tokens.account(), GraphScopes.SHARED_MAIL)
                    ? DENIED_MESSAGE : "access_denied: the account did not grant Mail.ReadBasic.Shared");
        } else if (before != null && !"allowed".equals(before)) {
            // first check, or access back after a denial: the subscription is active (again)
            Instant lastRead = sharedMailboxes.lastSyncedAt(address).orElse(null);
            if ("denied".equals(before)) {
                Log.infof("account %s may read a shared mailbox again: its subscription is active again", accountId);
            }
            status.progress(0, lastRead);
        }
        return outcome;
    }
}
