package io.interactionsync.emulator.microsoft.identity;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Microsoft Graph delegated scopes as the identity platform reports them (short names for Graph scopes). */
public final class MicrosoftScopes {

    public static final String GRAPH = "https://graph.microsoft.com/";
    public static final Set<String> OIDC = Set.of("openid", "profile", "email", "offline_access");
    public static final Set<String> MAIL_OWN = Set.of("Mail.ReadBasic", "Mail.Read", "Mail.ReadWrite");
    public static final Set<String> MAIL_SHARED = Set.of("Mail.ReadBasic.Shared", "Mail.Read.Shared", "Mail.ReadWrite.Shared");
    public static final Set<String> MAIL_BODY = Set.of("Mail.Read", "Mail.ReadWrite", "Mail.Read.Shared", "Mail.ReadWrite.Shared");
    public static final Set<String> CALENDAR_OWN = Set.of("Calendars.ReadBasic", "Calendars.Read", "Calendars.ReadWrite");
    public static final Set<String> CALENDAR_SHARED = Set.of("Calendars.Read.Shared", "Calendars.ReadWrite.Shared");
    public static final Set<String> USER_READ = Set.of("User.Read", "User.ReadBasic.All", "User.Read.All");

    private MicrosoftScopes() {
    }

    /** Requested scopes in their canonical short form (Graph resource prefix removed), or null if one is unknown. */
    public static List<String> parse(String scope) {
        Set<String> out = new LinkedHashSet<>();
        for (String s : scope.trim().split("\\s+")) {
            if (s.isEmpty()) {
                continue;
            }
            String lower = s.toLowerCase(Locale.ROOT);
            if (OIDC.contains(lower)) {
                out.add(lower);
            } else if (lower.equals(GRAPH + ".default")) {
                out.addAll(List.of("User.Read", "Mail.ReadBasic", "Mail.ReadBasic.Shared", "Calendars.ReadBasic"));
            } else {
                String name = lower.startsWith(GRAPH) ? s.substring(GRAPH.length()) : s;
                if (!name.matches("[A-Za-z]+(\\.[A-Za-z]+)+")) {
                    return null;
                }
                out.add(name);
            }
        }
        return new ArrayList<>(out);
    }
}
