package io.interactionsync.testsupport;

import io.interactionsync.emulator.ProviderEmulator;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Starts the provider emulator inside the test JVM on a free port and exposes its base URL as
 * {@code emulator.base-url}; each service's {@code %test} config derives its provider URLs from it.
 * One emulator per JVM: tests load their own users (unique emails) instead of resetting it.
 */
public class EmulatorTestResource implements QuarkusTestResourceLifecycleManager {

    static final String PROPERTY = "interactionsync.test.emulator.url";

    @Override
    public Map<String, String> start() {
        return Map.of("emulator.base-url", baseUrl());
    }

    /** The emulator's base URL ({@code http://127.0.0.1:<port>}), starting it on first use. */
    public static String baseUrl() {
        return JvmSingletons.getOrStart(PROPERTY, () -> {
            ProviderEmulator emulator = ProviderEmulator.start(0);
            Runtime.getRuntime().addShutdownHook(new Thread(emulator::close, "emulator-shutdown"));
            return emulator.baseUrl();
        });
    }

    @Override
    public void stop() {
        // Shared by every test class of this JVM; stopped by the shutdown hook.
    }
}
