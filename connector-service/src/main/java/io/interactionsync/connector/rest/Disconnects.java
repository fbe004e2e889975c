package io.interactionsync.connector.rest;

import io.interactionsync.connector.rest.problem.ApiException;
import io.interactionsync.connector.service.RetentionService;
import jakarta.ws.rs.core.Response;
import java.util.Locale;

/**
 * {@code DELETE …-accounts/{id}[?purge=true|false]}: the parameter (absent = let the retention policy decide) and the
 * 204 answer, whose headers say what happened to the account's data: {@value #OUTCOME} {@code purged} or {@code kept},
 * {@value #REASON} {@code requested}, {@code team_policy} or {@code default_policy}.
 */
final class Disconnects {

    static final String OUTCOME = "Retention-Outcome";
    static final String REASON = "Retention-Reason";

    private Disconnects() {
    }

    static Boolean purgeParameter(String raw) {
        if (raw == null) {
            return null;
        }
        return switch (raw.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw ApiException.badRequest("invalid_parameter", "purge is true or false.");
        };
    }

    static Response answer(RetentionService.Decision decision) {
        return Response.noContent()
                .header(OUTCOME, decision.purge() ? "purged" : "kept")
                .header(REASON, decision.reason().wireName())
                .build();
    }
}
