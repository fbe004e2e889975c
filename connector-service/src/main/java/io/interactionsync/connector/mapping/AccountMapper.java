package io.interactionsync.connector.mapping;

import io.interactionsync.connector.Account;
import io.interactionsync.connector.SourceSyncStatus;
import io.interactionsync.connector.provider.OAuthProviders;
import io.interactionsync.connector.rest.dto.AccountView;
import io.interactionsync.connector.rest.dto.AccountView.SourceView;
import io.interactionsync.connector.service.SourcePolicy;
import io.interactionsync.model.Source;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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

    public AccountView toView(Account account, Collection<SourceSyncStatus> statuses, List<String> sharedMailboxes) {
        List<Source> enabled = sourcePolicy.enabledSources(account);
        Map<String, SourceView> sources = new LinkedHashMap<>();
        List<String> states = new ArrayList<>();
        for (Source source : providers.get(account.provider).sources()) {
            SourceSyncStatus own = statuses.stream()
                    .filter(s -> s.key.accountId.equals(account.id) && s.key.source.equals(source.wireName())
                            && SourceSyncStatus.OWN_MAILBOX.equals(s.key.mailbox))
                    .findFirst().orElse(null);
            boolean on = enabled.contains(source);
            String state = !on ? "disabled" : own == null ? "pending" : own.state;
            if (on) {
                states.add(state);
            }
            sources.put(source.wireName(), new SourceView(on, state, own == null ? 0 : own.fetched,
                    own == null ? null : own.estimatedTotal, own == null ? null : own.lastSyncedAt,
                    own == null ? null : own.lastError));
        }
        return new AccountView(account.id.toString(), account.provider.name().toLowerCase(Locale.ROOT), account.email,
                account.scopeList(), sources, aggregate(account, states), sharedMailboxes, account.createdAt);
    }

    /** reauth_required > error > syncing > pending > synced; a mix of synced and pending counts as syncing. */
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
        if (states.stream().allMatch("synced"::equals)) {
            return "synced";
        }
        return "syncing";
    }
}
