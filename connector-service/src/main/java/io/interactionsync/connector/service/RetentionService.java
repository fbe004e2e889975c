package io.interactionsync.connector.service;

import io.interactionsync.connector.RetentionPolicy;
import io.interactionsync.connector.TeamCollection;
import io.interactionsync.connector.config.ConnectorConfig;
import io.interactionsync.connector.repository.CollectionRepository;
import io.interactionsync.connector.repository.RetentionPolicyRepository;
import io.interactionsync.connector.rest.dto.RetentionRequest;
import io.interactionsync.connector.rest.dto.RetentionView;
import io.interactionsync.connector.rest.problem.ApiException;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Team retention policies ({@code PUT/GET /api/v1/collections/{id}/retention}) and what they mean for one user: the
 * user belongs to every collection whose member emails hold one of the user's addresses (the portal email and the
 * account's address). Several teams: the strictest wins — any team that purges makes the disconnect purge, the
 * shortest team window applies. No team with a policy: the global defaults ({@code connector.retention.*}).
 */
@ApplicationScoped
public class RetentionService {

    /** Upper bound of a team window (100 years): anything longer is a typo. */
    public static final int MAX_EVENT_MONTHS = 1200;

    private final RetentionPolicyRepository policies;
    private final CollectionRepository collections;
    private final DirectoryService directory;
    private final EventPublisher publisher;
    private final ConnectorConfig config;
    private final Clock clock;

    public RetentionService(RetentionPolicyRepository policies, CollectionRepository collections,
                            DirectoryService directory, EventPublisher publisher, ConnectorConfig config, Clock clock) {
        this.publisher = publisher;
        this.policies = policies;
        this.collections = collections;
        this.directory = directory;
        this.config = config;
        this.clock = clock;
    }

    /** Where an effective policy comes from. */
    public enum Origin {
        /** {@code connector.retention.*}: no team of the user has a policy. */
        DEFAULT,
        /** One or more of the user's team collections. */
        TEAM
    }

    /**
     * The retention that applies to a user: what a disconnect without {@code ?purge=} does, the events window in
     * months (null: none), where that comes from and which collections set it.
     *
     * @param teamRequiresPurge a team policy says purge, so {@code ?purge=false} cannot keep the data
     */
    public record Effective(String onDisconnect, Integer eventMonths, Origin origin, List<String> collections,
                            boolean teamRequiresPurge) {
    }

    /** What a disconnect does with the account's data, and why. */
    public enum Reason {
        /** The caller asked ({@code ?purge=true}, or {@code ?purge=false} where the policy allows keeping). */
        REQUESTED,
        /** A team policy decided (its {@code onDisconnect}, or it requires a purge the caller asked to skip). */
        TEAM_POLICY,
        /** The global default {@code connector.retention.on-disconnect} decided. */
        DEFAULT_POLICY;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public record Decision(boolean purge, Reason reason) {
    }

    /**
     * Whether a disconnect purges. {@code ?purge=true} always purges (erasure is never refused). {@code ?purge=false}
     * keeps unless a team policy says purge. No parameter: the team policy, else the global default.
     */
    public static Decision decide(Boolean requested, Effective policy) {
        if (Boolean.TRUE.equals(requested)) {
            return new Decision(true, Reason.REQUESTED);
        }
        if (Boolean.FALSE.equals(requested)) {
            return policy.teamRequiresPurge() ? new Decision(true, Reason.TEAM_POLICY)
                    : new Decision(false, Reason.REQUESTED);
        }
        return new Decision(RetentionPolicy.PURGE.equals(policy.onDisconnect()),
                policy.origin() == Origin.TEAM ? Reason.TEAM_POLICY : Reason.DEFAULT_POLICY);
    }

    /** The strictest of the team policies, or the global defaults when there are none (pure). */
    public static Effective combine(List<RetentionPolicy> teamPolicies, ConnectorConfig.Retention defaults) {
        String defaultOnDisconnect = defaults.onDisconnect().name().toLowerCase(Locale.ROOT);
        Integer defaultMonths = defaults.eventMonths() > 0 ? defaults.eventMonths() : null;
        if (teamPolicies.isEmpty()) {
            return new Effective(defaultOnDisconnect, defaultMonths, Origin.DEFAULT, List.of(), false);
        }
        boolean purge = teamPolicies.stream().anyMatch(p -> RetentionPolicy.PURGE.equals(p.onDisconnect));
        Integer months = teamPolicies.stream().map(p -> p.eventMonths).filter(Objects::nonNull)
                .min(Integer::compare).orElse(defaultMonths);
        return new Effective(purge ? RetentionPolicy.PURGE : RetentionPolicy.KEEP, months, Origin.TEAM,
                teamPolicies.stream().map(p -> p.collectionId).toList(), purge);
    }

    /** The policy that applies to a user with these addresses (blank or malformed ones are ignored). */
    public Effective effectiveFor(Collection<String> emails) {
        Set<String> keys = new LinkedHashSet<>();
        for (String email : emails) {
            String n = Addresses.normaliseEmail(email);
            if (n != null) {
                keys.add(n);
            }
        }
        List<RetentionPolicy> found = QuarkusTransaction.joiningExisting().call(() -> policies.forMembers(keys));
        return combine(found, config.retention());
    }

    public RetentionView put(String collectionId, RetentionRequest request, String adminId) {
        DirectoryService.requireValidId(collectionId);
        String onDisconnect = request.onDisconnect();
        Integer months = request.eventMonths();
        Instant now = clock.instant();
        long queued = QuarkusTransaction.requiringNew().call(() -> {
            TeamCollection c = collections.findByIdOptional(collectionId).orElseThrow(RetentionService::noCollection);
            RetentionPolicy p = policies.findByIdOptional(collectionId).orElseGet(() -> {
                RetentionPolicy fresh = new RetentionPolicy();
                fresh.collectionId = collectionId;
                return fresh;
            });
            p.onDisconnect = onDisconnect;
            p.eventMonths = months;
            p.updatedBy = adminId;
            p.updatedAt = now;
            if (!policies.isPersistent(p)) {
                policies.persist(p);
            }
            // The normalizer learns the team's window with the collection's directory (directory_changed).
            return directory.publish(c, months, now);
        });
        publisher.awaitPublished(queued);
        Log.infof("collection %s retention: on disconnect %s, events %s", collectionId, onDisconnect,
                months == null ? "global window" : months + " months");
        return new RetentionView(collectionId, onDisconnect, months, false, now);
    }

    /** The collection's policy; one without its own shows the global defaults ({@code defaults: true}). */
    public RetentionView get(String collectionId) {
        DirectoryService.requireValidId(collectionId);
        return QuarkusTransaction.requiringNew().call(() -> {
            collections.findByIdOptional(collectionId).orElseThrow(RetentionService::noCollection);
            return policies.findByIdOptional(collectionId)
                    .map(p -> new RetentionView(collectionId, p.onDisconnect, p.eventMonths, false, p.updatedAt))
                    .orElseGet(() -> {
                        Effective d = combine(List.of(), config.retention());
                        return new RetentionView(collectionId, d.onDisconnect(), d.eventMonths(), true, null);
                    });
        });
    }

    private static ApiException noCollection() {
        return new ApiException(404, "collection_not_found", "No such collection; create it with PUT "
                + "/api/v1/collections/{id} first.", Map.of());
    }
}
