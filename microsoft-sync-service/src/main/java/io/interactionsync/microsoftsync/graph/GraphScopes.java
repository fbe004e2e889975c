package io.interactionsync.microsoftsync.graph;

import io.interactionsync.sync.connector.AccountToken;
import java.util.Set;

/** Graph scopes (short or full form) that let an account read its own mail, its calendar, shared mailboxes. */
public final class GraphScopes {

    public static final Set<String> MAIL = Set.of("Mail.ReadBasic", "Mail.Read", "Mail.ReadWrite");
    public static final Set<String> CALENDAR = Set.of("Calendars.ReadBasic", "Calendars.Read", "Calendars.ReadWrite");
    public static final Set<String> SHARED_MAIL = Set.of("Mail.ReadBasic.Shared", "Mail.Read.Shared", "Mail.ReadWrite.Shared");

    private static final String PREFIX = "https://graph.microsoft.com/";

    private GraphScopes() {
    }

    /** True when the account granted one of {@code any} (an unreported scope list counts as granted). */
    public static boolean granted(AccountToken account, Set<String> any) {
        return account.hasAnyScope(any, PREFIX);
    }
}
