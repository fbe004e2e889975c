package io.interactionsync.emulator.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interactionsync.emulator.EmulatorContext;
import io.interactionsync.emulator.http.BadRequestException;
import io.interactionsync.emulator.http.Json;
import io.interactionsync.emulator.http.Responses;
import io.interactionsync.emulator.idp.PortalUser;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The portal IdP's users (SPEC §3.6): every loaded Google and Microsoft user is one (roles {@code ["user"]}); explicit
 * users put here override them, e.g. an admin.
 */
final class IdpControlRoutes {

    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
    private static final Set<String> KEYS = Set.of("sub", "name", "roles");

    private final EmulatorContext ctx;

    IdpControlRoutes(EmulatorContext ctx) {
        this.ctx = ctx;
    }

    void register(Router router) {
        router.get("/idp/users").handler(rc -> {
            ArrayNode users = Json.array();
            ctx.portalUsers().all().forEach(u -> users.add(json(u)));
            Responses.json(rc, 200, Json.object().set("users", users));
        });
        router.put("/idp/users/:email").handler(this::put);
        router.delete("/idp/users/:email").handler(rc -> {
            if (!ctx.portalUsers().delete(email(rc))) {
                throw new BadRequestException(404, "no explicit portal user " + rc.pathParam("email"));
            }
            Responses.noContent(rc);
        });
    }

    private void put(RoutingContext rc) {
        String email = email(rc);
        if (rc.body() == null || rc.body().length() == 0) {
            throw new BadRequestException("a JSON body {sub?, name?, roles[]} is required");
        }
        JsonNode body = Json.parse(rc.body().asString());
        if (!body.isObject()) {
            throw new BadRequestException("body must be {sub?, name?, roles[]}");
        }
        for (Iterator<String> it = body.fieldNames(); it.hasNext();) {
            String key = it.next();
            if (!KEYS.contains(key)) {
                throw new BadRequestException("unknown key: " + key + " (allowed: sub, name, roles)");
            }
        }
        for (String key : List.of("sub", "name")) {
            if (body.has(key) && !(body.get(key).isTextual() && !body.get(key).asText().isBlank())) {
                throw new BadRequestException(key + " must be a non-empty string");
            }
        }
        JsonNode rolesNode = body.path("roles");
        if (!rolesNode.isArray()) {
            throw new BadRequestException("roles must be an array of strings");
        }
        List<String> roles = new ArrayList<>();
        for (JsonNode role : rolesNode) {
            if (!role.isTextual() || role.asText().isBlank()) {
                throw new BadRequestException("roles must be an array of non-empty strings");
            }
            roles.add(role.asText());
        }
        PortalUser user = ctx.portalUsers().put(email, body.path("sub").asText(null), body.path("name").asText(null), roles);
        Responses.json(rc, 200, json(user));
    }

    private static String email(RoutingContext rc) {
        String email = rc.pathParam("email");
        if (email == null || !EMAIL.matcher(email).matches()) {
            throw new BadRequestException("not an email address: " + email);
        }
        return email;
    }

    private static ObjectNode json(PortalUser user) {
        ObjectNode out = Json.object().put("email", user.email()).put("sub", user.sub()).put("name", user.name());
        out.set("roles", Json.mapper().valueToTree(user.roles()));
        return out.put("source", user.source());
    }
}
