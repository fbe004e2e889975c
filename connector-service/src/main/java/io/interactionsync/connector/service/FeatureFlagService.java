package io.interactionsync.connector.service;

import io.interactionsync.connector.Account;
import io.interactionsync.connector.repository.AccountRepository;
import io.interactionsync.connector.rest.dto.FeatureFlagsView;
import io.interactionsync.connector.rest.problem.ApiException;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Per-account feature flags (issue 4 item 7). An account flag can only narrow the global one: a source syncs when
 * its flag is on globally and for the account. Takes effect on the next sync request (connect, manual, schedule).
 */
@ApplicationScoped
public class FeatureFlagService {

    private final AccountRepository accounts;
    private final SourcePolicy sourcePolicy;
    private final Clock clock;

    public FeatureFlagService(AccountRepository accounts, SourcePolicy sourcePolicy, Clock clock) {
        this.accounts = accounts;
        this.sourcePolicy = sourcePolicy;
        this.clock = clock;
    }

    public FeatureFlagsView get(UUID id) {
        return QuarkusTransaction.requiringNew().call(() -> view(find(id)));
    }

    public FeatureFlagsView update(UUID id, Map<String, Boolean> changes, String adminId) {
        for (Map.Entry<String, Boolean> e : changes.entrySet()) {
            if (!SourcePolicy.FLAGS.contains(e.getKey())) {
                throw ApiException.badRequest("unknown_feature_flag", "Unknown feature flag '" + e.getKey()
                        + "' (known: " + String.join(", ", SourcePolicy.FLAGS) + ").");
            }
            if (e.getValue() == null) {
                throw ApiException.badRequest("validation_failed", e.getKey() + ": must be true or false");
            }
        }
        FeatureFlagsView view = QuarkusTransaction.requiringNew().call(() -> {
            Account a = accounts.findForUpdate(id).filter(x -> x.status != Account.Status.DISCONNECTED)
                    .orElseThrow(() -> ApiException.notFound("account_not_found", "No such account."));
            Set<String> off = new TreeSet<>(a.disabledFeatureSet());
            changes.forEach((flag, on) -> {
                if (on) {
                    off.remove(flag);
                } else {
                    off.add(flag);
                }
            });
            a.disabledFeatures = String.join(" ", off);
            a.updatedAt = clock.instant();
            return view(a);
        });
        Log.infof("feature flags of account %s changed by %s: %s", id, adminId, changes);
        return view;
    }

    private Account find(UUID id) {
        return accounts.findByIdOptional(id).filter(a -> a.status != Account.Status.DISCONNECTED)
                .orElseThrow(() -> ApiException.notFound("account_not_found", "No such account."));
    }

    private FeatureFlagsView view(Account a) {
        Set<String> off = a.disabledFeatureSet();
        Map<String, FeatureFlagsView.Flag> flags = new LinkedHashMap<>();
        for (String flag : SourcePolicy.FLAGS) {
            boolean global = sourcePolicy.globallyOn(flag);
            boolean account = !off.contains(flag);
            flags.put(flag, new FeatureFlagsView.Flag(global, account, global && account));
        }
        return new FeatureFlagsView(a.id.toString(), flags);
    }
}
