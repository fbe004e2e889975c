package io.interactionsync.emulator.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interactionsync.emulator.http.BadRequestException;
import io.interactionsync.emulator.http.Json;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One injected fault: requests to {@code provider} whose path matches {@code pathRegex} (and, when set, made for
 * {@code user}) are answered {@code status} (0 = only delayed) with probability {@code probability}, at most
 * {@code count} times (absent = unlimited), with an optional Retry-After header and added latency. A rule with
 * {@code omit} (a probability) instead lets the request through and drops each item of its list, delta or history
 * response with that probability ({@link Omission}).
 */
public final class FaultRule {

    private static final Set<String> PROVIDERS = Set.of("google", "microsoft", "idp");
    private static final Set<String> KEYS = Set.of("provider", "pathRegex", "user", "status", "probability", "count",
            "retryAfterSeconds", "latencyMs", "omit");

    final String provider;
    final Pattern pathRegex;
    final String user;
    final int status;
    final double probability;
    final AtomicLong remaining;
    final Integer retryAfterSeconds;
    final long latencyMs;
    final double omit;

    private FaultRule(String provider, Pattern pathRegex, String user, int status, double probability, Long count,
            Integer retryAfterSeconds, long latencyMs, double omit) {
        this.provider = provider;
        this.pathRegex = pathRegex;
        this.user = user;
        this.status = status;
        this.probability = probability;
        this.remaining = count == null ? null : new AtomicLong(count);
        this.retryAfterSeconds = retryAfterSeconds;
        this.latencyMs = latencyMs;
        this.omit = omit;
    }

    static FaultRule from(JsonNode json) {
        if (!json.isObject()) {
            throw new BadRequestException("each fault rule must be an object");
        }
        json.fieldNames().forEachRemaining(k -> {
            if (!KEYS.contains(k)) {
                throw new BadRequestException("unknown fault rule key: " + k);
            }
        });
        String provider = json.hasNonNull("provider") ? json.get("provider").asText() : null;
        if (provider != null && !PROVIDERS.contains(provider)) {
            throw new BadRequestException("provider must be one of " + PROVIDERS);
        }
        Pattern regex;
        try {
            regex = Pattern.compile(json.path("pathRegex").asText(".*"));
        } catch (PatternSyntaxException e) {
            throw new BadRequestException("pathRegex is not a valid regular expression: " + e.getDescription());
        }
        int status = json.path("status").asInt(0);
        if (status != 0 && (status < 400 || status > 599)) {
            throw new BadRequestException("status must be an HTTP error status (400-599) or 0 for latency only");
        }
        double probability = json.path("probability").asDouble(1.0);
        if (probability < 0 || probability > 1) {
            throw new BadRequestException("probability must be within [0, 1]");
        }
        Long count = json.hasNonNull("count") ? json.get("count").asLong() : null;
        if (count != null && count < 0) {
            throw new BadRequestException("count must not be negative");
        }
        Integer retryAfter = json.hasNonNull("retryAfterSeconds") ? json.get("retryAfterSeconds").asInt() : null;
        long latency = json.path("latencyMs").asLong(0);
        double omit = json.path("omit").asDouble(0);
        if (omit < 0 || omit > 1) {
            throw new BadRequestException("omit must be within [0, 1]");
        }
        if (omit > 0 && status != 0) {
            throw new BadRequestException("omit drops items of a successful response: it cannot be combined with a status");
        }
        if (status == 0 && latency == 0 && omit == 0) {
            throw new BadRequestException("a rule needs a status, a latencyMs or an omit");
        }
        String user = json.hasNonNull("user") ? json.get("user").asText() : null;
        return new FaultRule(provider, regex, user, status, probability, count, retryAfter, latency, omit);
    }

    boolean matches(String requestProvider, String path, String requestUser) {
        return (provider == null || provider.equals(requestProvider))
                && pathRegex.matcher(path).find()
                && (user == null || user.equalsIgnoreCase(requestUser));
    }

    /** Takes one firing from the budget; false when exhausted. */
    boolean take() {
        if (remaining == null) {
            return true;
        }
        return remaining.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
    }

    ObjectNode toJson() {
        ObjectNode out = Json.object();
        out.put("provider", provider);
        out.put("pathRegex", pathRegex.pattern());
        out.put("user", user);
        out.put("status", status);
        out.put("probability", probability);
        if (remaining != null) {
            out.put("remaining", remaining.get());
        }
        if (retryAfterSeconds != null) {
            out.put("retryAfterSeconds", retryAfterSeconds);
        }
        out.put("latencyMs", latencyMs);
        if (omit > 0) {
            out.put("omit", omit);
        }
        return out;
    }
}
