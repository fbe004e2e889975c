package io.interactionsync.emulator.idp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interactionsync.emulator.EmulatorContext;
import io.interactionsync.emulator.config.EmulatorConfig;
import io.interactionsync.emulator.http.GoogleErrors;
import io.interactionsync.emulator.http.Json;
import io.interactionsync.emulator.http.Responses;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;

/**
 * The portal's identity provider (a test and demo helper): OIDC discovery, JWKS and {@code POST /idp/token},
 * which mints RS256 JWTs either for a user ({@code {sub, email, roles[]}} as JSON; never a {@code client_id}, so a
 * user token can never pass for a service) or for a service (OAuth 2.0 client_credentials with client_secret_post or
 * HTTP Basic: {@code sub} = {@code client_id} = {@code azp} = the client id, {@code aud} = the requested
 * {@code audience}, by default {@value #INTERNAL_AUDIENCE}). Issuer = {@code <baseUrl>/idp}.
 *
 * <p>For the console (a browser public client) it is also an OIDC provider: {@code GET /authorize} (code flow with
 * mandatory S256 PKCE, a user picker or immediate approval for a {@code login_hint}), the authorization_code and
 * refresh_token grants (rotating refresh tokens), {@code GET /logout}, and CORS on discovery, JWKS and token.
 */
public final class IdpRoutes {

    /** The audience of the services' internal APIs, put into client-credentials tokens unless another is asked for. */
    public static final String INTERNAL_AUDIENCE = "interaction-sync-internal";

    /** Scopes the IdP understands; others are ignored, as OIDC Core §3.1.2.1 asks. */
    private static final Set<String> KNOWN_SCOPES = Set.of("openid", "email", "profile", "offline_access");
    /** Paths a browser on another origin calls with fetch(). */
    private static final Set<String> CORS_PATHS = Set.of("/idp/.well-known/openid-configuration", "/idp/jwks", "/idp/token");

    private final EmulatorContext ctx;

    public IdpRoutes(EmulatorContext ctx) {
        this.ctx = ctx;
    }

    public Router router(Vertx vertx) {
        Router router = Router.router(vertx);
        router.get("/.well-known/openid-configuration").handler(this::discovery);
        router.get("/jwks").handler(rc -> Responses.json(rc, 200, ctx.idpSigner().jwksJson()));
        router.post("/token").handler(this::token);
        router.get("/authorize").handler(this::authorize);
        router.post("/authorize/approve").handler(this::approve);
        router.get("/logout").handler(this::logout);
        return router;
    }

    /**
     * CORS for the console's fetch() calls (mounted before fault injection, so a preflight is never faulted and a
     * faulted answer still carries the headers the browser needs to read it). The IdP uses no cookies, so the origin
     * is echoed (or {@code *} without one) and credentials are never allowed.
     */
    public static void cors(RoutingContext rc) {
        if (!CORS_PATHS.contains(rc.request().path())) {
            rc.next();
            return;
        }
        String origin = rc.request().getHeader("Origin");
        rc.response().putHeader("Access-Control-Allow-Origin", origin == null ? "*" : origin)
                .putHeader("Vary", "Origin");
        if (rc.request().method() == io.vertx.core.http.HttpMethod.OPTIONS) {
            rc.response().putHeader("Access-Control-Allow-Methods", "GET, POST")
                    .putHeader("Access-Control-Allow-Headers", "Content-Type, Authorization")
                    .putHeader("Access-Control-Max-Age", "600")
                    .setStatusCode(204).end();
            return;
        }
        rc.next();
    }

    public String issuer() {
        return ctx.baseUrl() + "/idp";
    }

