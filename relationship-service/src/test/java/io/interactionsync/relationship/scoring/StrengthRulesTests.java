package io.interactionsync.relationship.scoring;

import static io.interactionsync.relationship.support.Events.classified;
import static io.interactionsync.relationship.support.Events.email;
import static io.interactionsync.relationship.support.Events.meeting;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.interactionsync.model.InteractionEvent;
import io.interactionsync.model.InteractionEvent.Classification;
import io.interactionsync.model.InteractionEvent.Direction;
import io.interactionsync.model.InteractionEvent.Role;
import io.interactionsync.relationship.config.RelationshipConfig;
import io.interactionsync.relationship.support.Events;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** NORMALIZATION-RULES §G rule by rule, with the defaults of application.properties; numbers checked by hand. */
class StrengthRulesTests {

    private static final RelationshipConfig CONFIG = new SmallRyeConfigBuilder()
            .withMapping(RelationshipConfig.class).build().unwrap(SmallRyeConfig.class)
            .getConfigMapping(RelationshipConfig.class);
    private static final StrengthRules RULES = new StrengthRules(CONFIG.scoring());
    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

    /** Strength of O, I, M (decayed values) as the service computes it. */
    private static double strength(double out, double in, double meet) {
        return StrengthRules.rounded(RULES.strength(RULES.scoreKey(out, in, meet),
                StrengthRules.uncapped(out, in, meet)));
    }

    private static double weight(InteractionEvent e) {
        return RULES.weigh(e).weight();
    }

    private static InteractionEvent mail(Direction d, Role r, Integer recipients) {
        return email("u", "a", "bob@example.com", d, r, NOW, "<m@x>", recipients);
    }

    @Test
    void threeReciprocatedEmailsToday() {
        // O = 3, I = 3 → E = min(3,3) + 0.1·0 = 3 → 100·(1 − e^(−3/8)) = 100·(1 − 0.68729) = 31.27 → 31.3
        assertThat(RULES.strength(RULES.scoreKey(3, 3, 0), true)).isCloseTo(31.27, within(0.01));
        assertThat(strength(3, 3, 0)).isEqualTo(31.3);
    }

    @Test
    void oneWayEmailIsCappedAt15() {
        // O = 20, I = 0 → E = 0 + 0.1·20 = 2 → 100·(1 − e^(−2/8)) = 22.12, capped: 15
        assertThat(strength(20, 0, 0)).isEqualTo(15.0);
        // O = 5 → E = 0.5 → 100·(1 − e^(−0.0625)) = 6.06: under the cap
        assertThat(strength(5, 0, 0)).isEqualTo(6.1);
        // a capped one-way contact is always cold (known starts at 20)
        assertThat(RULES.tier(strength(1000, 0, 0))).isEqualTo(Tier.COLD);
    }

    @Test
    void imbalanceCountsATenth() {
        // O = 4, I = 1 → E = 1 + 0.1·3 = 1.3 → 100·(1 − e^(−0.1625)) = 15.00 (two-way: not capped, just equal)
        assertThat(RULES.strength(RULES.scoreKey(4, 1, 0), true)).isCloseTo(14.998, within(0.001));
    }

    @Test
    void aMeetingLiftsTheCap() {
        // M = 3 (one meeting of 2–4 people today) → 100·(1 − e^(−3/8)) = 31.27: no two-way email needed
        assertThat(strength(0, 0, 3)).isEqualTo(31.3);
        // one-way O = 6 plus a meeting of 20 (0.3): E + M = 0.6 + 0.3 = 0.9 → 100·(1 − e^(−0.1125)) = 10.64
        assertThat(strength(6, 0, 0.3)).isEqualTo(10.6);
    }

    @Test
    void decayHalvesEvery180Days() {
        // 2^(−180/180) = 0.5; 2^(−360/180) = 0.25
        assertThat(RULES.decay(Duration.ofDays(180))).isCloseTo(0.5, within(1e-12));
        assertThat(RULES.decay(Duration.ofDays(360))).isCloseTo(0.25, within(1e-12));
        // forward decay: stored at t, read at t + 180 d → half the weight
        Instant t = NOW.minus(Duration.ofDays(180));
        assertThat(RULES.anchored(1.0, t) * RULES.decayFactor(NOW)).isCloseTo(0.5, within(1e-12));
        // events before the anchor work too (negative exponent)
        Instant old = Instant.parse("2018-06-01T00:00:00Z");
        assertThat(RULES.anchored(2.0, old) * RULES.decayFactor(old)).isCloseTo(2.0, within(1e-12));
    }

