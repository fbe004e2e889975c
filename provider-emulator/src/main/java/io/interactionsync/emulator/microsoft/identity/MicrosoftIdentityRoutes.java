package io.interactionsync.emulator.microsoft.identity;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interactionsync.emulator.EmulatorContext;
import io.interactionsync.emulator.config.OAuthClient;
import io.interactionsync.emulator.http.Json;
import io.interactionsync.emulator.http.MicrosoftErrors;
import io.interactionsync.emulator.http.Responses;
import io.interactionsync.emulator.microsoft.identity.MicrosoftTokens.Code;
import io.interactionsync.emulator.microsoft.identity.MicrosoftTokens.Refresh;
import io.interactionsync.emulator.store.MicrosoftUser;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;

/**
 * The Microsoft identity platform v2 ({@code login.microsoftonline.com/{tenant}/oauth2/v2.0/…}): authorize (consent
 * page, or immediate answer for a {@code login_hint} naming a loaded user), token (authorization_code with PKCE,
 * refresh_token with rotation), v2 admin consent, discovery and keys. Tenants: {@code common},
 * {@code organizations}, {@code consumers} or a tenant id.
 */
public final class MicrosoftIdentityRoutes {

    private static final Set<String> AUTH_PARAMS = Set.of("client_id", "redirect_uri", "response_type", "scope",
            "state", "code_challenge", "code_challenge_method", "prompt", "login_hint", "nonce", "response_mode");

    private final EmulatorContext ctx;

    public MicrosoftIdentityRoutes(EmulatorContext ctx) {
        this.ctx = ctx;
    }

    /** Mounted at {@code /login.microsoftonline.com}. */
    public Router router(Vertx vertx) {
        Router router = Router.router(vertx);
        router.get("/:tenant/oauth2/v2.0/authorize").handler(this::authorize);
        router.post("/:tenant/oauth2/v2.0/authorize/approve").handler(this::approve);
        router.post("/:tenant/oauth2/v2.0/token").handler(this::token);
        router.get("/:tenant/v2.0/adminconsent").handler(this::adminConsent);
        router.get("/:tenant/v2.0/.well-known/openid-configuration").handler(this::discovery);
        router.get("/:tenant/discovery/v2.0/keys").handler(rc -> Responses.json(rc, 200, ctx.microsoftSigner().jwksJson()));
        return router;
    }

    private String base(String tenant) {
        return ctx.baseUrl() + "/login.microsoftonline.com/" + tenant;
    }

    private void discovery(RoutingContext rc) {
        String tenant = rc.pathParam("tenant");
        ObjectNode doc = Json.object();
        doc.put("issuer", "https://login.microsoftonline.com/" + (isGuid(tenant) ? tenant : "{tenantid}") + "/v2.0");
        doc.put("authorization_endpoint", base(tenant) + "/oauth2/v2.0/authorize");
        doc.put("token_endpoint", base(tenant) + "/oauth2/v2.0/token");
        doc.put("jwks_uri", base(tenant) + "/discovery/v2.0/keys");
        doc.set("response_types_supported", Json.array().add("code"));
        doc.set("id_token_signing_alg_values_supported", Json.array().add("RS256"));
        doc.set("token_endpoint_auth_methods_supported", Json.array().add("client_secret_post").add("client_secret_basic"));
        Responses.json(rc, 200, doc);
    }

    // ---------------------------------------------------------------- authorize

    private record AuthRequest(String tenant, OAuthClient client, String redirectUri, List<String> scopes, String state,
            String challenge, String challengeMethod, String loginHint, String nonce) {
    }

    private void authorize(RoutingContext rc) {
        MultiMap p = rc.request().params();
        validate(rc, p).ifPresent(request -> {
            Optional<MicrosoftUser> user = ctx.store().microsoftUser(request.loginHint());
            if (user.isPresent()) {
                answer(rc, request, user.get());
            } else {
                Responses.html(rc, 200, consentPage(request, p));
            }
        });
    }

