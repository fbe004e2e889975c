package io.interactionsync.sync.jobs;

import io.interactionsync.model.Provider;
import io.interactionsync.model.Source;
import io.interactionsync.model.SyncStatus;
import io.interactionsync.sync.JobResult;
import io.interactionsync.sync.SyncJob;
import io.interactionsync.sync.SyncServiceDefinition;
import io.interactionsync.sync.SyncSettings;
import io.interactionsync.sync.connector.AccessTokenHolder;
import io.interactionsync.sync.connector.AccountToken;
import io.interactionsync.sync.connector.ConnectorClient;
import io.interactionsync.sync.publish.StatusReporter;
import io.interactionsync.sync.publish.SyncStatusPublisher;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.function.Function;

/**
 * The account-level frame of a job, the same in every service: one token from the connector (404 → the job is
 * dropped, 409 → every requested source reports {@code reauth_required}, unavailable → retry later), the account's
 * provider checked, then the service's sources one after the other — an aborted or stopped source ends the job at
 * once, otherwise the worst outcome wins (failed over retry-later, the earliest retry). A disconnected account
 * ({@link ClosedAccounts}) does not run, and its state is erased again after a job that was running at the disconnect.
 */
@ApplicationScoped
public class AccountJobs {

    /** One requested source of the job, run by the service with the account's token holder. */
    @FunctionalInterface
    public interface SourceRun {
        JobResult run(Source source, AccessTokenHolder tokens);
    }

    private final ConnectorClient connector;
    private final SyncStatusPublisher statusPublisher;
    private final ClosedAccounts closed;
    private final Provider provider;
    private final SyncSettings settings;
    private final Clock clock = Clock.systemUTC();

    public AccountJobs(ConnectorClient connector, SyncStatusPublisher statusPublisher, ClosedAccounts closed,
                       SyncServiceDefinition service) {
        this.connector = connector;
        this.closed = closed;
        this.statusPublisher = statusPublisher;
        this.provider = service.provider();
        this.settings = service.settings();
    }

    /**
     * Runs the job's sources of this service's provider (others are ignored).
     *
     * @param refusal why this account cannot be synced at all (then the job fails), or null
     */
    public JobResult run(SyncJob job, Function<AccountToken, String> refusal, SourceRun sources) {
        String accountId = job.accountId();
        if (closed.isClosed(accountId)) {
            closed.afterJob(accountId);
            return new JobResult.Failed("account " + accountId + " was disconnected");
        }
        try {
            return runOpen(job, refusal, sources);
        } finally {
            // A disconnect while the job ran: whatever it wrote after the erasure goes too.
            closed.afterJob(accountId);
        }
    }

    private JobResult runOpen(SyncJob job, Function<AccountToken, String> refusal, SourceRun sources) {
        String accountId = job.accountId();
        AccountToken account;
        try {
            account = connector.accessToken(accountId);
        } catch (ConnectorClient.ReauthRequiredException e) {
            return reauthRequired(job, e.getMessage());
        } catch (ConnectorClient.AccountGoneException e) {
            Log.infof("account is gone, dropping its sync: %s", e.getMessage());
            return new JobResult.Failed(e.getMessage());
        } catch (ConnectorClient.ConnectorUnavailableException e) {
            return retryLater(e.getMessage());
        }
        String wire = provider.name().toLowerCase(Locale.ROOT);
        if (account.provider() != null && !wire.equalsIgnoreCase(account.provider())) {
            return new JobResult.Failed("account " + accountId + " is not a " + wire + " account");
        }
        String refused = refusal.apply(account);
        if (refused != null) {
            return new JobResult.Failed(refused);
        }
        AccessTokenHolder tokens = new AccessTokenHolder(connector, account, clock);
        JobResult result = new JobResult.Completed();
        try {
            for (Source source : job.sources()) {
                if (source.provider() != provider) {
                    continue;
                }
                JobResult sourceResult = sources.run(source, tokens);
                if (sourceResult instanceof JobResult.Aborted || sourceResult instanceof JobResult.Stopped) {
                    return sourceResult;
                }
                result = worse(result, sourceResult);
            }
            return result;
        } catch (ConnectorClient.ReauthRequiredException e) {
            return reauthRequired(job, e.getMessage());
        } catch (ConnectorClient.AccountGoneException e) {
            return new JobResult.Failed(e.getMessage());
        }
    }

    /** Every requested source reports {@code reauth_required}; the account stops until the user reconnects. */
    public JobResult reauthRequired(SyncJob job, String message) {
        Log.warnf("account needs to be reconnected; its sync stops: %s", message);
        for (Source source : job.sources()) {
            new StatusReporter(statusPublisher, job.accountId(), source, 1, settings.status().every(), clock)
                    .state(SyncStatus.State.REAUTH_REQUIRED, message);
        }
        return new JobResult.Failed("reauth_required: " + message);
    }

    /** Transient trouble: the job runs again after {@code worker.retry-delay}. */
    public JobResult retryLater(String reason) {
        return new JobResult.RetryLater(Instant.now().plus(settings.worker().retryDelay()), reason);
    }

    /** Failed beats retry-later beats completed; of two retries the earlier. */
    public static JobResult worse(JobResult a, JobResult b) {
        if (a instanceof JobResult.Failed) {
            return a;
        }
        if (b instanceof JobResult.Failed) {
            return b;
        }
        if (a instanceof JobResult.RetryLater ra && b instanceof JobResult.RetryLater rb) {
            return ra.notBefore().isBefore(rb.notBefore()) ? ra : rb;
        }
        return a instanceof JobResult.RetryLater ? a : b;
    }
}
