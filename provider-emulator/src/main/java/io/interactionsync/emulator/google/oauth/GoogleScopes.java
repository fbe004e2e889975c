package io.interactionsync.emulator.google.oauth;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Google OAuth scope names and the way Google reports them back in a token response. */
public final class GoogleScopes {

    public static final String GMAIL_METADATA = "https://www.googleapis.com/auth/gmail.metadata";
    public static final String GMAIL_READONLY = "https://www.googleapis.com/auth/gmail.readonly";
    public static final String GMAIL_MODIFY = "https://www.googleapis.com/auth/gmail.modify";
    public static final String MAIL_FULL = "https://mail.google.com/";
    public static final String CALENDAR_READONLY = "https://www.googleapis.com/auth/calendar.readonly";
    public static final String CALENDAR = "https://www.googleapis.com/auth/calendar";
    public static final String CALENDAR_EVENTS = "https://www.googleapis.com/auth/calendar.events";
    public static final String CALENDAR_EVENTS_READONLY = "https://www.googleapis.com/auth/calendar.events.readonly";
    public static final String USERINFO_EMAIL = "https://www.googleapis.com/auth/userinfo.email";
    public static final String USERINFO_PROFILE = "https://www.googleapis.com/auth/userinfo.profile";

    /** Scopes that allow reading Gmail (listing, getting, history). */
    public static final Set<String> GMAIL_READ = Set.of(GMAIL_METADATA, GMAIL_READONLY, GMAIL_MODIFY, MAIL_FULL);
    /** Scopes that allow reading calendar events. */
    public static final Set<String> CALENDAR_READ = Set.of(CALENDAR_READONLY, CALENDAR, CALENDAR_EVENTS,
            CALENDAR_EVENTS_READONLY);

    private GoogleScopes() {
    }

    /**
     * Splits a requested scope string and normalises it the way Google reports granted scopes: {@code email} →
     * userinfo.email, {@code profile} → userinfo.profile. Returns null if any scope is not a Google scope.
     */
    public static List<String> parse(String scope) {
        Set<String> out = new LinkedHashSet<>();
        for (String s : scope.trim().split("[\\s+]+")) {
            if (s.isEmpty()) {
                continue;
            }
            switch (s) {
                case "email" -> out.add(USERINFO_EMAIL);
                case "profile" -> out.add(USERINFO_PROFILE);
                case "openid" -> out.add("openid");
                default -> {
                    if (!s.startsWith("https://www.googleapis.com/auth/") && !s.equals(MAIL_FULL)) {
                        return null;
                    }
                    out.add(s);
                }
            }
        }
        return new ArrayList<>(out);
    }
}