    private void approve(RoutingContext rc) {
        MultiMap form = rc.request().formAttributes();
        validate(rc, form).ifPresent(request -> {
            if (!"approve".equals(form.get("decision"))) {
                redirectError(rc, request, "access_denied", 65004, "User declined to consent to access the app.");
                return;
            }
            Optional<MicrosoftUser> user = ctx.store().microsoftUser(form.get("upn"));
            if (user.isEmpty()) {
                Responses.html(rc, 400, errorPage(50034, "The user account does not exist in the directory."));
                return;
            }
            answer(rc, request, user.get());
        });
    }

    private Optional<AuthRequest> validate(RoutingContext rc, MultiMap p) {
        String tenant = rc.pathParam("tenant");
        String clientId = p.get("client_id");
        Optional<OAuthClient> client = findClient(clientId);
        if (client.isEmpty()) {
            Responses.html(rc, 400, errorPage(700016, "Application with identifier '" + clientId
                    + "' was not found in the directory '" + tenant + "'."));
            return Optional.empty();
        }
        String redirectUri = p.get("redirect_uri");
        if (redirectUri == null || !client.get().redirectUris().contains(redirectUri)) {
            Responses.html(rc, 400, errorPage(50011, "The redirect URI '" + redirectUri
                    + "' specified in the request does not match the redirect URIs configured for the application '"
                    + clientId + "'."));
            return Optional.empty();
        }
        AuthRequest partial = new AuthRequest(tenant, client.get(), redirectUri, List.of(), p.get("state"), null, null,
                null, null);
        if (!"code".equals(p.get("response_type"))) {
            redirectError(rc, partial, "unsupported_response_type", 700054,
                    "response_type '" + p.get("response_type") + "' is not enabled for the application.");
            return Optional.empty();
        }
        String scope = p.get("scope");
        List<String> scopes = scope == null ? null : MicrosoftScopes.parse(scope);
        if (scopes == null || scopes.isEmpty()) {
            redirectError(rc, partial, "invalid_request", 900144,
                    "The request body must contain the following parameter: 'scope'.");
            return Optional.empty();
        }
        String challenge = p.get("code_challenge");
        String method = challenge == null ? null : Optional.ofNullable(p.get("code_challenge_method")).orElse("plain");
        if (method != null && !method.equals("S256") && !method.equals("plain")) {
            redirectError(rc, partial, "invalid_request", 501491, "Invalid code_challenge_method.");
            return Optional.empty();
        }
        return Optional.of(new AuthRequest(tenant, client.get(), redirectUri, scopes, p.get("state"), challenge, method,
                p.get("login_hint"), p.get("nonce")));
    }

    private void answer(RoutingContext rc, AuthRequest request, MicrosoftUser user) {
        if (user.personal() && request.tenant().equals("organizations")) {
            redirectError(rc, request, "invalid_request", 500208,
                    "The domain is not a valid login domain for the account type.");
            return;
        }
        if (!user.personal() && request.tenant().equals("consumers")) {
            redirectError(rc, request, "invalid_request", 50020, "User account '" + user.upn()
                    + "' from identity provider does not exist in tenant 'Microsoft Services'.");
            return;
        }
        if ("AADSTS90094".equals(user.consentError())) {
            redirectError(rc, request, "access_denied", 90094, "The grant requires admin permission.");
            return;
        }
        Code code = ctx.microsoftTokens().issueCode(request.client().clientId(), request.redirectUri(), user.upn(),
                request.scopes(), request.challenge(), request.challengeMethod(), request.nonce(),
                Instant.now().plusSeconds(600));
        StringBuilder query = new StringBuilder("code=").append(enc(code.code()));
        if (request.state() != null) {
            query.append("&state=").append(enc(request.state()));
        }
        query.append("&session_state=").append(UUID.nameUUIDFromBytes(user.upn().getBytes(StandardCharsets.UTF_8)));
        if (request.redirectUri().equals("postmessage")) {
            rc.response().putHeader("X-Emulator-Authorization-Code", code.code());
            Responses.html(rc, 200, "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Signing in"
                    + " (emulator)</title></head><body data-code=\"" + Responses.escape(code.code())
                    + "\"><pre id=\"code\">" + Responses.escape(code.code()) + "</pre></body></html>");
            return;
        }
        Responses.redirect(rc, request.redirectUri() + (request.redirectUri().contains("?") ? "&" : "?") + query);
    }

