package io.interactionsync.googlesync.client.gmail;

import com.google.api.client.googleapis.json.GoogleJsonError;
import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.client.http.HttpResponseException;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sorts Gmail errors into per-user failures and provider-wide ones (API-FACTS "Gmail quota"). */
public final class GmailErrors {

    private static final Pattern RETRY_AFTER = Pattern.compile("Retry after (\\d{4}-\\d{2}-\\d{2}T[0-9:.]+Z)");

    private GmailErrors() {
    }

    /** A per-user outcome, or throws {@link ProviderWideFailure}. */
    public static <T> GmailOutcome<T> classify(IOException e) {
        if (!(e instanceof HttpResponseException http)) {
            throw new ProviderWideFailure("Gmail call failed: " + e.getClass().getSimpleName(), 0, false, null, e);
        }
        int status = http.getStatusCode();
        String reason = null;
        String message = http.getStatusMessage();
        if (e instanceof GoogleJsonResponseException json && json.getDetails() != null) {
            GoogleJsonError details = json.getDetails();
            message = details.getMessage();
            if (details.getErrors() != null && !details.getErrors().isEmpty()) {
                reason = details.getErrors().getFirst().getReason();
            }
        }
        Instant retryAt = retryAt(message, http);
        String lower = message == null ? "" : message.toLowerCase(Locale.ROOT);
        boolean perUserWording = lower.contains("for user") || lower.contains("per user");
        if (status >= 500) {
            throw new ProviderWideFailure("Gmail answered " + status, status, false, retryAt, e);
        }
        if (status == 401) {
            return new GmailOutcome.UserFailure<>(GmailOutcome.Kind.UNAUTHORIZED, status, reason, "access token rejected", null);
        }
        if (status == 404) {
            return new GmailOutcome.UserFailure<>(GmailOutcome.Kind.NOT_FOUND, status, reason, message, null);
        }
        boolean rateLimitReason = "userRateLimitExceeded".equals(reason) || "rateLimitExceeded".equals(reason)
                || "quotaExceeded".equals(reason) || "dailyLimitExceeded".equals(reason);
        if (status == 429 || (status == 403 && rateLimitReason)) {
            if ("userRateLimitExceeded".equals(reason) || perUserWording) {
                return new GmailOutcome.UserFailure<>(GmailOutcome.Kind.USER_RATE_LIMITED, status, reason, message, retryAt);
            }
            throw new ProviderWideFailure("Gmail throttled the project (" + status + " " + reason + ")", status, true, retryAt, e);
        }
        if (status == 403) {
            return new GmailOutcome.UserFailure<>(GmailOutcome.Kind.FORBIDDEN, status, reason, message, null);
        }
        return new GmailOutcome.UserFailure<>(GmailOutcome.Kind.BAD_REQUEST, status, reason, message, null);
    }

    /** "Retry after 2024-11-12T11:16:42.247Z" in the message, else a Retry-After header in seconds. */
    static Instant retryAt(String message, HttpResponseException http) {
        if (message != null) {
            Matcher m = RETRY_AFTER.matcher(message);
            if (m.find()) {
                try {
                    return Instant.parse(m.group(1));
                } catch (DateTimeParseException ignored) {
                    // fall through to the header
                }
            }
        }
        Object header = http.getHeaders() == null ? null : http.getHeaders().getRetryAfter();
        if (header != null) {
            try {
                return Instant.now().plusSeconds(Long.parseLong(header.toString().trim()));
            } catch (NumberFormatException ignored) {
                return null;
            }
        }
        return null;
    }
}
