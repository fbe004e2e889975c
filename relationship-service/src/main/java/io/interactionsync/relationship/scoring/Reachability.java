package io.interactionsync.relationship.scoring;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How well a team can reach a contact (README "Team view"). */
public enum Reachability {
    @JsonProperty("high") HIGH,
    @JsonProperty("medium") MEDIUM,
    @JsonProperty("low") LOW,
    @JsonProperty("none") NONE
}
