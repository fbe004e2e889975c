package io.interactionsync.relationship.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.time.Instant;

/** relationship-service settings ({@code relationship.*}); README "Scoring" explains each constant. */
@ConfigMapping(prefix = "relationship")
public interface RelationshipConfig {

    Scoring scoring();

    Reachability reachability();

    Promotion promotion();

    Query query();

    /** NORMALIZATION-RULES §G. Weights and the half-life are stored with each event: change them, then rebuild. */
    interface Scoring {
        /** Outbound email, contact in To. */
        @WithDefault("1.0")
        double outboundTo();

        /** Outbound email, contact in Cc. */
        @WithDefault("0.5")
        double outboundCc();

        /** Outbound email, contact in Bcc. */
        @WithDefault("0.0")
        double outboundBcc();

        /** Inbound email from the contact. */
        @WithDefault("1.0")
        double inboundFrom();

        /** Inbound email with the contact as a co-recipient in To. */
        @WithDefault("1.0")
        double inboundTo();

        /** Inbound email with the contact as a co-recipient in Cc ("Cc 0.5/0.4": 0.4 inbound). */
        @WithDefault("0.4")
        double inboundCc();

        /** Fan-out: an email to n recipients weighs min(1, threshold / n). */
        @WithDefault("5")
        double fanOutThreshold();

        /** Classification {@code list}: a person's post to a group address (fan-out sees one recipient). */
        @WithDefault("0.5")
        double listFactor();

        /** Classification {@code low_confidence}. */
        @WithDefault("1.0")
        double lowConfidenceFactor();

        /** A meeting's weight before the size factor. */
        @WithDefault("3.0")
        double meetingWeight();

        @WithDefault("4")
        int meetingSmallMax();

        @WithDefault("1.0")
        double meetingSmallFactor();

        @WithDefault("15")
        int meetingMediumMax();

        @WithDefault("0.5")
        double meetingMediumFactor();

        @WithDefault("50")
        int meetingLargeMax();

        @WithDefault("0.1")
        double meetingLargeFactor();

        @WithDefault("0.0")
        double meetingHugeFactor();

        /** Decay: a contribution halves every half-life. */
        @WithDefault("P180D")
        Duration halfLife();

        /** Forward-decay anchor T0: stored contributions are w·2^((t − T0)/h). */
        @WithDefault("2020-01-01T00:00:00Z")
        Instant anchor();

        /** E = min(O, I) + imbalance-factor·|O − I|. */
        @WithDefault("0.1")
        double imbalanceFactor();

        /** strength = 100·(1 − e^(−(E + M)/scale)). */
        @WithDefault("8.0")
        double scale();

        /** Strength cap without two-way email or a meeting. */
        @WithDefault("15.0")
        double oneWayCap();

        @WithDefault("60.0")
        double warmMin();

        @WithDefault("20.0")
        double knownMin();
    }

    /** Team reachability from the key connection's tier and how many members know the contact. */
    interface Reachability {
        /** high: key connection warm, or known with at least this many members knowing the contact. */
        @WithDefault("3")
        int highMinMembers();

        /** medium: key connection known, or cold with at least this many members knowing the contact. */
        @WithDefault("2")
        int mediumMinMembers();
    }

    interface Promotion {
        /** How often ties whose future events (meetings to come) have started are recomputed. */
        @WithDefault("PT30S")
        Duration every();
    }

    interface Query {
        @WithDefault("50")
        int defaultLimit();

        /** How many contributing interactions a relationship's {@code explanation} lists. */
        @WithDefault("3")
        int explanationSize();

        @WithDefault("500")
        int maxLimit();
    }
}