    @Test
    void reciprocatedEmailsOf180DaysAgoCountHalf() {
        // 6 sent and 6 received 180 days ago → O = I = 3 today → 31.27 as three of today
        double o = 6 * RULES.anchored(1.0, NOW.minus(Duration.ofDays(180))) * RULES.decayFactor(NOW);
        assertThat(o).isCloseTo(3.0, within(1e-9));
        assertThat(strength(o, o, 0)).isEqualTo(31.3);
    }

    @Test
    void roleWeights() {
        assertThat(weight(mail(Direction.OUTBOUND, Role.TO, 1))).isEqualTo(1.0);
        assertThat(weight(mail(Direction.OUTBOUND, Role.CC, 1))).isEqualTo(0.5);
        assertThat(weight(mail(Direction.OUTBOUND, Role.BCC, 1))).isEqualTo(0.0);
        assertThat(weight(mail(Direction.INBOUND, Role.FROM, 1))).isEqualTo(1.0);
        assertThat(weight(mail(Direction.INBOUND, Role.TO, 1))).isEqualTo(1.0);
        assertThat(weight(mail(Direction.INBOUND, Role.CC, 1))).isEqualTo(0.4);
        assertThat(RULES.weigh(mail(Direction.OUTBOUND, Role.TO, 1)).bucket()).isEqualTo(Bucket.OUTBOUND);
        assertThat(RULES.weigh(mail(Direction.INBOUND, Role.CC, 1)).bucket()).isEqualTo(Bucket.INBOUND);
    }

    @Test
    void fanOut() {
        // min(1, 5/n): n = 10 → 0.5; n = 5 → 1; n = 50 → 0.1; unknown n → 1
        assertThat(weight(mail(Direction.OUTBOUND, Role.TO, 10))).isEqualTo(0.5);
        assertThat(weight(mail(Direction.OUTBOUND, Role.TO, 5))).isEqualTo(1.0);
        assertThat(weight(mail(Direction.INBOUND, Role.FROM, 50))).isCloseTo(0.1, within(1e-12));
        assertThat(weight(mail(Direction.OUTBOUND, Role.TO, null))).isEqualTo(1.0);
        // Cc to 10 people: 0.5 · 0.5 = 0.25
        assertThat(weight(mail(Direction.OUTBOUND, Role.CC, 10))).isEqualTo(0.25);
    }

    @Test
    void meetingSizeFactor() {
        // 3.0 × 1 (2–4), × 0.5 (5–15), × 0.1 (16–50), × 0 (> 50)
        assertThat(weight(meeting("u", "a", "bob@example.com", NOW, 3))).isEqualTo(3.0);
        assertThat(weight(meeting("u", "a", "bob@example.com", NOW, 4))).isEqualTo(3.0);
        assertThat(weight(meeting("u", "a", "bob@example.com", NOW, 5))).isEqualTo(1.5);
        assertThat(weight(meeting("u", "a", "bob@example.com", NOW, 20))).isCloseTo(0.3, within(1e-12));
        assertThat(weight(meeting("u", "a", "bob@example.com", NOW, 50))).isCloseTo(0.3, within(1e-12));
        assertThat(weight(meeting("u", "a", "bob@example.com", NOW, 51))).isEqualTo(0.0);
        assertThat(RULES.weigh(meeting("u", "a", "bob@example.com", NOW, 3)).bucket()).isEqualTo(Bucket.MEETING);
    }

    @Test
    void newsletterAndBulkWeighNothing() {
        InteractionEvent mail = mail(Direction.INBOUND, Role.FROM, 1);
        assertThat(weight(classified(mail, Classification.PERSON, true))).isEqualTo(0.0);
        assertThat(weight(classified(mail, Classification.BULK, false))).isEqualTo(0.0);
        // a person's post to a group address: half; low confidence: full
        assertThat(weight(classified(mail, Classification.LIST, false))).isEqualTo(0.5);
        assertThat(weight(classified(mail, Classification.LOW_CONFIDENCE, false))).isEqualTo(1.0);
    }