    private void discovery(RoutingContext rc) {
        ObjectNode doc = Json.object();
        doc.put("issuer", issuer());
        doc.put("jwks_uri", issuer() + "/jwks");
        doc.put("authorization_endpoint", issuer() + "/authorize");
        doc.put("token_endpoint", issuer() + "/token");
        doc.put("end_session_endpoint", issuer() + "/logout");
        doc.set("grant_types_supported", Json.array().add("authorization_code").add("refresh_token")
                .add("client_credentials"));
        doc.set("token_endpoint_auth_methods_supported",
                Json.array().add("none").add("client_secret_basic").add("client_secret_post"));
        doc.set("response_types_supported", Json.array().add("code"));
        doc.set("response_modes_supported", Json.array().add("query"));
        doc.set("code_challenge_methods_supported", Json.array().add("S256"));
        doc.set("scopes_supported", Json.array().add("openid").add("email").add("profile"));
        doc.set("prompt_values_supported", Json.array().add("none").add("login").add("select_account"));
        doc.set("subject_types_supported", Json.array().add("public"));
        doc.set("id_token_signing_alg_values_supported", Json.array().add("RS256"));
        doc.set("claims_supported", Json.array().add("iss").add("sub").add("aud").add("azp").add("client_id")
                .add("email").add("name").add("groups").add("roles").add("nonce").add("auth_time").add("iat")
                .add("exp").add("jti"));
        Responses.json(rc, 200, doc);
    }

