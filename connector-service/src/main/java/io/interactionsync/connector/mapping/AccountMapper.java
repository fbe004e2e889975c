package io.interactionsync.connector.mapping;

import io.interactionsync.connector.Account;
import io.interactionsync.connector.SharedMailbox;
import io.interactionsync.connector.SourceSyncStatus;
import io.interactionsync.connector.provider.OAuthProviders;
import io.interactionsync.connector.rest.dto.AccountView;
import io.interactionsync.connector.rest.dto.AccountView.CompletenessView;
import io.interactionsync.connector.rest.dto.AccountView.PushView;
import io.interactionsync.connector.rest.dto.AccountView.SourceView;
import io.interactionsync.connector.rest.dto.SharedMailboxView;
import io.interactionsync.connector.service.SourcePolicy;
import io.interactionsync.model.Source;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Builds the Account JSON, aggregating per-source sync status into {@code syncStatus}. */
@ApplicationScoped
public class AccountMapper {

    private final SourcePolicy sourcePolicy;
    private final OAuthProviders providers;

    public AccountMapper(SourcePolicy sourcePolicy, OAuthProviders providers) {
        this.sourcePolicy = sourcePolicy;
        this.providers = providers;
    }

    public AccountView toView(Account account, Collection<SourceSyncStatus> statuses) {
        return toView(account, statuses, List.of());
    }

    public AccountView toView(Account account, Collection<SourceSyncStatus> statuses, List<SharedMailbox> sharedMailboxes) {
        List<Source> enabled = sourcePolicy.enabledSources(account);
        Map<String, SourceView> sources = new LinkedHashMap<>();
        List<String> states = new ArrayList<>();
        for (Source source : providers.get(account.provider).sources()) {
            SourceSyncStatus own = find(account, statuses, source, SourceSyncStatus.OWN_MAILBOX);
            boolean on = enabled.contains(source);
            String state = !on ? "disabled" : own == null ? "pending" : own.state;
            if (on) {
                states.add(state);
            }
            long fetched = own == null ? 0 : own.fetched;
            sources.put(source.wireName(), new SourceView(on, state, fetched,
                    own == null ? null : estimate(fetched, own.estimatedTotal), own == null ? null : own.lastSyncedAt,
                    own == null ? null : own.lastError, own == null ? null : CompletenessView.of(own.completeness()),
                    on ? PushView.of(own) : null));
        }
        // Shared mailboxes are mail only; their reports are not aggregated into syncStatus (another subscriber's job
        // may read a mailbox, so one account may never get a report of its own for it).
        List<SharedMailboxView> shared = sharedMailboxes(account, statuses, sharedMailboxes, enabled);
        return new AccountView(account.id.toString(), account.provider.name().toLowerCase(Locale.ROOT), account.email,
                account.scopeList(), sources, aggregate(account, states), shared, account.createdAt);
    }

    /**
     * The account's shared mailboxes as its owner sees them; {@code statuses} must hold the account's reports and
     * every report of these mailboxes (any subscriber's).
     */
    public List<SharedMailboxView> sharedMailboxes(Account account, Collection<SourceSyncStatus> statuses,
                                                   List<SharedMailbox> sharedMailboxes) {
        return sharedMailboxes(account, statuses, sharedMailboxes, sourcePolicy.enabledSources(account));
    }

    private static List<SharedMailboxView> sharedMailboxes(Account account, Collection<SourceSyncStatus> statuses,
                                                           List<SharedMailbox> sharedMailboxes, List<Source> enabled) {
        boolean mailOn = enabled.contains(Source.OUTLOOK_MAIL);
        List<SharedMailboxView> shared = new ArrayList<>(sharedMailboxes.size());
        for (SharedMailbox m : sharedMailboxes) {
            String address = m.key.address;
            SourceSyncStatus s = sharedMailbox(account, statuses, address);
            String syncState = !mailOn ? "disabled" : s == null ? "pending" : s.state;
            // One state to read: a subscription that is refused or suspended says so whatever the last sync said.
            String state = SharedMailbox.ACCESS_DENIED.equals(m.state) || SharedMailbox.SUSPENDED.equals(m.state)
                    ? m.state : syncState;
            shared.add(new SharedMailboxView(address, m.addedAt, state, m.state, s == null ? null : s.lastSyncedAt,
                    s == null ? null : s.lastError, s == null ? null : CompletenessView.of(s.completeness()),
                    mailOn ? PushView.of(s) : null));
        }
        return shared;
    }

    /**
     * A provider's estimate below what was already fetched is stale (Gmail's resultSizeEstimate, a delta's count):
     * never show fewer expected than fetched.
     */
    static Long estimate(long fetched, Long estimatedTotal) {
        return estimatedTotal == null ? null : Math.max(fetched, estimatedTotal);
    }

    /**
     * The state of a shared mailbox for this subscriber: its own report, unless another subscriber's job read the
     * mailbox more recently (it is read once for all of them) — except that a refusal of this subscriber's own access
     * (access_denied, reauth_required, error) is never hidden by someone else's success.
     */
    private static SourceSyncStatus sharedMailbox(Account account, Collection<SourceSyncStatus> statuses, String address) {
        SourceSyncStatus own = find(account, statuses, Source.OUTLOOK_MAIL, address);
        if (own != null && Set.of("access_denied", "reauth_required", "error").contains(own.state)) {
            return own;
        }
        SourceSyncStatus newest = statuses.stream()
                .filter(s -> s.key.source.equals(Source.OUTLOOK_MAIL.wireName()) && s.key.mailbox.equalsIgnoreCase(address)
                        && Set.of("syncing", "synced", "incomplete").contains(s.state))
                .max(java.util.Comparator.comparing((SourceSyncStatus s) -> s.reportedAt)).orElse(null);
        return newest == null || own != null && !own.reportedAt.isBefore(newest.reportedAt) ? own : newest;
    }

    private static SourceSyncStatus find(Account account, Collection<SourceSyncStatus> statuses, Source source,
                                         String mailbox) {
        return statuses.stream()
                .filter(s -> s.key.accountId.equals(account.id) && s.key.source.equals(source.wireName())
                        && s.key.mailbox.equalsIgnoreCase(mailbox))
                .findFirst().orElse(null);
    }

    /**
     * Worst first: reauth_required > error > syncing / pending > incomplete > synced. All pending (or nothing enabled)
     * is pending; a mix that still has pending or syncing sources is syncing; sources that are all caught up are
     * incomplete when any one's last completeness audit left gaps, else synced.
     */
    static String aggregate(Account account, List<String> states) {
        if (account.status == Account.Status.REAUTH_REQUIRED || states.contains("reauth_required")) {
            return "reauth_required";
        }
        if (states.contains("error") || states.contains("access_denied")) {
            return "error";
        }
        if (states.isEmpty() || states.stream().allMatch("pending"::equals)) {
            return "pending";
        }
        if (states.stream().allMatch(s -> s.equals("synced") || s.equals("incomplete"))) {
            return states.contains("incomplete") ? "incomplete" : "synced";
        }
        return "syncing";
    }
}
