package io.interactionsync.relationship.scoring;

import io.interactionsync.model.InteractionEvent;
import io.interactionsync.model.InteractionEvent.Classification;
import io.interactionsync.model.InteractionEvent.Direction;
import io.interactionsync.model.InteractionEvent.Kind;
import io.interactionsync.relationship.config.RelationshipConfig;
import java.time.Duration;
import java.time.Instant;

/**
 * NORMALIZATION-RULES §G as pure functions (README "Scoring"): an event's weight, its forward-decayed contribution,
 * and strength, tier and reachability from the anchored sums. No I/O: unit-tested rule by rule (StrengthRulesTests).
 *
 * <p>Forward decay: an event of weight w at time t is stored as w·2^((t − T0)/h); at time now the decayed sum is the
 * stored sum × 2^(−(now − T0)/h). The factor is common to every tie, so stored sums order ties as decayed ones do.
 * Doubles hold 2^1023: with h = 180 d that is ~500 years past T0 ({@link #checkRange} fails the start before).
 */
public final class StrengthRules {

    private final RelationshipConfig.Scoring config;
    private final double halfLifeMillis;
    private final long anchorMillis;

    public StrengthRules(RelationshipConfig.Scoring config) {
        this.config = config;
        this.halfLifeMillis = config.halfLife().toMillis();
        this.anchorMillis = config.anchor().toEpochMilli();
        if (halfLifeMillis <= 0) {
            throw new IllegalArgumentException("relationship.scoring.half-life must be positive");
        }
    }

    /** An event's bucket and weight before decay. */
    public record Weighted(Bucket bucket, double weight) {
    }

    /** Fails when anchored values could overflow a double before {@code horizon} (h too short for the anchor). */
    public void checkRange(Instant horizon) {
        double halvings = (horizon.toEpochMilli() - anchorMillis) / halfLifeMillis;
        if (halvings > 900) {
            throw new IllegalStateException("relationship.scoring.anchor " + config.anchor() + " with half-life "
                    + config.halfLife() + " overflows doubles before " + horizon + ": move the anchor and rebuild");
        }
    }

    /** Bucket and weight of {@code event} (role × fan-out × classification; meeting × size factor). */
    public Weighted weigh(InteractionEvent event) {
        if (event.kind() == Kind.MEETING || event.direction() == Direction.MEETING) {
            int attendees = event.meeting() == null ? 2 : event.meeting().attendeeCount();
            return new Weighted(Bucket.MEETING, config.meetingWeight() * meetingSizeFactor(attendees));
        }
        boolean outbound = event.direction() == Direction.OUTBOUND;
        double role = switch (event.role()) {
            case TO -> outbound ? config.outboundTo() : config.inboundTo();
            case CC -> outbound ? config.outboundCc() : config.inboundCc();
            case BCC -> outbound ? config.outboundBcc() : 0.0; // a Bcc on a received copy is never an event (R-B4)
            case FROM -> outbound ? 0.0 : config.inboundFrom();
            default -> 0.0;
        };
        double weight = role * fanOut(event.recipientCount()) * classificationFactor(event);
        return new Weighted(outbound ? Bucket.OUTBOUND : Bucket.INBOUND, weight);
    }

    /** min(1, threshold / n); n null or below 1 counts as one recipient. */
    public double fanOut(Integer recipientCount) {
        int n = recipientCount == null || recipientCount < 1 ? 1 : recipientCount;
        return Math.min(1.0, config.fanOutThreshold() / n);
    }

    double classificationFactor(InteractionEvent event) {
        if (event.newsletter() || event.classification() == Classification.BULK) {
            return 0.0;
        }
        if (event.classification() == Classification.LIST) {
            return config.listFactor();
        }
        if (event.classification() == Classification.LOW_CONFIDENCE) {
            return config.lowConfidenceFactor();
        }
        return 1.0;
    }