    private void redirectError(RoutingContext rc, AuthRequest request, String error, int aadsts, String message) {
        String description = "AADSTS" + aadsts + ": " + message + " Trace ID: " + UUID.randomUUID()
                + " Correlation ID: " + UUID.randomUUID() + " Timestamp: " + Instant.now();
        String query = "error=" + enc(error) + "&error_description=" + enc(description)
                + (request.state() == null ? "" : "&state=" + enc(request.state()));
        Responses.redirect(rc, request.redirectUri() + (request.redirectUri().contains("?") ? "&" : "?") + query);
    }

    private String consentPage(AuthRequest request, MultiMap params) {
        StringBuilder hidden = new StringBuilder();
        for (String name : AUTH_PARAMS) {
            if (params.get(name) != null) {
                hidden.append("<input type=\"hidden\" name=\"").append(name).append("\" value=\"")
                        .append(Responses.escape(params.get(name))).append("\">");
            }
        }
        StringBuilder users = new StringBuilder();
        List<MicrosoftUser> loaded = ctx.store().microsoftUsers();
        for (int i = 0; i < loaded.size(); i++) {
            MicrosoftUser user = loaded.get(i);
            users.append("<li><input type=\"radio\" name=\"upn\" id=\"account-").append(i).append("\" value=\"")
                    .append(Responses.escape(user.upn())).append("\"").append(i == 0 ? " checked" : "")
                    .append("> <label for=\"account-").append(i).append("\">").append(Responses.escape(user.displayName()))
                    .append(" &lt;").append(Responses.escape(user.upn())).append("&gt;")
                    .append(user.personal() ? " (personal account)" : "").append("</label></li>");
        }
        StringBuilder scopes = new StringBuilder();
        request.scopes().forEach(s -> scopes.append("<li>").append(Responses.escape(s)).append("</li>"));
        return Responses.page("Sign in to your account (emulator)", "<h1>Pick an account</h1>"
                + "<form method=\"post\" action=\"/login.microsoftonline.com/"
                + Responses.escape(request.tenant()) + "/oauth2/v2.0/authorize/approve\">" + hidden
                + (users.isEmpty() ? "<p>No Microsoft users are loaded in the emulator.</p>"
                        : "<fieldset><legend>Account</legend><ul>" + users + "</ul></fieldset>")
                + "<h2>Permissions requested:</h2><ul>" + scopes + "</ul>"
                + "<button type=\"submit\" name=\"decision\" value=\"approve\" id=\"approve\">Accept</button> "
                + "<button type=\"submit\" name=\"decision\" value=\"deny\" id=\"deny\">Cancel</button></form>");
    }

    private static String errorPage(int aadsts, String message) {
        return Responses.page("Sign in to your account", "<h1>Sorry, but we're having trouble signing you in.</h1>"
                + "<p id=\"error\">AADSTS" + aadsts + ": " + Responses.escape(message) + "</p>");
    }

    // ---------------------------------------------------------------- admin consent

    private void adminConsent(RoutingContext rc) {
        MultiMap p = rc.request().params();
        Optional<OAuthClient> client = findClient(p.get("client_id"));
        if (client.isEmpty()) {
            Responses.html(rc, 400, errorPage(700016, "Application with identifier '" + p.get("client_id") + "' was not found."));
            return;
        }
        String redirectUri = p.get("redirect_uri");
        if (redirectUri == null || !client.get().redirectUris().contains(redirectUri)) {
            Responses.html(rc, 400, errorPage(50011, "The redirect URI '" + redirectUri + "' does not match."));
            return;
        }
        String tenant = rc.pathParam("tenant");
        Optional<MicrosoftUser> admin = ctx.store().microsoftUser(p.get("login_hint"));
        String tenantId = isGuid(tenant) ? tenant : admin.map(MicrosoftUser::tenantId).orElse(null);
        if (tenantId == null) {
            Responses.html(rc, 200, Responses.page("Admin consent (emulator)", "<h1>Admin consent</h1><p>Sign in as a"
                    + " tenant administrator (pass login_hint to the emulator).</p>"));
            return;
        }
        for (MicrosoftUser user : ctx.store().microsoftUsers()) {
            if (user.tenantId().equals(tenantId) && user.consentError() != null) {
                ctx.store().putMicrosoftUser(new MicrosoftUser(user.upn(), user.id(), user.displayName(), user.tenantId(),
                        user.personal(), user.mailbox(), user.calendar(), user.fullAccessTo(), null));
            }
        }
        String query = "tenant=" + enc(tenantId) + "&admin_consent=True"
                + (p.get("scope") == null ? "" : "&scope=" + enc(p.get("scope")))
                + (p.get("state") == null ? "" : "&state=" + enc(p.get("state")));
        Responses.redirect(rc, redirectUri + (redirectUri.contains("?") ? "&" : "?") + query);
    }

