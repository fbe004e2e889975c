package io.interactionsync.emulator.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interactionsync.emulator.http.BadRequestException;
import io.interactionsync.emulator.http.Json;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Runtime settings of the emulator, changed with {@code PUT /_emulator/config} (partial updates; unknown
 * keys are rejected). Reads are lock-free (volatile snapshot), updates are serialised.
 */
public final class EmulatorConfig {

    /** Immutable values; {@link EmulatorConfig} swaps the whole snapshot on update. */
    public record Values(
            long gmailUnitsPerUserPerMinute,
            long gmailUnitsPerProjectPerMinute,
            int gmailConcurrentRequestsPerUser,
            String gmailUserRateLimitReason,
            int graphConcurrentPerMailbox,
            int graphRequestsPerMailbox10Min,
            long accessTokenTtlSeconds,
            long authorizationCodeTtlSeconds,
            long idpTokenTtlSeconds,
            long latencyMs,
            boolean calendarShortPages,
            String serviceClientSecret,
            List<String> serviceClients,
            List<String> serviceAudiences,
            List<OAuthClient> googleClients,
            List<OAuthClient> microsoftClients,
            boolean omitTokenScope,
            long gmailWatchTtlSeconds,
            long calendarChannelMaxTtlSeconds,
            long graphSubscriptionMaxMinutes,
            List<String> idpConsoleClients,
            List<String> idpRedirectUris) {
    }

    /** Gmail's watch lasts 7 days. */
    public static final long GMAIL_WATCH_TTL_SECONDS = 7L * 24 * 3600;
    /** The longest Calendar channel the emulator grants (Google documents none; a month). */
    public static final long CALENDAR_CHANNEL_MAX_TTL_SECONDS = 30L * 24 * 3600;
    /**
     * Graph's limit for Outlook message/event subscriptions as live Graph enforces it ("Subscription expiration can
     * only be 10070 minutes in the future."), a little under the 10,080 minutes the docs name.
     */
    public static final long GRAPH_SUBSCRIPTION_MAX_MINUTES = 10_070;

    /** The local clients' redirect URIs: the seed's portal callbacks and the local stack's web console. */
    public static final List<String> LOCAL_REDIRECT_URIS = List.of("postmessage",
            "http://localhost:3000/auth/google/callback", "http://localhost:3000/auth/microsoft/callback",
            "http://127.0.0.1:8081/console/", "http://localhost:8081/console/");

    private volatile Values values = defaults();

    public static Values defaults() {
        return new Values(15_000, 1_200_000, 10, "userRateLimitExceeded", 4, 10_000, 3600, 600, 3600, 0, false, "local-service-secret",
                List.of("connector-service", "google-sync-service", "microsoft-sync-service", "event-normalizer"),
                List.of("interaction-sync-internal"),
                List.of(new OAuthClient("local-google-client", "local-google-secret", LOCAL_REDIRECT_URIS)),
                List.of(new OAuthClient("local-ms-client", "local-ms-secret", LOCAL_REDIRECT_URIS)), false,
                GMAIL_WATCH_TTL_SECONDS, CALENDAR_CHANNEL_MAX_TTL_SECONDS, GRAPH_SUBSCRIPTION_MAX_MINUTES,
                List.of(), List.of());
    }

    public Values get() {
        return values;
    }

    public synchronized void reset() {
        values = defaults();
    }