    /** 2–4 → 1, 5–15 → 0.5, 16–50 → 0.1, > 50 → 0 (by default); fewer than 2 counts as 2. */
    public double meetingSizeFactor(int attendeeCount) {
        if (attendeeCount <= config.meetingSmallMax()) {
            return config.meetingSmallFactor();
        }
        if (attendeeCount <= config.meetingMediumMax()) {
            return config.meetingMediumFactor();
        }
        if (attendeeCount <= config.meetingLargeMax()) {
            return config.meetingLargeFactor();
        }
        return config.meetingHugeFactor();
    }

    /** w·2^((t − T0)/h): the stored, forward-decayed contribution. */
    public double anchored(double weight, Instant occurredAt) {
        return weight * Math.pow(2, (occurredAt.toEpochMilli() - anchorMillis) / halfLifeMillis);
    }

    /** 2^(−(now − T0)/h): turns anchored values into decayed ones at {@code now}. */
    public double decayFactor(Instant now) {
        return Math.pow(2, -(now.toEpochMilli() - anchorMillis) / halfLifeMillis);
    }

    /** 2^(−age/h): the plain decay of one event (for explanations and tests). */
    public double decay(Duration age) {
        return Math.pow(2, -age.toMillis() / halfLifeMillis);
    }

    /** min(O, I) + imbalance·|O − I| + M, in anchored (or decayed) units: what ties are ordered by. */
    public double scoreKey(double out, double in, double meet) {
        return Math.min(out, in) + config.imbalanceFactor() * Math.abs(out - in) + meet;
    }

    /** Two-way email or a meeting: otherwise the strength is capped. */
    public static boolean uncapped(double out, double in, double meet) {
        return (out > 0 && in > 0) || meet > 0;
    }

    /** 100·(1 − e^(−x/scale)) of a decayed score key x, capped without two-way email or a meeting; unrounded. */
    public double strength(double decayedKey, boolean uncapped) {
        double s = 100.0 * (1.0 - Math.exp(-decayedKey / config.scale()));
        return uncapped ? s : Math.min(s, config.oneWayCap());
    }

    /** The strength shown: one decimal. */
    public static double rounded(double strength) {
        return Math.round(strength * 10.0) / 10.0;
    }

    /** The decayed score key at which the strength reaches {@code strength} (for minStrength and the cap). */
    public double keyFor(double strength) {
        if (strength <= 0) {
            return 0;
        }
        if (strength >= 100) {
            return Double.POSITIVE_INFINITY;
        }
        return -config.scale() * Math.log(1.0 - strength / 100.0);
    }

    /** The strength shown, with its tier, for anchored sums at {@code now}. */
    public Tier tier(double roundedStrength) {
        if (roundedStrength >= config.warmMin()) {
            return Tier.WARM;
        }
        return roundedStrength >= config.knownMin() ? Tier.KNOWN : Tier.COLD;
    }

    /**
     * From the key connection's tier and how many members know the contact (strength above 0): high = key warm, or
     * known and ≥ high-min-members; medium = key known, or cold and ≥ medium-min-members; low = key cold; none = no
     * member knows the contact.
     */
    public static Reachability reachability(Tier keyConnection, int membersWhoKnow, RelationshipConfig.Reachability r) {
        if (keyConnection == null || membersWhoKnow == 0) {
            return Reachability.NONE;
        }
        return switch (keyConnection) {
            case WARM -> Reachability.HIGH;
            case KNOWN -> membersWhoKnow >= r.highMinMembers() ? Reachability.HIGH : Reachability.MEDIUM;
            case COLD -> membersWhoKnow >= r.mediumMinMembers() ? Reachability.MEDIUM : Reachability.LOW;
        };
    }

    /** Dedup key of an event within a member × contact and within a team (R-E2). */
    public static String dedupKey(InteractionEvent event) {
        if (event.kind() == Kind.MEETING) {
            Instant start = event.meeting() != null && event.meeting().startAt() != null
                    ? event.meeting().startAt() : event.occurredAt();
            Instant end = event.meeting() != null && event.meeting().endAt() != null ? event.meeting().endAt() : start;
            return "m:" + start + "|" + end;
        }
        String id = event.internetMessageId();
        return id == null || id.isBlank() ? "e:" + event.id() : id;
    }
}