    private void token(RoutingContext rc) {
        String contentType = String.valueOf(rc.request().getHeader("Content-Type"));
        if (contentType.startsWith("application/json")) {
            userToken(rc);
        } else if (contentType.startsWith("application/x-www-form-urlencoded")) {
            String grantType = rc.request().getFormAttribute("grant_type");
            if ("authorization_code".equals(grantType)) {
                authorizationCode(rc);
            } else if ("refresh_token".equals(grantType)) {
                refreshToken(rc);
            } else {
                clientCredentials(rc);
            }
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
            Responses.json(rc, 400, GoogleErrors.oauth("unsupported_grant_type",
                    "supported: authorization_code, refresh_token, client_credentials"));
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

    // ---------------------------------------------------------------- console sign-in (authorization code + PKCE)

    /** A validated authorize request. */
    private record AuthRequest(String clientId, String redirectUri, List<String> scopes, String state, String nonce,
            String challenge, Set<String> prompt, String loginHint) {
    }

    private void authorize(RoutingContext rc) {
        MultiMap p = rc.request().params();
        validate(rc, p).ifPresent(request -> {
            Optional<PortalUser> hinted = ctx.portalUsers().find(request.loginHint());
            boolean choose = request.prompt().contains("login") || request.prompt().contains("select_account");
            if (request.prompt().contains("none")) {
                if (hinted.isEmpty() || choose) {
                    redirectWithError(rc, request, "login_required",
                            "prompt=none needs a login_hint naming a known user (the emulator keeps no session)");
                } else {
                    approveFor(rc, request, hinted.get());
                }
            } else if (hinted.isPresent() && !choose) {
                approveFor(rc, request, hinted.get());
            } else {
                Responses.html(rc, 200, IdpPages.picker(request.clientId(), ctx.portalUsers().all(),
                        hinted.map(PortalUser::email).orElse(null), p));
            }
        });
    }

    /** The picker's form: the authorize parameters again (validated again), plus {@code email} and {@code decision}. */
    private void approve(RoutingContext rc) {
        MultiMap form = rc.request().formAttributes();
        validate(rc, form).ifPresent(request -> {
            if (!"approve".equals(form.get("decision"))) {
                redirectWithError(rc, request, "access_denied", "the user cancelled the sign-in");
                return;
            }
            Optional<PortalUser> user = ctx.portalUsers().find(form.get("email"));
            if (user.isEmpty()) {
                Responses.html(rc, 400, IdpPages.error("invalid_request", "Choose one of the listed users."));
                return;
            }
            approveFor(rc, request, user.get());
        });
    }

    /**
     * Validates as OAuth 2.0 asks: an unknown client or an unacceptable redirect URI → a 400 page and never a redirect
     * (RFC 6749 §4.1.2.1); any other error → a redirect to the client with {@code error}.
     */
    private Optional<AuthRequest> validate(RoutingContext rc, MultiMap p) {
        String clientId = p.get("client_id");
        if (clientId == null || clientId.isBlank()) {
            Responses.html(rc, 400, IdpPages.error("invalid_request", "Missing required parameter: client_id"));
            return Optional.empty();
        }
        if (!knownClient(clientId)) {
            Responses.html(rc, 400, IdpPages.error("invalid_client", "Unknown client: " + clientId));
            return Optional.empty();
        }
        String redirectUri = p.get("redirect_uri");
        if (redirectUri == null || redirectUri.isBlank()) {
            Responses.html(rc, 400, IdpPages.error("invalid_request", "Missing required parameter: redirect_uri"));
            return Optional.empty();
        }
        if (!acceptableRedirect(redirectUri)) {
            Responses.html(rc, 400, IdpPages.error("invalid_request", "redirect_uri is neither an http loopback URI"
                    + " (127.0.0.1, localhost, [::1]) nor listed in idpRedirectUris: " + redirectUri));
            return Optional.empty();
        }
        String state = p.get("state");
        AuthRequest partial = new AuthRequest(clientId, redirectUri, List.of(), state, null, null, Set.of(), null);
        String responseType = p.get("response_type");
        if (responseType == null || responseType.isBlank()) {
            return fail(rc, partial, "invalid_request", "Missing required parameter: response_type");
        }
        if (!responseType.equals("code")) {
            return fail(rc, partial, "unsupported_response_type", "only response_type=code is supported");
        }
        String scope = p.get("scope");
        List<String> requested = scope == null ? List.of() : Arrays.stream(scope.trim().split("\\s+"))
                .filter(s -> !s.isEmpty()).toList();
        if (!requested.contains("openid")) {
            return fail(rc, partial, "invalid_scope", "scope must contain openid");
        }
        String challenge = p.get("code_challenge");
        String method = p.get("code_challenge_method");
        if (challenge == null || challenge.isBlank()) {
            return fail(rc, partial, "invalid_request", "code_challenge is required (PKCE, S256)");
        }
        if (!"S256".equals(method)) {
            return fail(rc, partial, "invalid_request", "code_challenge_method must be S256");
        }
        if (!challenge.matches("[A-Za-z0-9_-]{43}")) {
            return fail(rc, partial, "invalid_request", "code_challenge must be a base64url SHA-256 (43 characters)");
        }
        Set<String> prompt = p.get("prompt") == null ? Set.of()
                : Set.copyOf(Arrays.stream(p.get("prompt").trim().split("\\s+")).filter(s -> !s.isEmpty()).toList());
        if (prompt.contains("none") && prompt.size() > 1) {
            return fail(rc, partial, "invalid_request", "prompt=none cannot be combined with other values");
        }
        List<String> granted = requested.stream().filter(KNOWN_SCOPES::contains).distinct().toList();
        return Optional.of(new AuthRequest(clientId, redirectUri, granted, state, p.get("nonce"), challenge, prompt,
                p.get("login_hint")));
    }

    private Optional<AuthRequest> fail(RoutingContext rc, AuthRequest request, String error, String description) {
        redirectWithError(rc, request, error, description);
        return Optional.empty();
    }

    /** An http loopback URI with any port and path (RFC 8252 §7.3), or one listed in {@code idpRedirectUris}. */
    private boolean acceptableRedirect(String uri) {
        if (ctx.config().get().idpRedirectUris().contains(uri)) {
            return true;
        }
        try {
            URI parsed = new URI(uri);
            String host = parsed.getHost();
            return "http".equalsIgnoreCase(parsed.getScheme()) && parsed.getRawFragment() == null && parsed.getRawUserInfo() == null
                    && host != null && (host.equals("127.0.0.1") || host.equalsIgnoreCase("localhost") || host.equals("[::1]"));
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private void approveFor(RoutingContext rc, AuthRequest request, PortalUser user) {
        String code = ctx.idpGrants().issueCode(new IdpGrants.Code(request.clientId(), request.redirectUri(),
                user.email(), request.scopes(), request.challenge(), request.nonce(), Instant.now().getEpochSecond(),
                Instant.now().plusSeconds(IdpGrants.CODE_TTL_SECONDS)));
        String query = "code=" + enc(code) + (request.state() == null ? "" : "&state=" + enc(request.state()));
        Responses.redirect(rc, withQuery(request.redirectUri(), query));
    }

    private void redirectWithError(RoutingContext rc, AuthRequest request, String error, String description) {
        String query = "error=" + enc(error) + "&error_description=" + enc(description)
                + (request.state() == null ? "" : "&state=" + enc(request.state()));
        Responses.redirect(rc, withQuery(request.redirectUri(), query));
    }

    /** RP-initiated logout: ends the refresh tokens of the id_token_hint's user and client, then redirects or says so. */
    private void logout(RoutingContext rc) {
        MultiMap p = rc.request().params();
        String redirect = p.get("post_logout_redirect_uri");
        if (redirect != null && !acceptableRedirect(redirect)) {
            Responses.html(rc, 400, IdpPages.error("invalid_request", "post_logout_redirect_uri is neither an http"
                    + " loopback URI nor listed in idpRedirectUris: " + redirect));
            return;
        }
        String hint = p.get("id_token_hint");
        if (hint != null && !hint.isBlank()) {
            try {
                // Our own signature; an expired id_token is still a fine hint (OIDC RP-Initiated Logout §2).
                JwtClaims claims = new JwtConsumerBuilder().setSkipAllValidators()
                        .setVerificationKey(ctx.idpSigner().publicKey()).build().processToClaims(hint);
                String azp = claims.getStringClaimValue("azp");
                String email = claims.getStringClaimValue("email");
                if (azp != null && email != null) {
                    ctx.idpGrants().revoke(azp, email);
                }
            } catch (InvalidJwtException | org.jose4j.jwt.MalformedClaimException e) {
                Responses.html(rc, 400, IdpPages.error("invalid_request", "id_token_hint is not an id_token of this IdP"));
                return;
            }
        }
        if (redirect != null) {
            String state = p.get("state");
            Responses.redirect(rc, state == null ? redirect : withQuery(redirect, "state=" + enc(state)));
        } else {
            Responses.html(rc, 200, IdpPages.signedOut());
        }
    }

    // ---------------------------------------------------------------- console grants

    private void authorizationCode(RoutingContext rc) {
        MultiMap form = rc.request().formAttributes();
        String clientId = form.get("client_id");
        if (!knownConsoleClient(rc, clientId)) {
            return;
        }
        String value = form.get("code");
        if (value == null || value.isBlank()) {
            Responses.json(rc, 400, GoogleErrors.oauth("invalid_request", "code is required"));
            return;
        }
        Optional<IdpGrants.Code> redeemed = ctx.idpGrants().redeem(value);
        if (redeemed.isEmpty()) {
            Responses.json(rc, 400, GoogleErrors.oauth("invalid_grant", "the code is unknown, expired or already used"));
            return;
        }
        IdpGrants.Code code = redeemed.get();
        if (!code.clientId().equals(clientId)) {
            Responses.json(rc, 400, GoogleErrors.oauth("invalid_grant", "the code was issued to another client"));
            return;
        }
        if (!code.redirectUri().equals(form.get("redirect_uri"))) {
            Responses.json(rc, 400, GoogleErrors.oauth("invalid_grant", "redirect_uri differs from the authorize request's"));
            return;
        }
        String verifier = form.get("code_verifier");
        if (verifier == null || !verifier.matches("[A-Za-z0-9._~-]{43,128}")) {
            Responses.json(rc, 400, GoogleErrors.oauth("invalid_grant", "code_verifier is missing or malformed"));
            return;
        }
        if (!s256(verifier).equals(code.challenge())) {
            Responses.json(rc, 400, GoogleErrors.oauth("invalid_grant", "code_verifier does not match the code_challenge"));
            return;
        }
        Optional<PortalUser> user = ctx.portalUsers().find(code.email());
        if (user.isEmpty()) {
            Responses.json(rc, 400, GoogleErrors.oauth("invalid_grant", "the user no longer exists"));
            return;
        }
        consoleTokens(rc, clientId, user.get(), code.scopes(), code.nonce(), code.authTime());
    }

    private void refreshToken(RoutingContext rc) {
        MultiMap form = rc.request().formAttributes();
        String clientId = form.get("client_id");
        if (!knownConsoleClient(rc, clientId)) {
            return;
        }
        String value = form.get("refresh_token");
        if (value == null || value.isBlank()) {
            Responses.json(rc, 400, GoogleErrors.oauth("invalid_request", "refresh_token is required"));
            return;
        }
        Optional<IdpGrants.Refresh> taken = ctx.idpGrants().takeRefresh(value);
        if (taken.isEmpty()) {
            Responses.json(rc, 400, GoogleErrors.oauth("invalid_grant", "the refresh token is unknown, used or revoked"));
            return;
        }
        IdpGrants.Refresh refresh = taken.get();
        if (!refresh.clientId().equals(clientId)) {
            ctx.idpGrants().restoreRefresh(value, refresh);
            Responses.json(rc, 400, GoogleErrors.oauth("invalid_grant", "the refresh token was issued to another client"));
            return;
        }
        // Roles and name as they are now: a role granted or taken away shows on the next refresh.
        Optional<PortalUser> user = ctx.portalUsers().find(refresh.email());
        if (user.isEmpty()) {
            Responses.json(rc, 400, GoogleErrors.oauth("invalid_grant", "the user no longer exists"));
            return;
        }
        consoleTokens(rc, clientId, user.get(), refresh.scopes(), null, refresh.authTime());
    }

    /**
     * Public clients (PKCE, no secret): any id while {@code idpConsoleClients} is empty (the default: a demo IdP for any
     * local console), else only the configured ones.
     */
    private boolean knownClient(String clientId) {
        List<String> clients = ctx.config().get().idpConsoleClients();
        return clientId != null && !clientId.isBlank() && (clients.isEmpty() || clients.contains(clientId));
    }

    /** Public clients authenticate with nothing but their id, which must be a known console client. */
    private boolean knownConsoleClient(RoutingContext rc, String clientId) {
        if (!knownClient(clientId)) {
            Responses.json(rc, 401, GoogleErrors.oauth("invalid_client", "unknown client: " + clientId));
            return false;
        }
        return true;
    }

    private void consoleTokens(RoutingContext rc, String clientId, PortalUser user, List<String> scopes, String nonce,
                               long authTime) {
        long ttl = ctx.config().get().idpTokenTtlSeconds();
        NumericDate now = NumericDate.now();
        NumericDate exp = NumericDate.fromSeconds(now.getValue() + ttl);

        // Shaped like the JSON user tokens (the connector's user path), plus azp; never client_id or aud.
        JwtClaims access = new JwtClaims();
        access.setIssuer(issuer());
        access.setSubject(user.sub());
        access.setStringClaim("email", user.email());
        access.setStringClaim("name", user.name());
        access.setStringListClaim("roles", user.roles());
        access.setStringListClaim("groups", user.roles());
        access.setStringClaim("azp", clientId);
        access.setIssuedAt(now);
        access.setExpirationTime(exp);
        access.setJwtId(UUID.randomUUID().toString());

        JwtClaims id = new JwtClaims();
        id.setIssuer(issuer());
        id.setSubject(user.sub());
        id.setAudience(clientId);
        id.setStringClaim("azp", clientId);
        if (nonce != null) {
            id.setStringClaim("nonce", nonce);
        }
        id.setStringClaim("email", user.email());
        id.setClaim("email_verified", true);
        id.setStringClaim("name", user.name());
        id.setStringListClaim("roles", user.roles());
        id.setIssuedAt(now);
        id.setExpirationTime(exp);
        id.setClaim("auth_time", authTime);

        String refresh = ctx.idpGrants().issueRefresh(new IdpGrants.Refresh(clientId, user.email(), scopes, authTime));
        ObjectNode response = Json.object();
        response.put("access_token", ctx.idpSigner().sign(access));
        response.put("id_token", ctx.idpSigner().sign(id));
        response.put("refresh_token", refresh);
        response.put("token_type", "Bearer");
        response.put("expires_in", ttl);
        response.put("scope", String.join(" ", scopes));
        Responses.json(rc, 200, response);
    }

    private static String s256(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String withQuery(String uri, String query) {
        return uri + (uri.contains("?") ? "&" : "?") + query;
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
