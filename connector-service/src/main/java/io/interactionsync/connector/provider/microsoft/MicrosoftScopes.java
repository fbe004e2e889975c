package io.interactionsync.connector.provider.microsoft;

import java.util.Collection;
import java.util.Locale;
import java.util.Set;

/**
 * Microsoft identity platform / Graph delegated scopes. Requests use the full Graph URIs; token responses
 * report the short form ({@code Mail.ReadBasic}), so matching strips the Graph prefix and ignores case.
 */
public final class MicrosoftScopes {

    public static final String GRAPH = "https://graph.microsoft.com/";
    public static final String OFFLINE_ACCESS = "offline_access";
    public static final String OPENID = "openid";
    public static final String PROFILE = "profile";
    public static final String EMAIL = "email";
    public static final String USER_READ = GRAPH + "User.Read";
    public static final String MAIL_READ_BASIC = GRAPH + "Mail.ReadBasic";
    public static final String CALENDARS_READ_BASIC = GRAPH + "Calendars.ReadBasic";
    public static final String MAIL_READ_BASIC_SHARED = GRAPH + "Mail.ReadBasic.Shared";
    public static final String CALENDARS_READ_SHARED = GRAPH + "Calendars.Read.Shared";

    static final Set<String> OWN_MAIL = Set.of("mail.readbasic", "mail.read", "mail.readwrite");
    static final Set<String> OWN_CALENDAR = Set.of("calendars.readbasic", "calendars.read", "calendars.readwrite");
    static final Set<String> SHARED_MAIL = Set.of("mail.readbasic.shared", "mail.read.shared", "mail.readwrite.shared");
    static final Set<String> SHARED_CALENDAR = Set.of("calendars.read.shared", "calendars.readwrite.shared");

    private MicrosoftScopes() {
    }

    /** {@code https://graph.microsoft.com/Mail.Read} and {@code Mail.Read} both become {@code mail.read}. */
    static String canonical(String scope) {
        String s = scope.trim().toLowerCase(Locale.ROOT);
        return s.startsWith(GRAPH.toLowerCase(Locale.ROOT)) ? s.substring(GRAPH.length()) : s;
    }

    static boolean anyOf(Collection<String> granted, Set<String> wanted) {
        return granted.stream().map(MicrosoftScopes::canonical).anyMatch(wanted::contains);
    }
}
