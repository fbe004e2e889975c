package io.interactionsync.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.model.Json;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.util.Map;

/**
 * The fake connector's data-key API ({@code POST /internal/v1/data-keys {owner}} → {@code {kid, key}}, {@code GET
 * /internal/v1/data-keys/{kid}} → {@code {kid, owner, key}}, 410 {@code erased}), served with
 * {@link FakeConnectorResource} inside a sync service's test app (same indexing of test-support), from
 * {@link DataKeyStore}. A separate class because JAX-RS matches one resource class per path prefix, and
 * {@code /internal/v1/accounts} is shared with {@link FakeNormalizerResource}.
 */
@Path("/internal/v1/data-keys")
public class FakeDataKeyResource {

    @POST
    public Response issue(String body) throws IOException {
        JsonNode request = body == null || body.isBlank() ? null : Json.mapper().readTree(body);
        String owner = request == null ? null : request.path("owner").asText(null);
        if (owner == null || !(owner.startsWith("account:") || owner.startsWith("mailbox:"))) {
            return problem(400, "invalid_owner", "owner must be account:<id> or mailbox:<address>");
        }
        DataKeyStore.Entry e = DataKeyStore.issue(owner);
        if (e == null) {
            return problem(410, "erased", "this data was erased");
        }
        return Response.ok(Map.of("kid", e.kid(), "key", e.keyBase64()), MediaType.APPLICATION_JSON).build();
    }

    @GET
    @Path("/{kid}")
    public Response read(@PathParam("kid") String kid) {
        DataKeyStore.Entry e = DataKeyStore.read(kid);
        if (e == null) {
            return problem(404, "data_key_not_found", "no such data key");
        }
        if (e.erased()) {
            return problem(410, "erased", "this data was erased");
        }
        return Response.ok(Map.of("kid", e.kid(), "owner", e.owner(), "key", e.keyBase64()), MediaType.APPLICATION_JSON)
                .build();
    }

    static Response problem(int status, String code, String detail) {
        return Response.status(status).type("application/problem+json")
                .entity(Map.of("type", "about:blank", "title", code, "status", status, "code", code, "detail", detail))
                .build();
    }
}
