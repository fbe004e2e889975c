package io.interactionsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.time.LocalTime;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A service's mapping that extends {@link SyncSettings} keeps its own prefix, and may widen a group. */
class SyncSettingsMappingTests {

    @ConfigMapping(prefix = "demo-sync")
    interface DemoConfig extends SyncSettings {
        @WithDefault("24")
        int backfillMonths();

        @Override
        Retry retry();

        interface Retry extends SyncSettings.Retry {
            @WithDefault("5")
            int messageMaxAttempts();
        }
    }

    @Test
    void inheritedGroupsUseTheServicePrefixAndDefaults() {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(Map.of("demo-sync.retry.max-attempts", "6",
                        "demo-sync.worker.concurrency", "7", "demo-sync.audit.window-start", "01:30"), "test", 100))
                .withConverter(Duration.class, 100, new DurationConverter()) // Quarkus' "1s" syntax
                .withMapping(DemoConfig.class).build();
        DemoConfig demo = config.getConfigMapping(DemoConfig.class);
        SyncSettings settings = demo;
        assertThat(settings.retry().maxAttempts()).isEqualTo(6);
        assertThat(demo.retry().messageMaxAttempts()).isEqualTo(5);
        assertThat(settings.retry().initialBackoff()).isEqualTo(Duration.ofSeconds(1));
        assertThat(settings.worker().concurrency()).isEqualTo(7);
        assertThat(settings.worker().leaseDuration()).isEqualTo(Duration.ofSeconds(8));
        assertThat(settings.worker().heartbeatInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(settings.worker().pollInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(settings.status().everyRecords()).isEqualTo(200);
        assertThat(demo.backfillMonths()).isEqualTo(24);
        assertThat(settings.audit().windowStart()).isEqualTo(LocalTime.of(1, 30));
        assertThat(settings.audit().window()).as("daily audits spread over the whole day").isEqualTo(Duration.ofDays(1));
        assertThat(settings.rawRecords().seal()).as("raw records are sealed unless switched off").isTrue();
        assertThat(settings.rawRecords().keyCacheTtl()).isEqualTo(Duration.ofMinutes(10));
    }
}
