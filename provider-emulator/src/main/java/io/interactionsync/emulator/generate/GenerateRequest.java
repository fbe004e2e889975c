package io.interactionsync.emulator.generate;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.emulator.http.BadRequestException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.Set;

/**
 * Parameters of {@code POST /_emulator/generate}. {@code anchor} (ISO date or instant) is the end of the generated
 * time window; absent, it is today 00:00 UTC — so the same seed gives the same data all day, and the same seed
 * plus the same anchor always gives the same data.
 */
public record GenerateRequest(long seed, int googleUsers, int microsoftUsers, int messagesPerMailbox,
        int eventsPerCalendar, int months, String domain, Instant anchor) {

    private static final Set<String> KEYS = Set.of("seed", "googleUsers", "microsoftUsers", "messagesPerMailbox",
            "eventsPerCalendar", "months", "domain", "anchor");

    public static GenerateRequest from(JsonNode body) {
        if (!body.isObject()) {
            throw new BadRequestException("body must be a JSON object");
        }
        for (Iterator<String> it = body.fieldNames(); it.hasNext();) {
            String key = it.next();
            if (!KEYS.contains(key)) {
                throw new BadRequestException("unknown generate parameter: " + key);
            }
        }
        long seed = body.path("seed").asLong(42);
        int googleUsers = bounded(body, "googleUsers", 3, 0, 200);
        int microsoftUsers = bounded(body, "microsoftUsers", 0, 0, 200);
        int messages = bounded(body, "messagesPerMailbox", 200, 0, 200_000);
        int events = bounded(body, "eventsPerCalendar", 50, 0, 20_000);
        int months = bounded(body, "months", 24, 1, 120);
        String domain = body.path("domain").asText("acme.test").toLowerCase();
        if (!domain.matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+")) {
            throw new BadRequestException("domain must be a DNS name like acme.test");
        }
        Instant anchor = LocalDate.now(ZoneOffset.UTC).atStartOfDay(ZoneOffset.UTC).toInstant();
        if (body.hasNonNull("anchor")) {
            String text = body.get("anchor").asText();
            try {
                anchor = text.length() == 10 ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant()
                        : Instant.parse(text).truncatedTo(ChronoUnit.SECONDS);
            } catch (DateTimeParseException e) {
                throw new BadRequestException("anchor must be an ISO date (2026-11-24) or instant (2026-11-24T10:00:00Z)");
            }
        }
        return new GenerateRequest(seed, googleUsers, microsoftUsers, messages, events, months, domain, anchor);
    }

    private static int bounded(JsonNode body, String key, int defaultValue, int min, int max) {
        JsonNode n = body.get(key);
        if (n == null || n.isNull()) {
            return defaultValue;
        }
        if (!n.isIntegralNumber() || n.asLong() < min || n.asLong() > max) {
            throw new BadRequestException(key + " must be an integer in [" + min + ", " + max + "]");
        }
        return n.asInt();
    }
}
