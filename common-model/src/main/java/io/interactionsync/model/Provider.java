package io.interactionsync.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The two account providers. */
public enum Provider {
    @JsonProperty("google") GOOGLE,
    @JsonProperty("microsoft") MICROSOFT
}
