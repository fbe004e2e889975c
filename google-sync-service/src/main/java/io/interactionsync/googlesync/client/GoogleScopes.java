package io.interactionsync.googlesync.client;

/** The Google scopes each source needs (checked with {@code AccountToken.hasScope}). */
public final class GoogleScopes {

    public static final String GMAIL = "https://www.googleapis.com/auth/gmail.metadata";
    public static final String CALENDAR = "https://www.googleapis.com/auth/calendar.readonly";

    private GoogleScopes() {
    }
}
