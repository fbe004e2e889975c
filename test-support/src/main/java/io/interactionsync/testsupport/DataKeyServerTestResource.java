package io.interactionsync.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Starts the JVM's {@link DataKeyServer} and points the application's {@code connector} REST client at it (the
 * normalizer opens sealed raw records with keys from there). Use with {@code @WithTestResource} on every test class of
 * the module, like the other resources.
 */
public class DataKeyServerTestResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of("quarkus.rest-client.connector.url", DataKeyServer.url());
    }

    @Override
    public void stop() {
        // Shared by every test class of this JVM; stopped by the shutdown hook.
    }
}
