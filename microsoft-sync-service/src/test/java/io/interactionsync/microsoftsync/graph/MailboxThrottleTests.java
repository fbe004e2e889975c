package io.interactionsync.microsoftsync.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.interactionsync.sync.RetryLaterException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MailboxThrottleTests {

    @Test
    void shouldNeverLetMoreThanFourRequestsOfOneMailboxBeInFlight() throws Exception {
        MailboxThrottle throttle = new MailboxThrottle(TestConfig.with(Map.of()));
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger max = new AtomicInteger();
        AtomicInteger otherMailbox = new AtomicInteger();
        CountDownLatch otherDone = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> calls = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                calls.add(pool.submit(() -> {
                    try (MailboxThrottle.Permit ignored = throttle.acquire("Shared@Contoso.test")) {
                        max.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                        Thread.sleep(20);
                        inFlight.decrementAndGet();
                    }
                    return null;
                }));
            }
            pool.submit(() -> {
                try (MailboxThrottle.Permit ignored = throttle.acquire("other@contoso.test")) {
                    otherMailbox.incrementAndGet();
                }
                otherDone.countDown();
                return null;
            });
            for (Future<?> f : calls) {
                f.get(10, TimeUnit.SECONDS);
            }
            assertThat(otherDone.await(5, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(max.get()).isEqualTo(4);
        assertThat(otherMailbox.get()).isEqualTo(1);
    }

    @Test
    void shouldKeepEveryWindowWithinTheBudget() throws Exception {
        MailboxThrottle throttle = new MailboxThrottle(TestConfig.with(Map.of(
                "throttle.requestsPerWindow", "5", "throttle.window", "300ms")));
        List<Instant> asked = new ArrayList<>();
        List<Instant> granted = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            asked.add(Instant.now());
            try (MailboxThrottle.Permit ignored = throttle.acquire("a@contoso.test")) {
                granted.add(Instant.now());
            }
        }
        // The (i−5)th request was counted no earlier than it was asked for, the i-th no later than it was granted:
        // six requests in one 300 ms window would make this span shorter than the window.
        for (int i = 5; i < granted.size(); i++) {
            assertThat(Duration.between(asked.get(i - 5), granted.get(i))).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        }
        assertThat(Duration.between(asked.getFirst(), granted.getLast())).isGreaterThanOrEqualTo(Duration.ofMillis(600));
    }

    @Test
    void shouldPauseOnlyTheThrottledMailboxUntilRetryAfterAndRescheduleLongPauses() throws Exception {
        MailboxThrottle throttle = new MailboxThrottle(TestConfig.with(Map.of("retry.maxInlineWait", "2s",
                "throttle.maxRetryAfter", "30s")));
        Instant until = Instant.now().plusMillis(400);
        throttle.pause("a@contoso.test", until);
        long t0 = System.nanoTime();
        try (MailboxThrottle.Permit ignored = throttle.acquire("b@contoso.test")) {
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(200));
        }
        try (MailboxThrottle.Permit ignored = throttle.acquire("a@contoso.test")) {
            assertThat(Instant.now()).isAfterOrEqualTo(until);
        }
        // A Retry-After far beyond the cap is cut to it; beyond the inline wait the job is rescheduled.
        Instant capped = throttle.pause("a@contoso.test", Instant.now().plus(Duration.ofHours(2)));
        assertThat(capped).isBefore(Instant.now().plusSeconds(31));
        assertThatThrownBy(() -> throttle.acquire("a@contoso.test")).isInstanceOfSatisfying(RetryLaterException.class,
                e -> assertThat(e.notBefore()).isEqualTo(capped));
    }
}
