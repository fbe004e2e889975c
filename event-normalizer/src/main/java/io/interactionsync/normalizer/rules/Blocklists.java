package io.interactionsync.normalizer.rules;

import io.interactionsync.normalizer.parse.AddressKeys;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The blocklists that apply to a batch's users (issue 17 item 2): each user's own, and those of the team collections
 * the user belongs to (an owner address among the collection's member emails, as for colleagues, R-B2). A contact is
 * blocked when its identity key (R-A5) is an entry, or its domain is an {@code @domain} entry or a subdomain of one.
 * Pure; the service looks the lists up once per batch.
 *
 * @param byUser the users' own lists (entries as stored: keys and {@code @domain}s)
 * @param teams  the collections with a list, with their members (identity keys)
 */
public record Blocklists(Map<String, Set<String>> byUser, List<Team> teams) {

    public static final Blocklists NONE = new Blocklists(Map.of(), List.of());

    /** A team collection's list and its members. */
    public record Team(String collectionId, Set<String> memberKeys, Set<String> entries) {
    }

    public boolean isEmpty() {
        return byUser.isEmpty() && teams.isEmpty();
    }

    /** What is blocked for {@code userId}, whose owner addresses (identity keys) are {@code ownerKeys}. */
    public Matcher forUser(String userId, Collection<String> ownerKeys) {
        Set<String> entries = new HashSet<>(byUser.getOrDefault(userId, Set.of()));
        for (Team t : teams) {
            if (!Collections.disjoint(t.memberKeys(), ownerKeys)) {
                entries.addAll(t.entries());
            }
        }
        return Matcher.of(entries);
    }

    /**
     * A stored entry from a connector entry: {@code @domain} normalised as domains are, an address as its identity
     * key; empty when it is neither.
     */
    public static Optional<String> normalizeEntry(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        String s = raw.strip();
        if (s.startsWith("@")) {
            String domain = s.substring(1);
            return domain.startsWith("@") ? Optional.empty() : AddressKeys.normalizeDomain(domain).map(d -> "@" + d);
        }
        return AddressKeys.key(s);
    }

    /** Blocked identity keys and domains of one user. */
    public record Matcher(Set<String> keys, Set<String> domains) {

        public static final Matcher NOTHING = new Matcher(Set.of(), Set.of());

        static Matcher of(Set<String> entries) {
            if (entries.isEmpty()) {
                return NOTHING;
            }
            Set<String> keys = new HashSet<>();
            Set<String> domains = new HashSet<>();
            for (String e : entries) {
                (e.startsWith("@") ? domains : keys).add(e.startsWith("@") ? e.substring(1) : e);
            }
            return new Matcher(keys, domains);
        }

        public boolean isEmpty() {
            return keys.isEmpty() && domains.isEmpty();
        }

        /** Whether a contact ({@code contact_email}, already normalised) is blocked. */
        public boolean blocks(String contactEmail) {
            if (isEmpty() || contactEmail == null) {
                return false;
            }
            String key = AddressKeys.key(contactEmail).orElse(contactEmail);
            if (keys.contains(key)) {
                return true;
            }
            if (domains.isEmpty()) {
                return false;
            }
            String domain = AddressKeys.domainOf(key);
            while (true) {
                if (domains.contains(domain)) {
                    return true;
                }
                int dot = domain.indexOf('.');
                if (dot < 0) {
                    return false;
                }
                domain = domain.substring(dot + 1); // the parent domain: a.b.example → b.example → example
            }
        }
    }
}
