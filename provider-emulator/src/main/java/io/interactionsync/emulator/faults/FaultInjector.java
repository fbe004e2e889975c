package io.interactionsync.emulator.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interactionsync.emulator.EmulatorContext;
import io.interactionsync.emulator.http.BadRequestException;
import io.interactionsync.emulator.http.GoogleErrors;
import io.interactionsync.emulator.http.Json;
import io.interactionsync.emulator.http.Responses;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Runs before every provider route: adds the configured latency, then applies the first matching fault rule
 * ({@code PUT /_emulator/faults}). Fault answers use the provider's own error shapes. The first matching rule with
 * {@code omit} attaches an {@link Omission} to the request instead, which the list, delta and history routes apply
 * to the items they answer. {@code seed} in the body reseeds the random source, so a run repeats exactly.
 */
public final class FaultInjector {

    private final EmulatorContext ctx;
    private final Vertx vertx;
    private volatile List<FaultRule> rules = List.of();
    private Random random = new Random(42);

    public FaultInjector(EmulatorContext ctx, Vertx vertx) {
        this.ctx = ctx;
        this.vertx = vertx;
    }

    /** {@code {rules: [...]}} replaces all rules. */
    public void replace(JsonNode body) {
        JsonNode list = body.path("rules");
        if (!list.isArray()) {
            throw new BadRequestException("body must be {\"rules\": [ … ]}");
        }
        JsonNode seed = body.path("seed");
        if (!seed.isMissingNode() && !seed.isNull() && !seed.canConvertToLong()) {
            throw new BadRequestException("seed must be an integer");
        }
        List<FaultRule> parsed = new ArrayList<>();
        list.forEach(r -> parsed.add(FaultRule.from(r)));
        synchronized (this) {
            if (seed.canConvertToLong()) {
                random = new Random(seed.asLong());
            }
            rules = List.copyOf(parsed);
        }
    }

    public void clear() {
        rules = List.of();
    }

    public ObjectNode toJson() {
        ArrayNode array = Json.array();
        rules.forEach(r -> array.add(r.toJson()));
        return Json.object().set("rules", array);
    }

    /** The Vert.x handler. */
    public void handle(RoutingContext rc) {
        String path = rc.request().path();
        String provider = provider(path);
        if (provider == null) {
            rc.next();
            return;
        }
        String user = user(rc, provider);
        FaultRule fired = null;
        FaultRule omitting = null;
        for (FaultRule rule : rules) {
            if ((rule.omit > 0 ? omitting == null : fired == null) && rule.matches(provider, path, user)
                    && chance(rule.probability) && rule.take()) {
                if (rule.omit > 0) {
                    omitting = rule;
                } else {
                    fired = rule;
                }
            }
        }
        if (omitting != null && (fired == null || fired.status == 0)) {
            double omit = omitting.omit;
            rc.put(Omission.KEY, Omission.dropping(omit, this::nextDouble,
                    () -> ctx.stats().recordOmitted(user == null ? "(anonymous)" : user)));
        }
        long delay = ctx.config().get().latencyMs() + (fired == null ? 0 : fired.latencyMs);
        FaultRule rule = fired;
        Runnable proceed = () -> {
            if (rc.response().closed()) {
                // The client gave up during the latency (its read timeout): serving it now would enter the per-user
                // concurrency count with no end event left to leave it, and the user would stay "too many requests".
                return;
            }
            if (rule == null || rule.status == 0) {
                rc.next();
            } else {
                answer(rc, provider, path, user, rule);
            }
        };
        if (delay > 0) {
            vertx.setTimer(delay, id -> proceed.run());
        } else {
            proceed.run();
        }
    }

    private synchronized double nextDouble() {
        return random.nextDouble();
    }

    private synchronized boolean chance(double probability) {
        return probability >= 1.0 || random.nextDouble() < probability;
    }

    private void answer(RoutingContext rc, String provider, String path, String user, FaultRule rule) {
        if (rule.retryAfterSeconds != null) {
            rc.response().putHeader("Retry-After", Integer.toString(rule.retryAfterSeconds));
        }
        int status = rule.status;
        if (user != null) {
            ctx.stats().record(user, "fault", 0, status == 403 || status == 429);
        }
        ObjectNode body;
        if (provider.equals("google") && path.startsWith("/oauth2.googleapis.com")) {
            body = switch (status) {
                case 400 -> GoogleErrors.oauth("invalid_grant", "Token has been expired or revoked.");
                case 401 -> GoogleErrors.oauth("invalid_client", "Unauthorized");
                default -> GoogleErrors.oauth(status >= 500 ? "internal_failure" : "invalid_request", "Emulated fault");
            };
        } else if (provider.equals("google")) {
            body = switch (status) {
                case 401 -> GoogleErrors.invalidCredentials();
                case 403 -> GoogleErrors.userRateLimitExceeded();
                case 404 -> GoogleErrors.notFound();
                case 410 -> GoogleErrors.fullSyncRequired();
                case 429 -> GoogleErrors.tooManyConcurrentRequests();
                case 500, 502, 503, 504 -> GoogleErrors.backendError(status);
                default -> GoogleErrors.apiError(status, "Emulated fault", "global", "emulatedFault", null);
            };
            ((ObjectNode) body.get("error")).put("code", status);
        } else if (provider.equals("microsoft")) {
            String code = switch (status) {
                case 401 -> "InvalidAuthenticationToken";
                case 403 -> "ErrorAccessDenied";
                case 404 -> "ErrorItemNotFound";
                case 410 -> "SyncStateNotFound";
                case 429 -> "TooManyRequests";
                case 503 -> "ServiceUnavailable";
                default -> status >= 500 ? "InternalServerError" : "BadRequest";
            };
            body = Json.object();
            body.putObject("error").put("code", code).put("message", status == 429 ? "Please retry again later."
                    : "Emulated fault");
        } else {
            body = GoogleErrors.oauth(status >= 500 ? "server_error" : "invalid_request", "Emulated fault");
        }
        Responses.json(rc, status, body);
    }

    static String provider(String path) {
        if (path.startsWith("/accounts.google.com") || path.startsWith("/oauth2.googleapis.com")
                || path.startsWith("/gmail.googleapis.com") || path.startsWith("/www.googleapis.com")) {
            return "google";
        }
        if (path.startsWith("/login.microsoftonline.com") || path.startsWith("/graph.microsoft.com")) {
            return "microsoft";
        }
        if (path.startsWith("/idp")) {
            return "idp";
        }
        return null;
    }

    /** The owner of the request's Bearer token (Google address or Microsoft UPN), if any. */
    private String user(RoutingContext rc, String provider) {
        String header = rc.request().getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = header.substring(7).trim();
        return switch (provider) {
            case "google" -> ctx.googleTokens().accessToken(token).map(g -> g.email()).orElse(null);
            case "microsoft" -> ctx.microsoftTokens().access(token).map(a -> a.upn()).orElse(null);
            default -> null;
        };
    }
}
