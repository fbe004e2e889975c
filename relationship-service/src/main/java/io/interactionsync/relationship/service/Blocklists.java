package io.interactionsync.relationship.service;

import java.util.Collection;

/** Blocklist matching (SPEC §3.3): lower-case addresses, or {@code @domain} for the domain and its subdomains. */
public final class Blocklists {

    private Blocklists() {
    }

    public static boolean blocked(String contactEmail, Collection<String> entries) {
        if (entries == null || entries.isEmpty() || contactEmail == null) {
            return false;
        }
        String contact = contactEmail.toLowerCase(java.util.Locale.ROOT);
        String domain = contact.substring(contact.indexOf('@') + 1);
        for (String entry : entries) {
            if (entry.startsWith("@")) {
                String blocked = entry.substring(1);
                if (domain.equals(blocked) || domain.endsWith("." + blocked)) {
                    return true;
                }
            } else if (contact.equals(entry)) {
                return true;
            }
        }
        return false;
    }
}