    @Test
    void newsletterOnlyInboundKeepsTheCap() {
        // received newsletters weigh 0, so I = 0: replying to them (O = 10) is one-way → E = 1 → 11.75, under the cap
        assertThat(StrengthRules.uncapped(10, 0, 0)).isFalse();
        assertThat(strength(10, 0, 0)).isEqualTo(11.8);
    }

    @Test
    void tiers() {
        assertThat(RULES.tier(60.0)).isEqualTo(Tier.WARM);
        assertThat(RULES.tier(59.9)).isEqualTo(Tier.KNOWN);
        assertThat(RULES.tier(20.0)).isEqualTo(Tier.KNOWN);
        assertThat(RULES.tier(19.9)).isEqualTo(Tier.COLD);
        // E + M = 6 → 52.76 (known); 10 → 71.35 (warm)
        assertThat(RULES.tier(strength(6, 6, 0))).isEqualTo(Tier.KNOWN);
        assertThat(RULES.tier(strength(10, 10, 0))).isEqualTo(Tier.WARM);
    }

    @Test
    void reachabilityTable() {
        RelationshipConfig.Reachability r = CONFIG.reachability();
        assertThat(StrengthRules.reachability(Tier.WARM, 1, r)).isEqualTo(Reachability.HIGH);
        assertThat(StrengthRules.reachability(Tier.KNOWN, 3, r)).isEqualTo(Reachability.HIGH);
        assertThat(StrengthRules.reachability(Tier.KNOWN, 2, r)).isEqualTo(Reachability.MEDIUM);
        assertThat(StrengthRules.reachability(Tier.KNOWN, 1, r)).isEqualTo(Reachability.MEDIUM);
        assertThat(StrengthRules.reachability(Tier.COLD, 2, r)).isEqualTo(Reachability.MEDIUM);
        assertThat(StrengthRules.reachability(Tier.COLD, 1, r)).isEqualTo(Reachability.LOW);
        assertThat(StrengthRules.reachability(Tier.COLD, 0, r)).isEqualTo(Reachability.NONE);
        assertThat(StrengthRules.reachability(null, 0, r)).isEqualTo(Reachability.NONE);
    }

    @Test
    void dedupKeys() {
        // one message counts once per contact: its Message-ID; without one it is never merged (its event id)
        InteractionEvent withId = mail(Direction.OUTBOUND, Role.TO, 1);
        assertThat(StrengthRules.dedupKey(withId)).isEqualTo("<m@x>");
        InteractionEvent without = email("u", "a", "bob@example.com", Direction.OUTBOUND, Role.TO, NOW, null, 1);
        assertThat(StrengthRules.dedupKey(without)).isEqualTo("e:" + without.id());
        // a meeting: its start and end, so two members' copies of it merge for the team
        assertThat(StrengthRules.dedupKey(Events.meeting("u", "a", "bob@example.com", NOW, 3)))
                .isEqualTo("m:2026-12-01T12:00:00Z|2026-12-01T12:30:00Z");
    }

    @Test
    void minStrengthAndCapKeys() {
        // key at which 15 is reached: −8·ln(0.85) = 1.30015
        assertThat(RULES.keyFor(15)).isCloseTo(1.30015, within(1e-5));
        assertThat(RULES.strength(RULES.keyFor(42.5), true)).isCloseTo(42.5, within(1e-9));
        assertThat(RULES.keyFor(0)).isZero();
        assertThat(RULES.keyFor(100)).isInfinite();
    }

    @Test
    void anchoredValuesStayFiniteForCenturies() {
        // 2^((2420 − 2020)·365/180) ≈ 2^811 < 2^1023
        assertThat(RULES.anchored(1000, Instant.parse("2420-01-01T00:00:00Z"))).isFinite();
        RULES.checkRange(Instant.parse("2400-01-01T00:00:00Z"));
    }
}
