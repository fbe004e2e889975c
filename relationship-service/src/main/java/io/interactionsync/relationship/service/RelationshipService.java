package io.interactionsync.relationship.service;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.interactionsync.relationship.config.RelationshipConfig;
import io.interactionsync.relationship.repository.Db;
import io.interactionsync.relationship.repository.QueryRepository;
import io.interactionsync.relationship.repository.QueryRepository.After;
import io.interactionsync.relationship.repository.TieRow;
import io.interactionsync.relationship.scoring.Reachability;
import io.interactionsync.relationship.scoring.StrengthRules;
import io.interactionsync.relationship.scoring.Tier;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** The read side: anchored sums → strengths, tiers, explanations and the team view at a given time. */
@ApplicationScoped
public class RelationshipService {

    private final Db db;
    private final QueryRepository queries;
    private final StrengthRules rules;
    private final RelationshipConfig config;

    public RelationshipService(Db db, QueryRepository queries, IngestService ingest, RelationshipConfig config) {
        this.db = db;
        this.queries = queries;
        this.rules = ingest.rules();
        this.config = config;
    }

    /** One contact of the caller. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Relationship(String contactEmail, String contactName, double strength, Tier tier,
                               Instant lastInteractionAt, int emailsSent, int emailsReceived, int meetings,
                               boolean twoWay, boolean capped, Signals signals, List<Explanation> explanation) {
    }

    /** O, I and M of the formula, decayed to the listing's time. */
    public record Signals(double outbound, double inbound, double meetings) {
    }

    /** A top contributing interaction: its decayed weight ({@code contribution}) and where it comes from. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Explanation(String eventId, String kind, String direction, String role, Instant occurredAt,
                              double weight, double contribution, String source, String threadId,
                              String internetMessageId) {
    }

    /** A page of rows and the position after its last one (null on the last page). */
    public record Page<T>(List<T> items, After next) {
    }

    public Page<Relationship> list(String userId, String contact, Double minStrength, int limit, Instant asOf,
                                   After after) {
        double f = rules.decayFactor(asOf);
        double capKey = rules.keyFor(config.scoring().oneWayCap()) / f;
        double minKey = minStrength == null ? Double.NEGATIVE_INFINITY : rules.keyFor(minStrength) / f;
        List<TieRow> rows = db.inTransaction(c -> queries.page(c, userId, contact, capKey, minKey, after, limit + 1));
        List<Relationship> items = new ArrayList<>();
        for (TieRow row : rows.subList(0, Math.min(limit, rows.size()))) {
            items.add(relationship(row, f, null));
        }
        TieRow last = rows.size() > limit ? rows.get(limit - 1) : null;
        return new Page<>(items, last == null ? null : new After(last.effectiveKey(), last.contactEmail()));
    }

    /** The caller's tie with {@code contact} with its top three interactions, or null. */
    public Relationship one(String userId, String contact, Instant asOf) {
        double f = rules.decayFactor(asOf);
        double capKey = rules.keyFor(config.scoring().oneWayCap()) / f;
        return db.inTransaction(c -> {
            List<TieRow> rows = queries.page(c, userId, contact, capKey, Double.NEGATIVE_INFINITY, null, 1);
            if (rows.isEmpty()) {
                return null;
            }
            List<Explanation> why = queries.topContributions(c, userId, contact, asOf,
                    config.query().explanationSize()).stream()
                    .map(k -> new Explanation(k.eventId(), k.kind(), k.direction(), k.role(), k.occurredAt(),
                            round3(k.weight()), round3(k.anchored() * f), k.source(), k.threadId(),
                            k.internetMessageId()))
                    .toList();
            return relationship(rows.getFirst(), f, why);
        });
    }

    private Relationship relationship(TieRow row, double f, List<Explanation> explanation) {
        double strength = StrengthRules.rounded(rules.strength(f * row.scoreKey(), row.uncapped()));
        boolean capped = !row.uncapped() && rules.strength(f * row.scoreKey(), true) > config.scoring().oneWayCap();
        return new Relationship(row.contactEmail(), row.contactName(), strength, rules.tier(strength),
                row.lastInteractionAt(), row.emailsSent(), row.emailsReceived(), row.meetings(),
                row.outSum() > 0 && row.inSum() > 0, capped,
                new Signals(round3(f * row.outSum()), round3(f * row.inSum()), round3(f * row.meetSum())), explanation);
    }

