package io.interactionsync.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A kind of data read from a provider; cursors, status and raw records are per source. */
public enum Source {
    @JsonProperty("gmail") GMAIL(Provider.GOOGLE),
    @JsonProperty("google_calendar") GOOGLE_CALENDAR(Provider.GOOGLE),
    @JsonProperty("outlook_mail") OUTLOOK_MAIL(Provider.MICROSOFT),
    @JsonProperty("outlook_calendar") OUTLOOK_CALENDAR(Provider.MICROSOFT);

    private final Provider provider;

    Source(Provider provider) {
        this.provider = provider;
    }

    public Provider provider() {
        return provider;
    }

    /** The wire name, e.g. {@code google_calendar}. */
    public String wireName() {
        return WireNames.of(this);
    }

    public static Source fromWireName(String wire) {
        for (Source s : values()) {
            if (s.wireName().equals(wire)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown source: " + wire);
    }
}
