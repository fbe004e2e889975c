package io.interactionsync.microsoftsync.graph;

import com.microsoft.graph.models.odataerrors.ODataError;
import com.microsoft.kiota.ApiException;
import com.microsoft.kiota.ResponseHeaders;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Turns the SDK's exceptions into {@link GraphOutcome}s or {@link ProviderWideFailure}s, and failures into error codes. */
public final class GraphErrors {

    private GraphErrors() {
    }

    /** Classifies a failed SDK call: 5xx and I/O are provider-wide (thrown), everything else a per-mailbox outcome. */
    public static GraphOutcome classify(RuntimeException e, Clock clock) {
        if (e instanceof ApiException api && api.getResponseStatusCode() > 0) {
            int status = api.getResponseStatusCode();
            Instant retryAt = retryAfter(api.getResponseHeaders(), clock);
            String code = null;
            String message = api.getMessage();
            if (api instanceof ODataError odata && odata.getError() != null) {
                code = odata.getError().getCode();
                message = odata.getError().getMessage();
            }
            if (status >= 500) {
                throw new ProviderWideFailure("Graph answered " + status + (code == null ? "" : " " + code), status, retryAt, e);
            }
            return new GraphOutcome.Failed(status, code, message, retryAt);
        }
        if (hasCause(e, IOException.class)) {
            throw new ProviderWideFailure("Graph unreachable or timed out: " + rootName(e), 0, null, e);
        }
        throw e;
    }

    /** The sync-status error code of a failure that retrying cannot fix, or null when it is retryable. */
    public static String permanentCode(GraphOutcome.Failed f) {
        String code = f.code() == null ? "" : f.code();
        String lower = code.toLowerCase(Locale.ROOT);
        if (lower.contains("notenabledforrestapi") || lower.contains("notsupportedforrestapi")) {
            return "mailbox_not_enabled_for_rest";
        }
        if (lower.contains("notlicensed") || lower.contains("mailboxnotenabled") || lower.contains("mailboxinfostale")) {
            return "mailbox_not_licensed";
        }
        if (f.status() == 403 || lower.equals("erroraccessdenied") || lower.equals("authorization_requestdenied")) {
            return "access_denied";
        }
        if (f.status() == 404 || lower.equals("errorinvaliduser")) {
            return "mailbox_not_found";
        }
        if (f.status() == 400 || f.status() == 405 || f.status() == 406 || f.status() == 422) {
            return "bad_request";
        }
        return null;
    }

    /**
     * A 404 about the requested item (message, folder, event), not about the mailbox: Graph answers 404 with
     * {@code ErrorInvalidUser} or {@code MailboxNotEnabledForRESTAPI} for a mailbox it cannot serve, which must never
     * read as "every folder is gone".
     */
    public static boolean itemMissing(int status, String code) {
        if (status != 404) {
            return false;
        }
        String lower = code == null ? "" : code.toLowerCase(Locale.ROOT);
        return !lower.equals("errorinvaliduser") && !lower.contains("restapi") && !lower.contains("notlicensed")
                && !lower.contains("mailboxnotenabled") && !lower.contains("mailboxinfostale");
    }

    public static boolean deltaExpired(GraphOutcome.Failed f) {
        return f.status() == 410 || Set.of("syncstatenotfound", "resyncrequired", "syncstateinvalid")
                .contains(f.code() == null ? "" : f.code().toLowerCase(Locale.ROOT));
    }

    /** Retry-After in seconds or as an HTTP date; null if absent or unreadable. */
    static Instant retryAfter(ResponseHeaders headers, Clock clock) {
        if (headers == null) {
            return null;
        }
        for (Map.Entry<String, java.util.Set<String>> h : headers.entrySet()) {
            if (!"retry-after".equalsIgnoreCase(h.getKey()) || h.getValue() == null) {
                continue;
            }
            for (String v : h.getValue()) {
                try {
                    return clock.instant().plusMillis(Math.round(Double.parseDouble(v.trim()) * 1000));
                } catch (NumberFormatException notSeconds) {
                    try {
                        return java.time.ZonedDateTime.parse(v.trim(), java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME)
                                .toInstant();
                    } catch (RuntimeException ignored) {
                        // unreadable: treated as absent
                    }
                }
            }
        }
        return null;
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c) || c instanceof InterruptedIOException) {
                return true;
            }
        }
        return false;
    }

    private static String rootName(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null) {
            c = c.getCause();
        }
        return c.getClass().getSimpleName();
    }
}