    /** A member's strength with a contact. */
    public record MemberStrength(String userId, String email, double strength, Tier tier) {
    }

    /** One outside contact of a team. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TeamRelationship(String contactEmail, String contactName, MemberStrength keyConnection,
                                   Reachability reachability, List<MemberStrength> members, Instant lastInteractionAt,
                                   long teamEmails, long teamMeetings) {
    }

    /** A collection as the API sees it: null when unknown. */
    public record Team(String collectionId, List<String> memberEmails, List<String> internalDomains,
                       Map<String, String> membersByUserId) {
    }

    /**
     * The collection's members: its member emails resolved to user ids through the accounts' emails, plus the caller
     * when their JWT email is a member email (they may have connected no account yet). Null when unknown.
     */
    public Team team(String collectionId, String callerId, String callerEmail) {
        return db.inTransaction(c -> {
            QueryRepository.CollectionRow collection = queries.collection(c, collectionId);
            if (collection == null) {
                return null;
            }
            List<String> emails = collection.memberEmails();
            Map<String, String> members = new java.util.LinkedHashMap<>(queries.resolveMembers(c, emails));
            if (callerEmail != null && emails.contains(callerEmail)) {
                members.putIfAbsent(callerId, callerEmail);
            }
            return new Team(collectionId, emails, collection.internalDomains(), members);
        });
    }

    public Page<TeamRelationship> teamList(Team team, String contact, int limit, Instant asOf, After after) {
        double f = rules.decayFactor(asOf);
        double capKey = rules.keyFor(config.scoring().oneWayCap()) / f;
        Set<String> userIds = team.membersByUserId().keySet();
        if (userIds.isEmpty()) {
            return new Page<>(List.of(), null);
        }
        Set<String> excluded = new HashSet<>(team.memberEmails());
        excluded.addAll(team.membersByUserId().values());
        return db.inTransaction(c -> {
            List<After> keys = queries.teamPage(c, userIds, excluded, team.internalDomains(), contact, capKey, after,
                    limit + 1);
            List<After> page = keys.subList(0, Math.min(limit, keys.size()));
            if (page.isEmpty()) {
                return new Page<>(List.of(), null);
            }
            Set<String> contacts = page.stream().map(After::contact)
                    .collect(Collectors.toCollection(LinkedHashSet::new));
            Map<String, List<TieRow>> byContact = queries.ties(c, userIds, contacts, capKey).stream()
                    .collect(Collectors.groupingBy(TieRow::contactEmail));
            Map<String, QueryRepository.TeamCounts> counts = queries.teamCounts(c, userIds, contacts, asOf);
            List<TeamRelationship> items = new ArrayList<>();
            for (String contactEmail : contacts) {
                List<TieRow> ties = byContact.getOrDefault(contactEmail, List.of());
                items.add(teamRelationship(contactEmail, ties, team, f, counts.get(contactEmail)));
            }
            return new Page<>(items, keys.size() > limit ? page.getLast() : null);
        });
    }

    private TeamRelationship teamRelationship(String contactEmail, List<TieRow> ties, Team team, double f,
                                              QueryRepository.TeamCounts counts) {
        List<TieRow> sorted = ties.stream()
                .sorted(Comparator.comparingDouble(TieRow::effectiveKey).reversed().thenComparing(TieRow::userId))
                .toList();
        List<MemberStrength> members = new ArrayList<>();
        int know = 0;
        for (TieRow t : sorted) {
            double strength = StrengthRules.rounded(rules.strength(f * t.scoreKey(), t.uncapped()));
            if (strength > 0) {
                know++;
            }
            members.add(new MemberStrength(t.userId(), team.membersByUserId().get(t.userId()), strength,
                    rules.tier(strength)));
        }
        MemberStrength key = members.isEmpty() ? null : members.getFirst();
        String name = sorted.stream().filter(t -> t.contactName() != null && t.lastInteractionAt() != null)
                .max(Comparator.comparing(TieRow::lastInteractionAt)).map(TieRow::contactName).orElse(null);
        Reachability reach = StrengthRules.reachability(key == null ? null : key.tier(), know, config.reachability());
        return new TeamRelationship(contactEmail, name, key, reach, members,
                counts == null ? null : counts.lastInteractionAt(), counts == null ? 0 : counts.emails(),
                counts == null ? 0 : counts.meetings());
    }

    private static double round3(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }
}
