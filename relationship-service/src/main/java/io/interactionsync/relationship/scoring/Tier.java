package io.interactionsync.relationship.scoring;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Tiers of the Getro GET-109 technical spec, by strength (relationship.scoring.warm-min / known-min). */
public enum Tier {
    @JsonProperty("warm") WARM,
    @JsonProperty("known") KNOWN,
    @JsonProperty("cold") COLD
}
