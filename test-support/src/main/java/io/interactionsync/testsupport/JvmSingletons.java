package io.interactionsync.testsupport;

import java.util.function.Supplier;

/**
 * One broker and one emulator per test JVM. Quarkus may load test resources in more than one class
 * loader, so the "already started" marker is a JVM-wide system property, not a static field.
 */
final class JvmSingletons {

    private JvmSingletons() {
    }

    static synchronized String getOrStart(String property, Supplier<String> starter) {
        String existing = System.getProperty(property);
        if (existing != null) {
            return existing;
        }
        String started = starter.get();
        System.setProperty(property, started);
        return started;
    }
}
