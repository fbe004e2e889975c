package io.interactionsync.normalizer.rules;

import io.interactionsync.normalizer.parse.AddressKeys;
import java.util.Set;

/**
 * Who is who for one mailbox (R-B1, R-B2), all as identity keys.
 *
 * @param ownerKeys       the account's own addresses: its email, aliases seen in the From of its SENT
 *                        messages, the shared address for shared mailboxes (R-B1)
 * @param colleagueKeys   member emails of every collection the user belongs to (R-B2)
 * @param internalDomains the collections' internal domains, lower-case ASCII (R-B2)
 * @param history         what the user has sent before (R-C6, R-C7)
 */
public record MailboxContext(Set<String> ownerKeys, Set<String> colleagueKeys, Set<String> internalDomains,
                             History history) {

    public boolean isOwner(String key) {
        return ownerKeys.contains(key);
    }

    /** Internal = owner ∪ team directory ∪ internal domains (and their subdomains). Never a contact. */
    public boolean isInternal(String key) {
        if (ownerKeys.contains(key) || colleagueKeys.contains(key)) {
            return true;
        }
        String domain = AddressKeys.domainOf(key);
        for (String internal : internalDomains) {
            if (domain.equals(internal) || domain.endsWith("." + internal)) {
                return true;
            }
        }
        return false;
    }
}
