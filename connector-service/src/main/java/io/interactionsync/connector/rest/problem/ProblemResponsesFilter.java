package io.interactionsync.connector.rest.problem;

import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

/**
 * Adds the answers every API operation can give (401 without a valid bearer token, 403 for the wrong kind of bearer,
 * 413 for an oversize body, 500)
 * to the OpenAPI document, and states that all errors are {@code application/problem+json} with a {@code code}.
 */
public class ProblemResponsesFilter implements OASFilter {

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        openAPI.getPaths().getPathItems().forEach((path, item) -> {
            if (path.startsWith("/api/") || path.startsWith("/internal/")) {
                for (Map.Entry<PathItem.HttpMethod, Operation> e : item.getOperations().entrySet()) {
                    APIResponses responses = e.getValue().getResponses();
                    if (responses == null) {
                        continue;
                    }
                    add(responses, "401", "unauthorized: missing or invalid bearer token (problem+json, WWW-Authenticate: Bearer)");
                    if (path.startsWith("/internal/")) {
                        add(responses, "403", "service_client_required (a user token, whatever its roles), "
                                + "client_not_allowed: only allow-listed service clients with the internal audience");
                    } else {
                        add(responses, "403", "service_token_not_allowed: service (client-credentials) tokens are "
                                + "refused on the user API");
                    }
                    if (e.getKey() == PathItem.HttpMethod.POST || e.getKey() == PathItem.HttpMethod.PUT) {
                        add(responses, "413", "body_too_large (problem+json)");
                    }
                    add(responses, "500", "internal_error (problem+json)");
                }
            }
        });
    }

    private static void add(APIResponses responses, String status, String description) {
        if (!responses.hasAPIResponse(status)) {
            responses.addAPIResponse(status, OASFactory.createAPIResponse().description(description));
        }
    }
}
