package io.interactionsync.googlesync.pacing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UnitBucketTests {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void shouldLetTheBurstThroughWithoutWaiting() {
        UnitBucket bucket = new UnitBucket(15_000, 250, 0);
        for (int i = 0; i < 50; i++) {
            assertThat(bucket.reserve(5, 0)).isZero();
        }
        assertThat(bucket.reserve(5, 0)).isPositive();
    }

    @Test
    void shouldNeverAdmitMoreThanTheQuotaInAnyMinute() {
        UnitBucket bucket = new UnitBucket(15_000, 250, 0);
        long now = 0;
        long admittedInFirstMinute = 0;
        // A greedy caller: reserve, wait as told, reserve again.
        while (true) {
            long wait = bucket.reserve(5, now);
            now += wait;
            if (now > 60 * SECOND) {
                break;
            }
            admittedInFirstMinute += 5;
        }
        assertThat(admittedInFirstMinute).isLessThanOrEqualTo(15_000).isGreaterThan(14_500);
    }

    @Test
    void shouldRefillOverTime() {
        UnitBucket bucket = new UnitBucket(15_000, 250, 0);
        assertThat(bucket.reserve(250, 0)).isZero();
        assertThat(bucket.reserve(5, 0)).isPositive();
        // ≈ 245.8 units per second: after two seconds the bucket is full again (minus the 5 taken above).
        assertThat(bucket.reserve(200, 2 * SECOND)).isZero();
    }
}
