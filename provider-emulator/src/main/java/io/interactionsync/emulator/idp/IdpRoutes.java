package io.interactionsync.emulator.idp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interactionsync.emulator.EmulatorContext;
import io.interactionsync.emulator.config.EmulatorConfig;
import io.interactionsync.emulator.http.GoogleErrors;
import io.interactionsync.emulator.http.Json;
import io.interactionsync.emulator.http.Responses;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;

/**
 * The portal's identity provider (a test and demo helper): OIDC discovery, JWKS and {@code POST /idp/token},
 * which mints RS256 JWTs either for a user ({@code {sub, email, roles[]}} as JSON; never a {@code client_id}, so a
 * user token can never pass for a service) or for a service (OAuth 2.0 client_credentials with client_secret_post or
 * HTTP Basic: {@code sub} = {@code client_id} = {@code azp} = the client id, {@code aud} = the requested
 * {@code audience}, by default {@value #INTERNAL_AUDIENCE}). Issuer = {@code <baseUrl>/idp}.
 */
public final class IdpRoutes {

    /** The audience of the services' internal APIs, put into client-credentials tokens unless another is asked for. */
    public static final String INTERNAL_AUDIENCE = "interaction-sync-internal";

    private final EmulatorContext ctx;

    public IdpRoutes(EmulatorContext ctx) {
        this.ctx = ctx;
    }

    public Router router(Vertx vertx) {
        Router router = Router.router(vertx);
        router.get("/.well-known/openid-configuration").handler(this::discovery);
        router.get("/jwks").handler(rc -> Responses.json(rc, 200, ctx.idpSigner().jwksJson()));
        router.post("/token").handler(this::token);
        return router;
    }

    public String issuer() {
        return ctx.baseUrl() + "/idp";
    }

    private void discovery(RoutingContext rc) {
        ObjectNode doc = Json.object();
        doc.put("issuer", issuer());
        doc.put("jwks_uri", issuer() + "/jwks");
        doc.put("token_endpoint", issuer() + "/token");
        doc.set("grant_types_supported", Json.array().add("client_credentials"));
        doc.set("token_endpoint_auth_methods_supported",
                Json.array().add("client_secret_basic").add("client_secret_post"));
        doc.set("response_types_supported", Json.array().add("token"));
        doc.set("subject_types_supported", Json.array().add("public"));
        doc.set("id_token_signing_alg_values_supported", Json.array().add("RS256"));
        doc.set("claims_supported", Json.array().add("iss").add("sub").add("aud").add("azp").add("client_id")
                .add("email").add("groups").add("roles").add("iat").add("exp").add("jti"));
        Responses.json(rc, 200, doc);
    }

    private void token(RoutingContext rc) {
        String contentType = String.valueOf(rc.request().getHeader("Content-Type"));
        if (contentType.startsWith("application/json")) {
            userToken(rc);
        } else if (contentType.startsWith("application/x-www-form-urlencoded")) {
            clientCredentials(rc);
        } else {
            Responses.json(rc, 400, GoogleErrors.oauth("invalid_request",
                    "send JSON {sub, email, roles[]} or a client_credentials form"));
        }
    }

    private void userToken(RoutingContext rc) {
        JsonNode body = Json.parse(rc.body().asString());
        String sub = body.path("sub").asText("");
        if (sub.isBlank()) {
            Responses.json(rc, 400, GoogleErrors.oauth("invalid_request", "sub is required"));
            return;
        }
        List<String> roles = new ArrayList<>();
        JsonNode rolesNode = body.path("roles");
        if (!rolesNode.isMissingNode() && !rolesNode.isArray()) {
            Responses.json(rc, 400, GoogleErrors.oauth("invalid_request", "roles must be an array of strings"));
            return;
        }
        rolesNode.forEach(r -> roles.add(r.asText()));
        long ttl = body.path("expiresInSeconds").asLong(ctx.config().get().idpTokenTtlSeconds());
        String email = body.path("email").isTextual() ? body.get("email").asText() : null;
        issue(rc, sub, email, roles, ttl, null, List.of());
    }

    private void clientCredentials(RoutingContext rc) {
        String grantType = rc.request().getFormAttribute("grant_type");
        String clientId = rc.request().getFormAttribute("client_id");
        String secret = rc.request().getFormAttribute("client_secret");
        String authorization = rc.request().getHeader("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            if (colon > 0) {
                clientId = java.net.URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8);
                secret = java.net.URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8);
            }
        }
        if (grantType == null) {
            Responses.json(rc, 400, GoogleErrors.oauth("invalid_request", "grant_type is required"));
            return;
        }
        if (!"client_credentials".equals(grantType)) {
            Responses.json(rc, 400, GoogleErrors.oauth("unsupported_grant_type", "only client_credentials is supported"));
            return;
        }
        EmulatorConfig.Values config = ctx.config().get();
        if (clientId == null || !config.serviceClients().contains(clientId)
                || !config.serviceClientSecret().equals(secret)) {
            rc.response().putHeader("WWW-Authenticate", "Basic realm=\"idp\"");
            Responses.json(rc, 401, GoogleErrors.oauth("invalid_client", "client authentication failed"));
            return;
        }
        // The audience (Auth0 style "audience", or RFC 8707 "resource"): only audiences this IdP knows.
        String audience = rc.request().getFormAttribute("audience");
        if (audience == null) {
            audience = rc.request().getFormAttribute("resource");
        }
        if (audience == null || audience.isBlank()) {
            audience = INTERNAL_AUDIENCE;
        }
        if (!config.serviceAudiences().contains(audience)) {
            Responses.json(rc, 400, GoogleErrors.oauth("invalid_target", "unknown audience: " + audience));
            return;
        }
        issue(rc, clientId, null, List.of("service"), config.idpTokenTtlSeconds(), clientId, List.of(audience));
    }

    /** @param clientId set (with {@code azp}) only on client-credentials tokens; user tokens never carry one */
    private void issue(RoutingContext rc, String sub, String email, List<String> roles, long ttlSeconds,
                       String clientId, List<String> audiences) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(issuer());
        claims.setSubject(sub);
        if (clientId != null) {
            claims.setStringClaim("client_id", clientId);
            claims.setStringClaim("azp", clientId);
        }
        if (!audiences.isEmpty()) {
            claims.setAudience(audiences);
        }
        if (email != null) {
            claims.setStringClaim("email", email);
        }
        claims.setStringListClaim("groups", roles);
        claims.setStringListClaim("roles", roles);
        NumericDate now = NumericDate.now();
        claims.setIssuedAt(now);
        NumericDate exp = NumericDate.fromSeconds(now.getValue() + ttlSeconds);
        claims.setExpirationTime(exp);
        claims.setJwtId(UUID.randomUUID().toString());
        ObjectNode response = Json.object();
        response.put("access_token", ctx.idpSigner().sign(claims));
        response.put("token_type", "Bearer");
        response.put("expires_in", ttlSeconds);
        Responses.json(rc, 200, response);
    }
}
