package io.interactionsync.connector.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.interactionsync.connector.service.RateLimiter.Limit;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RateLimitSpecTests {

    @Test
    void shouldReadRequestsPerPeriod() {
        Limit limit = Limit.parse("sync", "10/1h");
        assertThat(limit.limit()).isEqualTo(10);
        assertThat(limit.period()).isEqualTo(Duration.ofHours(1));
        assertThat(limit.intervalSeconds()).isEqualTo(360.0);
        assertThat(limit.toleranceSeconds()).isEqualTo(3240.0);
        assertThat(Limit.parse("authorize-url", " 20 / 10m ").period()).isEqualTo(Duration.ofMinutes(10));
        assertThat(Limit.parse("audit", "OFF")).isNull();
    }

    @Test
    void shouldRefuseNonsenseWithTheKeyInTheMessage() {
        for (String bad : new String[] {"10", "0/1h", "ten/1h", "10/", "10/-1h", "10/0s"}) {
            assertThatThrownBy(() -> Limit.parse("sync", bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("connector.rate-limits.sync");
        }
    }
}
