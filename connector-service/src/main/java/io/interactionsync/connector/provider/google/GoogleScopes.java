package io.interactionsync.connector.provider.google;

/** Google scope strings (brief / API-FACTS). */
public final class GoogleScopes {
    public static final String GMAIL_METADATA = "https://www.googleapis.com/auth/gmail.metadata";
    public static final String CALENDAR_READONLY = "https://www.googleapis.com/auth/calendar.readonly";
    public static final String CONTACTS_READONLY = "https://www.googleapis.com/auth/contacts.readonly";
    public static final String OPENID = "openid";
    public static final String EMAIL = "email";
    public static final String PROFILE = "profile";

    private GoogleScopes() {
    }
}
