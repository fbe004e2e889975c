package io.interactionsync.connector.service;

import io.interactionsync.connector.TeamCollection;
import io.interactionsync.connector.repository.CollectionRepository;
import io.interactionsync.connector.repository.RetentionPolicyRepository;
import io.interactionsync.connector.rest.dto.CollectionRequest;
import io.interactionsync.connector.rest.dto.CollectionListView;
import io.interactionsync.connector.rest.dto.CollectionView;
import io.quarkus.panache.common.Sort;
import io.interactionsync.connector.rest.problem.ApiException;
import io.interactionsync.model.AccountEvent;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/** The team directory: collections of member addresses and internal domains, announced as {@code directory_changed}. */
@ApplicationScoped
public class DirectoryService {

    private static final Pattern COLLECTION_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final CollectionRepository collections;
    private final RetentionPolicyRepository retention;
    private final EventPublisher publisher;
    private final Clock clock;

    public DirectoryService(CollectionRepository collections, RetentionPolicyRepository retention,
                            EventPublisher publisher, Clock clock) {
        this.collections = collections;
        this.retention = retention;
        this.publisher = publisher;
        this.clock = clock;
    }

    public CollectionView put(String id, CollectionRequest request, String adminId) {
        requireValidId(id);
        List<String> members = normalise(request.memberEmails(), Addresses::normaliseEmail, "memberEmails", "email address");
        List<String> domains = normalise(request.internalDomains(), Addresses::normaliseDomain, "internalDomains", "domain");
        String name = request.name().trim();
        Instant now = clock.instant();
        long queued = QuarkusTransaction.requiringNew().call(() -> {
            TeamCollection c = collections.findByIdOptional(id).orElseGet(() -> {
                TeamCollection fresh = new TeamCollection();
                fresh.id = id;
                return fresh;
            });
            c.name = name;
            c.memberEmails = members;
            c.internalDomains = domains;
            c.updatedBy = adminId;
            c.updatedAt = now;
            if (!collections.isPersistent(c)) {
                collections.persist(c);
            }
            Integer eventMonths = retention.findByIdOptional(id).map(r -> r.eventMonths).orElse(null);
            return publish(id, name, members, domains, eventMonths, now);
        });
        publisher.awaitPublished(queued);
        Log.infof("collection %s updated: %d members, %d internal domains", id, members.size(), domains.size());
        return new CollectionView(id, name, members, domains, now);
    }

    /**
     * Queues a collection's state, its team retention window included ({@code directory_changed}), in the caller's
     * transaction; returns the outbox id.
     */
    public long publish(TeamCollection c, Integer eventMonths, Instant at) {
        return publish(c.id, c.name, c.memberEmails, c.internalDomains, eventMonths, at);
    }

    private long publish(String id, String name, List<String> members, List<String> domains, Integer eventMonths,
                         Instant at) {
        return publisher.publish(new AccountEvent(AccountEvent.SCHEMA_VERSION, AccountEvent.Type.DIRECTORY_CHANGED, id, null,
                null, null, null, null, null, null,
                new AccountEvent.Directory(id, name, List.copyOf(members), List.copyOf(domains), eventMonths), at));
    }

    public CollectionView get(String id) {
        requireValidId(id);
        return QuarkusTransaction.requiringNew().call(() -> collections.findByIdOptional(id)
                .map(c -> new CollectionView(c.id, c.name, c.memberEmails, c.internalDomains, c.updatedAt))
                .orElseThrow(() -> ApiException.notFound("collection_not_found", "No such collection.")));
    }

    /** Every collection, by id. */
    public CollectionListView list() {
        return QuarkusTransaction.requiringNew().call(() -> new CollectionListView(collections.listAll(Sort.by("id"))
                .stream().map(c -> new CollectionView(c.id, c.name, c.memberEmails, c.internalDomains, c.updatedAt))
                .toList()));
    }

    static void requireValidId(String id) {
        if (id == null || !COLLECTION_ID.matcher(id).matches()) {
            throw ApiException.badRequest("invalid_collection_id",
                    "A collection id is 1-64 characters of letters, digits, '.', '_' or '-'.");
        }
    }

    private static List<String> normalise(List<String> raw, UnaryOperator<String> normaliser, String field, String what) {
        Set<String> out = new LinkedHashSet<>();
        List<String> bad = new ArrayList<>();
        for (String value : raw) {
            String n = normaliser.apply(value);
            if (n == null) {
                bad.add(value);
            } else {
                out.add(n);
            }
        }
        if (!bad.isEmpty()) {
            throw new ApiException(400, "invalid_" + (what.equals("domain") ? "domain" : "email"),
                    field + " contains " + bad.size() + " malformed " + what + (bad.size() == 1 ? "" : "es")
                            + ", e.g. '" + abbreviate(bad.get(0)) + "'.",
                    Map.of("field", field));
        }
        return List.copyOf(out);
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }
}
