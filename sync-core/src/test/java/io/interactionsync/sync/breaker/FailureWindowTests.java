package io.interactionsync.sync.breaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The decision to open: ratio over a time window, a minimum volume, and failures from several accounts. */
class FailureWindowTests {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final FailureWindow window = new FailureWindow(Duration.ofSeconds(60), 5, 0.5, 2, now::get);

    @Test
    void oneAccountsFailuresNeverTripHoweverMany() {
        for (int i = 0; i < 100; i++) {
            assertThat(window.recordFailure("slow")).isFalse();
        }
    }

    @Test
    void failuresOfTwoAccountsTripOnceTheVolumeAndRatioAreReached() {
        assertThat(window.recordFailure("a")).isFalse();
        assertThat(window.recordFailure("b")).isFalse();
        assertThat(window.recordFailure("a")).isFalse();
        assertThat(window.recordFailure("b")).as("4 calls < minimum volume 5").isFalse();
        assertThat(window.recordFailure("a")).isTrue();
    }

    @Test
    void answeredCallsKeepTheRatioBelowHalf() {
        for (int i = 0; i < 6; i++) {
            window.recordAnswered();
        }
        for (int i = 0; i < 5; i++) {
            assertThat(window.recordFailure(i % 2 == 0 ? "a" : "b")).as("failure %d of 11 calls", i + 1).isFalse();
        }
        assertThat(window.recordFailure("c")).as("6 of 12").isTrue();
    }

    @Test
    void callsOlderThanTheWindowNoLongerCount() {
        for (int i = 0; i < 4; i++) {
            window.recordFailure(i % 2 == 0 ? "a" : "b");
        }
        now.addAndGet(Duration.ofSeconds(61).toMillis());
        assertThat(window.recordFailure("a")).as("the 4 earlier failures left the window").isFalse();
        window.recordAnswered();
        now.addAndGet(Duration.ofSeconds(30).toMillis());
        for (int i = 0; i < 3; i++) {
            window.recordFailure("b");
        }
        assertThat(window.recordFailure("b")).as("a, b within 60 s: 5 of 6 failed").isTrue();
    }

    @Test
    void clearForgetsEverything() {
        for (int i = 0; i < 4; i++) {
            window.recordFailure(i % 2 == 0 ? "a" : "b");
        }
        window.clear();
        assertThat(window.recordFailure("a")).isFalse();
    }

    @Test
    void refusesSettingsThatCannotWork() {
        assertThatThrownBy(() -> new FailureWindow(Duration.ofSeconds(60), 5, 0, 2, now::get))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FailureWindow(Duration.ofMillis(5), 5, 0.5, 2, now::get))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