    /** Applies the keys present in {@code patch}; throws {@link BadRequestException} on unknown keys or bad values. */
    public synchronized Values update(JsonNode patch) {
        if (patch == null || !patch.isObject()) {
            throw new BadRequestException("config must be a JSON object");
        }
        Values v = values;
        long unitsUser = v.gmailUnitsPerUserPerMinute();
        long unitsProject = v.gmailUnitsPerProjectPerMinute();
        int gmailConcurrent = v.gmailConcurrentRequestsPerUser();
        String reason = v.gmailUserRateLimitReason();
        int concurrent = v.graphConcurrentPerMailbox();
        int graph10 = v.graphRequestsPerMailbox10Min();
        long ttl = v.accessTokenTtlSeconds();
        long codeTtl = v.authorizationCodeTtlSeconds();
        long idpTtl = v.idpTokenTtlSeconds();
        long latency = v.latencyMs();
        boolean shortPages = v.calendarShortPages();
        String secret = v.serviceClientSecret();
        List<String> serviceClients = v.serviceClients();
        List<String> serviceAudiences = v.serviceAudiences();
        boolean omitTokenScope = v.omitTokenScope();
        List<OAuthClient> googleClients = v.googleClients();
        List<OAuthClient> microsoftClients = v.microsoftClients();
        long watchTtl = v.gmailWatchTtlSeconds();
        long channelTtl = v.calendarChannelMaxTtlSeconds();
        long subscriptionMinutes = v.graphSubscriptionMaxMinutes();
        List<String> consoleClients = v.idpConsoleClients();
        List<String> idpRedirectUris = v.idpRedirectUris();
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode n = e.getValue();
            switch (e.getKey()) {
                case "gmailUnitsPerUserPerMinute" -> unitsUser = positive(e.getKey(), n);
                case "gmailUnitsPerProjectPerMinute" -> unitsProject = positive(e.getKey(), n);
                case "gmailConcurrentRequestsPerUser" -> gmailConcurrent = (int) positive(e.getKey(), n);
                case "gmailUserRateLimitReason" -> {
                    reason = text(e.getKey(), n);
                    if (!reason.equals("userRateLimitExceeded") && !reason.equals("rateLimitExceeded")) {
                        throw new BadRequestException("gmailUserRateLimitReason must be userRateLimitExceeded or rateLimitExceeded");
                    }
                }
                case "graphConcurrentPerMailbox" -> concurrent = (int) positive(e.getKey(), n);
                case "graphRequestsPerMailbox10Min" -> graph10 = (int) positive(e.getKey(), n);
                case "accessTokenTtlSeconds" -> ttl = positive(e.getKey(), n);
                case "authorizationCodeTtlSeconds" -> codeTtl = positive(e.getKey(), n);
                case "idpTokenTtlSeconds" -> idpTtl = positive(e.getKey(), n);
                case "latencyMs" -> latency = nonNegative(e.getKey(), n);
                case "calendarShortPages" -> {
                    if (!n.isBoolean()) {
                        throw new BadRequestException("calendarShortPages must be true or false");
                    }
                    shortPages = n.asBoolean();
                }
                case "serviceClientSecret" -> secret = text(e.getKey(), n);
                case "serviceClients" -> serviceClients = strings(e.getKey(), n);
                case "serviceAudiences" -> serviceAudiences = strings(e.getKey(), n);
                case "omitTokenScope" -> {
                    if (!n.isBoolean()) {
                        throw new BadRequestException("omitTokenScope must be true or false");
                    }
                    omitTokenScope = n.asBoolean();
                }
                case "googleClients" -> googleClients = clients("googleClients", n);
                case "microsoftClients" -> microsoftClients = clients("microsoftClients", n);
                case "gmailWatchTtlSeconds" -> watchTtl = positive(e.getKey(), n);
                case "calendarChannelMaxTtlSeconds" -> channelTtl = positive(e.getKey(), n);
                case "graphSubscriptionMaxMinutes" -> subscriptionMinutes = positive(e.getKey(), n);
                case "idpConsoleClients" -> consoleClients = strings(e.getKey(), n);
                case "idpRedirectUris" -> idpRedirectUris = strings(e.getKey(), n);
                default -> throw new BadRequestException("unknown config key: " + e.getKey());
            }
        }
        values = new Values(unitsUser, unitsProject, gmailConcurrent, reason, concurrent, graph10, ttl, codeTtl, idpTtl, latency, shortPages, secret,
                serviceClients, serviceAudiences, googleClients, microsoftClients, omitTokenScope, watchTtl, channelTtl,
                subscriptionMinutes, consoleClients, idpRedirectUris);
        return values;
    }

    /** The settings as JSON; secrets included (this is a local test double, never a production service). */
    public ObjectNode toJson() {
        return Json.mapper().valueToTree(values);
    }

    private static long positive(String key, JsonNode n) {
        if (!n.canConvertToLong() || n.asLong() <= 0 || !n.isIntegralNumber()) {
            throw new BadRequestException(key + " must be a positive integer");
        }
        return n.asLong();
    }

    private static long nonNegative(String key, JsonNode n) {
        if (!n.isIntegralNumber() || n.asLong() < 0) {
            throw new BadRequestException(key + " must be a non-negative integer");
        }
        return n.asLong();
    }

    private static String text(String key, JsonNode n) {
        if (!n.isTextual() || n.asText().isBlank()) {
            throw new BadRequestException(key + " must be a non-empty string");
        }
        return n.asText();
    }

    private static List<String> strings(String key, JsonNode n) {
        if (!n.isArray()) {
            throw new BadRequestException(key + " must be an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : n) {
            out.add(text(key + "[]", item));
        }
        return List.copyOf(out);
    }

    private static List<OAuthClient> clients(String key, JsonNode n) {
        if (!(n instanceof ArrayNode array)) {
            throw new BadRequestException(key + " must be an array of {clientId, clientSecret, redirectUris}");
        }
        List<OAuthClient> out = new ArrayList<>();
        for (JsonNode c : array) {
            if (!c.isObject()) {
                throw new BadRequestException(key + "[] must be objects");
            }
            out.add(new OAuthClient(text(key + "[].clientId", c.path("clientId")),
                    text(key + "[].clientSecret", c.path("clientSecret")),
                    strings(key + "[].redirectUris", c.path("redirectUris"))));
        }
        return List.copyOf(out);
    }
}
