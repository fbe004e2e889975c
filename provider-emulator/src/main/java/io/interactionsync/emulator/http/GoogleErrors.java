package io.interactionsync.emulator.http;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Google API error bodies (the JSON shape of googleapis.com v1 REST errors) and OAuth 2.0 token
 * endpoint error bodies. One place so every API answers with the same shapes (API-FACTS.md).
 */
public final class GoogleErrors {

    private GoogleErrors() {
    }

    /** {@code {"error":{"code":…,"message":…,"errors":[{message,domain,reason[,location,locationType]}],"status":…}}}. */
    public static ObjectNode apiError(int code, String message, String domain, String reason, String status) {
        return apiError(code, message, domain, reason, status, null, null);
    }

    public static ObjectNode apiError(int code, String message, String domain, String reason, String status,
            String location, String locationType) {
        ObjectNode item = Json.object();
        item.put("message", message);
        item.put("domain", domain);
        item.put("reason", reason);
        if (location != null) {
            item.put("location", location);
            item.put("locationType", locationType);
        }
        ObjectNode error = Json.object();
        error.put("code", code);
        error.put("message", message);
        error.set("errors", Json.array().add(item));
        if (status != null) {
            error.put("status", status);
        }
        return wrap(error);
    }

    private static ObjectNode wrap(ObjectNode error) {
        ObjectNode body = Json.object();
        body.set("error", error);
        return body;
    }

    /** 401 for a request without any credentials. */
    public static ObjectNode loginRequired() {
        ObjectNode body = apiError(401, "Request is missing required authentication credential. Expected OAuth 2 access token,"
                + " login cookie or other valid authentication credential. See"
                + " https://developers.google.com/identity/sign-in/web/devconsole-project.",
                "global", "required", "UNAUTHENTICATED", "Authorization", "header");
        ((ObjectNode) body.get("error").get("errors").get(0)).put("message", "Login Required.");
        return body;
    }

    /** 401 for an unknown, expired or revoked access token. */
    public static ObjectNode invalidCredentials() {
        ObjectNode body = apiError(401, "Request had invalid authentication credentials. Expected OAuth 2 access token,"
                + " login cookie or other valid authentication credential. See"
                + " https://developers.google.com/identity/sign-in/web/devconsole-project.",
                "global", "authError", "UNAUTHENTICATED", "Authorization", "header");
        ((ObjectNode) body.get("error").get("errors").get(0)).put("message", "Invalid Credentials");
        return body;
    }

    /** The HTTP status inside a Google API error body. */
    public static int status(ObjectNode body) {
        return body.get("error").get("code").asInt();
    }

    public static ObjectNode insufficientPermissions(String service) {
        ObjectNode body = apiError(403, "Request had insufficient authentication scopes.", "global",
                "insufficientPermissions", "PERMISSION_DENIED");
        ((ObjectNode) body.get("error").get("errors").get(0)).put("message", "Insufficient Permission");
        ObjectNode info = Json.object();
        info.put("@type", "type.googleapis.com/google.rpc.ErrorInfo");
        info.put("reason", "ACCESS_TOKEN_SCOPE_INSUFFICIENT");
        info.put("domain", "googleapis.com");
        info.putObject("metadata").put("service", service);
        ((ObjectNode) body.get("error")).set("details", Json.array().add(info));
        return body;
    }

    public static ObjectNode forbidden(String message) {
        return apiError(403, message, "global", "forbidden", "PERMISSION_DENIED");
    }

    public static ObjectNode notFound() {
        return apiError(404, "Requested entity was not found.", "global", "notFound", "NOT_FOUND");
    }

    public static ObjectNode invalidArgument(String message) {
        return apiError(400, message, "global", "invalidArgument", "INVALID_ARGUMENT");
    }

    public static ObjectNode badRequest(String message) {
        return apiError(400, message, "global", "badRequest", "INVALID_ARGUMENT");
    }

    /** 403 usageLimits/userRateLimitExceeded (no {@code status}, as observed). */
    public static ObjectNode userRateLimitExceeded() {
        ObjectNode item = Json.object();
        item.put("domain", "usageLimits");
        item.put("reason", "userRateLimitExceeded");
        item.put("message", "User Rate Limit Exceeded");
        ObjectNode error = Json.object();
        error.set("errors", Json.array().add(item));
        error.put("code", 403);
        error.put("message", "User Rate Limit Exceeded");
        return wrap(error);
    }

    /** 403 rateLimitExceeded with the per-user "Queries per minute" message (observed variant). */
    public static ObjectNode rateLimitExceededPerMinute(String retryAfterIso) {
        String message = "Quota exceeded for quota metric 'Queries' and limit 'Queries per minute per user' of service"
                + " 'gmail.googleapis.com' for consumer 'project_number:000000000000'. Retry after " + retryAfterIso;
        ObjectNode item = Json.object();
        item.put("domain", "usageLimits");
        item.put("reason", "rateLimitExceeded");
        item.put("message", message);
        ObjectNode error = Json.object();
        error.set("errors", Json.array().add(item));
        error.put("code", 403);
        error.put("message", message);
        return wrap(error);
    }

    /** 403 rateLimitExceeded for the project-wide per-minute quota. */
    public static ObjectNode projectRateLimitExceeded() {
        String message = "Quota exceeded for quota metric 'Queries' and limit 'Queries per minute' of service"
                + " 'gmail.googleapis.com' for consumer 'project_number:000000000000'.";
        ObjectNode item = Json.object();
        item.put("domain", "usageLimits");
        item.put("reason", "rateLimitExceeded");
        item.put("message", message);
        ObjectNode error = Json.object();
        error.set("errors", Json.array().add(item));
        error.put("code", 403);
        error.put("message", message);
        return wrap(error);
    }

    /** Calendar 410 for an expired sync token. */
    public static ObjectNode fullSyncRequired() {
        String message = "Sync token is no longer valid, a full sync is required.";
        ObjectNode item = Json.object();
        item.put("domain", "calendar");
        item.put("reason", "fullSyncRequired");
        item.put("message", message);
        item.put("locationType", "parameter");
        item.put("location", "syncToken");
        ObjectNode error = Json.object();
        error.set("errors", Json.array().add(item));
        error.put("code", 410);
        error.put("message", message);
        return wrap(error);
    }

    /** 5xx backend error. */
    public static ObjectNode backendError(int code) {
        String message = code == 503 ? "The service is currently unavailable." : "Internal error encountered.";
        return apiError(code, message, "global", "backendError", code == 503 ? "UNAVAILABLE" : "INTERNAL");
    }

    /** 429 "Too many concurrent requests for user" (observed). */
    public static ObjectNode tooManyConcurrentRequests() {
        ObjectNode item = Json.object();
        item.put("domain", "global");
        item.put("reason", "rateLimitExceeded");
        item.put("message", "Too many concurrent requests for user");
        ObjectNode error = Json.object();
        error.put("code", 429);
        error.put("message", "Too many concurrent requests for user");
        error.set("errors", Json.array().add(item));
        error.put("status", "RESOURCE_EXHAUSTED");
        return wrap(error);
    }

    /** OAuth 2.0 token-endpoint error: {@code {"error":…,"error_description":…}}. */
    public static ObjectNode oauth(String error, String description) {
        ObjectNode body = Json.object();
        body.put("error", error);
        if (description != null) {
            body.put("error_description", description);
        }
        return body;
    }
}