    // ---------------------------------------------------------------- token

    private void token(RoutingContext rc) {
        MultiMap form = rc.request().formAttributes();
        String clientId = form.get("client_id");
        String secret = form.get("client_secret");
        String authorization = rc.request().getHeader("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            if (colon > 0) {
                clientId = URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8);
                secret = URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8);
            }
        }
        Optional<OAuthClient> client = findClient(clientId);
        if (client.isEmpty()) {
            Responses.json(rc, 400, MicrosoftErrors.identity("unauthorized_client", 700016,
                    "Application with identifier '" + clientId + "' was not found in the directory."));
            return;
        }
        if (!client.get().clientSecret().equals(secret)) {
            Responses.json(rc, 401, MicrosoftErrors.identity("invalid_client", 7000215,
                    "Invalid client secret provided. Ensure the secret being sent in the request is the client secret"
                            + " value, not the client secret ID, for a secret added to app '" + clientId + "'."));
            return;
        }
        String grantType = form.get("grant_type");
        if ("authorization_code".equals(grantType)) {
            authorizationCode(rc, form, client.get());
        } else if ("refresh_token".equals(grantType)) {
            refreshToken(rc, form, client.get());
        } else {
            Responses.json(rc, 400, MicrosoftErrors.identity("unsupported_grant_type", 70003,
                    "The app requested an unsupported grant type '" + grantType + "'."));
        }
    }

    private void authorizationCode(RoutingContext rc, MultiMap form, OAuthClient client) {
        String value = form.get("code");
        if (value == null) {
            Responses.json(rc, 400, MicrosoftErrors.identity("invalid_request", 900144,
                    "The request body must contain the following parameter: 'code'."));
            return;
        }
        Optional<Code> redeemed = ctx.microsoftTokens().redeem(value);
        if (redeemed.isEmpty()) {
            Responses.json(rc, 400, value.startsWith("0.A")
                    ? MicrosoftErrors.identity("invalid_grant", 54005, "OAuth2 Authorization code was already redeemed,"
                            + " please retry with a new valid code or use an existing refresh token.")
                    : MicrosoftErrors.identity("invalid_grant", 9002313, "Invalid request. Request is malformed or invalid."));
            return;
        }
        Code code = redeemed.get();
        if (Instant.now().isAfter(code.expiresAt())) {
            Responses.json(rc, 400, MicrosoftErrors.identity("invalid_grant", 70008,
                    "The provided authorization code or refresh token has expired due to inactivity."));
            return;
        }
        if (!code.clientId().equals(client.clientId()) || !code.redirectUri().equals(form.get("redirect_uri"))) {
            Responses.json(rc, 400, MicrosoftErrors.identity("invalid_grant", 50148,
                    "The redirect_uri or client does not match the one used in the authorization request."));
            return;
        }
        if (code.challenge() != null) {
            String verifier = form.get("code_verifier");
            String computed = verifier == null ? null : "S256".equals(code.challengeMethod()) ? s256(verifier) : verifier;
            if (!code.challenge().equals(computed)) {
                Responses.json(rc, 400, MicrosoftErrors.identity("invalid_grant", 50148,
                        "The code_verifier does not match the code_challenge supplied in the authorization request for PKCE."));
                return;
            }
        }
        Optional<MicrosoftUser> user = ctx.store().microsoftUser(code.upn());
        if (user.isEmpty()) {
            Responses.json(rc, 400, MicrosoftErrors.identity("invalid_grant", 50034, "The user account does not exist."));
            return;
        }
        if ("AADSTS65001".equals(user.get().consentError())) {
            Responses.json(rc, 400, MicrosoftErrors.identity("invalid_grant", 65001, "The user or administrator has not"
                    + " consented to use the application with ID '" + client.clientId() + "' named 'Interaction Sync'."
                    + " Send an interactive authorization request for this user and resource."));
            return;
        }
        tokenResponse(rc, client, user.get(), code.scopes(), code.nonce());
    }

    private void refreshToken(RoutingContext rc, MultiMap form, OAuthClient client) {
        String token = form.get("refresh_token");
        Optional<Refresh> refresh = token == null ? Optional.empty() : ctx.microsoftTokens().refresh(token);
        if (refresh.isEmpty()) {
            Responses.json(rc, 400, token != null && ctx.microsoftTokens().wasRevoked(token)
                    ? MicrosoftErrors.identity("invalid_grant", 50173, "The provided grant has expired due to it being"
                            + " revoked, a fresh auth token is needed. The user might have changed or reset their password.")
                    : MicrosoftErrors.identity("invalid_grant", 9002313, "Invalid request. Request is malformed or invalid."));
            return;
        }
        Optional<MicrosoftUser> user = ctx.store().microsoftUser(refresh.get().upn());
        if (!refresh.get().clientId().equals(client.clientId()) || user.isEmpty()) {
            Responses.json(rc, 400, MicrosoftErrors.identity("invalid_grant", 700082,
                    "The refresh token has expired due to inactivity."));
            return;
        }
        tokenResponse(rc, client, user.get(), refresh.get().scopes(), null);
    }

    private void tokenResponse(RoutingContext rc, OAuthClient client, MicrosoftUser user, List<String> scopes, String nonce) {
        long ttl = ctx.config().get().accessTokenTtlSeconds();
        List<String> reported = scopes.stream().filter(s -> !s.equals("offline_access")).toList();
        var access = ctx.microsoftTokens().issueAccess(client.clientId(), user.upn(), scopes, Instant.now().plusSeconds(ttl));
        ObjectNode body = Json.object();
        body.put("token_type", "Bearer");
        if (!ctx.config().get().omitTokenScope()) {
            body.put("scope", String.join(" ", reported));
        }
        body.put("expires_in", ttl);
        body.put("ext_expires_in", ttl);
        body.put("access_token", access.token());
        if (scopes.contains("offline_access")) {
            body.put("refresh_token", ctx.microsoftTokens().issueRefresh(client.clientId(), user.upn(), scopes).token());
        }
        if (scopes.contains("openid")) {
            body.put("id_token", idToken(client, user, scopes, nonce));
        }
        Responses.json(rc, 200, body);
    }

    private String idToken(OAuthClient client, MicrosoftUser user, List<String> scopes, String nonce) {
        JwtClaims claims = new JwtClaims();
        claims.setAudience(client.clientId());
        claims.setIssuer("https://login.microsoftonline.com/" + user.tenantId() + "/v2.0");
        NumericDate now = NumericDate.now();
        claims.setIssuedAt(now);
        claims.setNotBefore(now);
        claims.setExpirationTime(NumericDate.fromSeconds(now.getValue() + 3600));
        if (scopes.contains("profile")) {
            claims.setStringClaim("name", user.displayName());
        }
        claims.setStringClaim("oid", user.id());
        claims.setStringClaim("preferred_username", user.upn());
        if (scopes.contains("email")) {
            claims.setStringClaim("email", user.upn());
        }
        claims.setSubject(Base64.getUrlEncoder().withoutPadding().encodeToString(
                sha256(user.id() + "|" + client.clientId())).substring(0, 43));
        claims.setStringClaim("tid", user.tenantId());
        claims.setStringClaim("ver", "2.0");
        if (nonce != null) {
            claims.setStringClaim("nonce", nonce);
        }
        return ctx.microsoftSigner().sign(claims);
    }

    // ---------------------------------------------------------------- helpers

    private Optional<OAuthClient> findClient(String clientId) {
        return clientId == null ? Optional.empty()
                : ctx.config().get().microsoftClients().stream().filter(c -> c.clientId().equals(clientId)).findFirst();
    }

    private static boolean isGuid(String value) {
        return value.matches("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String s256(String verifier) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(sha256Ascii(verifier));
    }

    private static byte[] sha256Ascii(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
