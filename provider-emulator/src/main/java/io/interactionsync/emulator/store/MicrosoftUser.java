package io.interactionsync.emulator.store;

import java.util.Locale;
import java.util.Set;

/**
 * A Microsoft account: object id, tenant, personal (MSA) or work/school, its mailbox and calendar, the shared mailboxes it has
 * FullAccess to, and an optional consent error to answer ({@code AADSTS65001} or {@code AADSTS90094}).
 */
public record MicrosoftUser(String upn, String id, String displayName, String tenantId, boolean personal,
        GraphMailbox mailbox, GraphCalendar calendar, Set<String> fullAccessTo, String consentError) {

    /** The tenant id of every personal Microsoft account. */
    public static final String PERSONAL_TENANT = "9188040d-6c67-4c5b-b112-36a304b66dad";

    public MicrosoftUser {
        upn = upn.toLowerCase(Locale.ROOT);
        fullAccessTo = Set.copyOf(fullAccessTo.stream().map(a -> a.toLowerCase(Locale.ROOT)).toList());
    }

    /** A stable object id derived from the UPN. */
    public static String defaultId(String upn) {
        return java.util.UUID.nameUUIDFromBytes(("user:" + upn.toLowerCase(Locale.ROOT))
                .getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
    }

    /** A stable tenant id derived from the domain. */
    public static String defaultTenant(String domain) {
        return java.util.UUID.nameUUIDFromBytes(("tenant:" + domain.toLowerCase(Locale.ROOT))
                .getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
    }

    /** The same user (same mailbox, calendar and tokens) with FullAccess to exactly {@code addresses}. */
    public MicrosoftUser withFullAccessTo(Set<String> addresses) {
        return new MicrosoftUser(upn, id, displayName, tenantId, personal, mailbox, calendar, addresses, consentError);
    }

    public boolean hasFullAccessTo(String address) {
        return fullAccessTo.contains(address.toLowerCase(Locale.ROOT));
    }
}
