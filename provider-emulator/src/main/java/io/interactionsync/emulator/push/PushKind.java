package io.interactionsync.emulator.push;

import java.util.List;

/** What a push delivery carries; each kind has its own counters in {@code GET /_emulator/push}. */
public enum PushKind {
    /** Cloud Pub/Sub push deliveries of Gmail watch notifications. */
    GMAIL("gmail", List.of("published", "droppedNoSubscription", "coalesced")),
    /** Google Calendar channel notifications. */
    CALENDAR("calendar", List.of()),
    /** Graph change notifications. */
    GRAPH("graph", List.of("validationRequests", "validationFailures")),
    /** Graph lifecycle notifications. */
    LIFECYCLE("lifecycle", List.of());

    /** Counters every kind has. */
    static final List<String> COMMON = List.of("sent", "lost", "duplicated", "failedAttempts", "givenUp");

    private final String key;
    private final List<String> extraCounters;

    PushKind(String key, List<String> extraCounters) {
        this.key = key;
        this.extraCounters = extraCounters;
    }

    public String key() {
        return key;
    }

    List<String> extraCounters() {
        return extraCounters;
    }
}
