package io.interactionsync.emulator.google.oauth;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interactionsync.emulator.EmulatorContext;
import io.interactionsync.emulator.config.EmulatorConfig;
import io.interactionsync.emulator.config.OAuthClient;
import io.interactionsync.emulator.google.oauth.GoogleTokens.AccessGrant;
import io.interactionsync.emulator.google.oauth.GoogleTokens.AuthCode;
import io.interactionsync.emulator.google.oauth.GoogleTokens.RefreshGrant;
import io.interactionsync.emulator.http.GoogleErrors;
import io.interactionsync.emulator.http.Json;
import io.interactionsync.emulator.http.Responses;
import io.interactionsync.emulator.store.GoogleUser;
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
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;

/**
 * Google's OAuth 2.0 authorization server: {@code accounts.google.com/o/oauth2/v2/auth} (consent page, or
 * immediate approval when {@code login_hint} names a loaded user), {@code oauth2.googleapis.com/token}
 * (authorization_code with PKCE, refresh_token) and {@code oauth2.googleapis.com/revoke}; plus Google's JWKS
 * ({@code www.googleapis.com/oauth2/v3/certs}) for the id_tokens it signs.
 */
public final class GoogleOAuthRoutes {

    public static final String ID_TOKEN_ISSUER = "https://accounts.google.com";
    private static final Set<String> AUTH_PARAMS = Set.of("client_id", "redirect_uri", "response_type", "scope",
            "state", "code_challenge", "code_challenge_method", "access_type", "include_granted_scopes", "prompt",
            "login_hint", "nonce", "hd");

    private final EmulatorContext ctx;

    public GoogleOAuthRoutes(EmulatorContext ctx) {
        this.ctx = ctx;
    }

    /** Mounted at {@code /accounts.google.com}. */
    public Router accountsRouter(Vertx vertx) {
        Router router = Router.router(vertx);
        router.get("/o/oauth2/v2/auth").handler(this::authorize);
        router.post("/o/oauth2/v2/auth/approve").handler(this::approve);
        return router;
    }

    /** Mounted at {@code /oauth2.googleapis.com}. */
    public Router tokenRouter(Vertx vertx) {
        Router router = Router.router(vertx);
        router.post("/token").handler(this::token);
        router.post("/revoke").handler(this::revoke);
        return router;
    }

    /** Google's signing keys, {@code GET /www.googleapis.com/oauth2/v3/certs}. */
    public void certs(RoutingContext rc) {
        Responses.json(rc, 200, ctx.googleSigner().jwksJson());
    }

    // ---------------------------------------------------------------- authorize

    /** A validated authorization request. */
    private record AuthRequest(OAuthClient client, String redirectUri, List<String> scopes, String state,
            String challenge, String challengeMethod, boolean offline, boolean includeGranted, String prompt,
            String loginHint, String nonce) {
    }

    private void authorize(RoutingContext rc) {
        MultiMap p = rc.request().params();
        validate(rc, p).ifPresent(request -> {
            Optional<GoogleUser> hinted = Optional.ofNullable(request.loginHint())
                    .flatMap(h -> ctx.store().googleUser(h).or(() -> ctx.store().googleUserBySub(h)));
            if (hinted.isPresent()) {
                approveFor(rc, request, hinted.get());
            } else {
                Responses.html(rc, 200, consentPage(request, p));
            }
        });
    }

    private void approve(RoutingContext rc) {
        MultiMap form = rc.request().formAttributes();
        validate(rc, form).ifPresent(request -> {
            if (!"approve".equals(form.get("decision"))) {
                redirectWithError(rc, request, "access_denied");
                return;
            }
            Optional<GoogleUser> user = ctx.store().googleUser(form.get("email"));
            if (user.isEmpty()) {
                Responses.html(rc, 400, errorPage("400", "invalid_request", "Choose one of the listed accounts."));
                return;
            }
            approveFor(rc, request, user.get());
        });
    }

    /** Validates as Google does; invalid client or redirect URI (and any malformed request) → an error page. */
    private Optional<AuthRequest> validate(RoutingContext rc, MultiMap p) {
        String clientId = p.get("client_id");
        if (clientId == null || clientId.isBlank()) {
            Responses.html(rc, 400, errorPage("400", "invalid_request", "Missing required parameter: client_id"));
            return Optional.empty();
        }
        Optional<OAuthClient> client = findClient(clientId);
        if (client.isEmpty()) {
            // The page says "Error 401: invalid_client" as Google's does; served with HTTP 400 like every error page.
            Responses.html(rc, 400, errorPage("401", "invalid_client", "The OAuth client was not found."));
            return Optional.empty();
        }
        String redirectUri = p.get("redirect_uri");
        if (redirectUri == null || redirectUri.isBlank()) {
            Responses.html(rc, 400, errorPage("400", "invalid_request", "Missing required parameter: redirect_uri"));
            return Optional.empty();
        }
        if (!client.get().redirectUris().contains(redirectUri)) {
            Responses.html(rc, 400, errorPage("400", "redirect_uri_mismatch",
                    "You can't sign in to this app because it doesn't comply with Google's OAuth 2.0 policy."
                            + " If you're the app developer, register the redirect URI in the Google Cloud Console."
                            + " Request details: redirect_uri=" + redirectUri));
            return Optional.empty();
        }
        String responseType = p.get("response_type");
        if (responseType == null) {
            Responses.html(rc, 400, errorPage("400", "invalid_request", "Required parameter is missing: response_type"));
            return Optional.empty();
        }
        if (!responseType.equals("code")) {
            Responses.html(rc, 400, errorPage("400", "unsupported_response_type",
                    "Invalid response_type: " + responseType + " (the emulator supports the code flow only)"));
            return Optional.empty();
        }
        String scope = p.get("scope");
        if (scope == null || scope.isBlank()) {
            Responses.html(rc, 400, errorPage("400", "invalid_request", "Missing required parameter: scope"));
            return Optional.empty();
        }
        List<String> scopes = GoogleScopes.parse(scope);
        if (scopes == null || scopes.isEmpty()) {
            Responses.html(rc, 400, errorPage("400", "invalid_scope", "Some requested scopes were invalid. {invalid="
                    + Arrays.stream(scope.split("\\s+")).filter(s -> GoogleScopes.parse(s) == null).toList() + "}"));
            return Optional.empty();
        }
        String challenge = p.get("code_challenge");
        String method = p.get("code_challenge_method");
        if (challenge != null) {
            method = method == null ? "plain" : method;
            if (!method.equals("S256") && !method.equals("plain")) {
                Responses.html(rc, 400, errorPage("400", "invalid_request", "Invalid code_challenge_method value."));
                return Optional.empty();
            }
            if (!challenge.matches("[A-Za-z0-9._~-]{43,128}")) {
                Responses.html(rc, 400, errorPage("400", "invalid_request", "Invalid code_challenge value."));
                return Optional.empty();
            }
        } else if (method != null) {
            Responses.html(rc, 400, errorPage("400", "invalid_request", "Missing code_challenge."));
            return Optional.empty();
        }
        String accessType = p.get("access_type");
        if (accessType != null && !accessType.equals("online") && !accessType.equals("offline")) {
            Responses.html(rc, 400, errorPage("400", "invalid_request", "Invalid access_type: " + accessType));
            return Optional.empty();
        }
        return Optional.of(new AuthRequest(client.get(), redirectUri, scopes, p.get("state"), challenge,
                challenge == null ? null : method, "offline".equals(accessType),
                "true".equals(p.get("include_granted_scopes")), p.get("prompt"), p.get("login_hint"), p.get("nonce")));
    }

    private void approveFor(RoutingContext rc, AuthRequest request, GoogleUser user) {
        List<String> scopes = ctx.googleTokens().grant(request.client().clientId(), user.email(), request.scopes(),
                request.includeGranted());
        boolean forceConsent = request.prompt() != null && Arrays.asList(request.prompt().split(" ")).contains("consent");
        AuthCode code = ctx.googleTokens().issueCode(request.client().clientId(), request.redirectUri(), user.email(),
                scopes, request.challenge(), request.challengeMethod(), request.offline(), forceConsent,
                request.nonce(), Instant.now().plusSeconds(ctx.config().get().authorizationCodeTtlSeconds()));
        StringBuilder query = new StringBuilder();
        if (request.state() != null) {
            query.append("state=").append(enc(request.state())).append('&');
        }
        query.append("code=").append(enc(code.code()))
                .append("&scope=").append(enc(String.join(" ", scopes)))
                .append("&authuser=0");
        String domain = user.email().substring(user.email().indexOf('@') + 1);
        if (!domain.equals("gmail.com")) {
            query.append("&hd=").append(enc(domain));
        }
        query.append("&prompt=").append(forceConsent ? "consent" : "none");
        if (request.redirectUri().equals("postmessage")) {
            // The popup flow: Google hands the code to the opener with postMessage instead of redirecting.
            rc.response().putHeader("X-Emulator-Authorization-Code", code.code());
            Responses.html(rc, 200, postMessagePage(code.code(), request.state(), String.join(" ", scopes)));
            return;
        }
        Responses.redirect(rc, request.redirectUri() + (request.redirectUri().contains("?") ? "&" : "?") + query);
    }

    private void redirectWithError(RoutingContext rc, AuthRequest request, String error) {
        String query = "error=" + enc(error) + (request.state() == null ? "" : "&state=" + enc(request.state()));
        if (request.redirectUri().equals("postmessage")) {
            Responses.html(rc, 200, "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Access denied"
                    + " - Google Accounts (emulator)</title></head><body data-error=\"" + Responses.escape(error)
                    + "\"><main><h1>Access denied.</h1></main></body></html>");
            return;
        }
        Responses.redirect(rc, request.redirectUri() + (request.redirectUri().contains("?") ? "&" : "?") + query);
    }

    private String consentPage(AuthRequest request, MultiMap params) {
        StringBuilder hidden = new StringBuilder();
        for (String name : AUTH_PARAMS) {
            String value = params.get(name);
            if (value != null) {
                hidden.append("<input type=\"hidden\" name=\"").append(name).append("\" value=\"")
                        .append(Responses.escape(value)).append("\">");
            }
        }
        StringBuilder users = new StringBuilder();
        List<GoogleUser> loaded = ctx.store().googleUsers();
        for (int i = 0; i < loaded.size(); i++) {
            GoogleUser user = loaded.get(i);
            users.append("<li><input type=\"radio\" name=\"email\" id=\"account-").append(i).append("\" value=\"")
                    .append(Responses.escape(user.email())).append("\"").append(i == 0 ? " checked" : "")
                    .append("> <label for=\"account-").append(i).append("\">").append(Responses.escape(user.name()))
                    .append(" &lt;").append(Responses.escape(user.email())).append("&gt;</label></li>");
        }
        StringBuilder scopes = new StringBuilder();
        request.scopes().forEach(s -> scopes.append("<li>").append(Responses.escape(s)).append("</li>"));
        return Responses.page("Sign in - Google Accounts (emulator)", "<h1>Choose an account</h1><p>to continue to <strong>"
                + Responses.escape(request.client().clientId()) + "</strong></p>"
                + "<form method=\"post\" action=\"/accounts.google.com/o/oauth2/v2/auth/approve\">" + hidden
                + (users.isEmpty() ? "<p>No Google users are loaded in the emulator.</p>"
                        : "<fieldset><legend>Account</legend><ul>" + users + "</ul></fieldset>")
                + "<h2>This app wants to:</h2><ul>" + scopes + "</ul>"
                + "<button type=\"submit\" name=\"decision\" value=\"approve\" id=\"approve\">Approve</button> "
                + "<button type=\"submit\" name=\"decision\" value=\"deny\" id=\"deny\">Cancel</button>"
                + "</form>");
    }

    private static String postMessagePage(String code, String state, String scope) {
        String payload = Json.write(Json.object().put("code", code).put("state", state).put("scope", scope));
        return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Signing in - Google Accounts"
                + " (emulator)</title></head><body data-code=\"" + Responses.escape(code)
                + "\"><script>if (window.opener) { window.opener.postMessage(" + payload.replace("<", "\\u003c")
                + ", '*'); window.close(); }</script><pre id=\"code\">" + Responses.escape(code) + "</pre></body></html>";
    }

    private static String errorPage(String status, String error, String description) {
        return Responses.page("Error " + status + ": " + error, "<h1>Access blocked: Authorization Error</h1>"
                + "<p id=\"error\">Error " + status + ": " + Responses.escape(error) + "</p><p id=\"error_description\">"
                + Responses.escape(description) + "</p>");
    }

    // ---------------------------------------------------------------- token

    private void token(RoutingContext rc) {
        MultiMap form = rc.request().formAttributes();
        String clientId = form.get("client_id");
        String secret = form.get("client_secret");
        String authorization = rc.request().getHeader("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                Responses.json(rc, 400, GoogleErrors.oauth("invalid_request", "Invalid authorization header."));
                return;
            }
            int colon = decoded.indexOf(':');
            if (colon > 0) {
                clientId = URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8);
                secret = URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8);
            }
        }
        if (clientId == null || clientId.isBlank()) {
            Responses.json(rc, 400, GoogleErrors.oauth("invalid_request", "Could not determine client ID from request."));
            return;
        }
        Optional<OAuthClient> client = findClient(clientId);
        if (client.isEmpty()) {
            Responses.json(rc, 401, GoogleErrors.oauth("invalid_client", "The OAuth client was not found."));
            return;
        }
        if (!client.get().clientSecret().equals(secret)) {
            Responses.json(rc, 401, GoogleErrors.oauth("invalid_client", "Unauthorized"));
            return;
        }
        String grantType = form.get("grant_type");
        if ("authorization_code".equals(grantType)) {
            authorizationCode(rc, form, client.get());
        } else if ("refresh_token".equals(grantType)) {
            refreshToken(rc, form, client.get());
        } else {
            Responses.json(rc, 400, GoogleErrors.oauth("unsupported_grant_type",
                    "Invalid grant_type: " + (grantType == null ? "" : grantType)));
        }
    }

    private void authorizationCode(RoutingContext rc, MultiMap form, OAuthClient client) {
        String codeValue = form.get("code");
        if (codeValue == null || codeValue.isEmpty()) {
            Responses.json(rc, 400, GoogleErrors.oauth("invalid_request", "Missing required parameter: code"));
            return;
        }
        String redirectUri = form.get("redirect_uri");
        if (redirectUri == null) {
            Responses.json(rc, 400, GoogleErrors.oauth("invalid_request", "Missing parameter: redirect_uri"));
            return;
        }
        Optional<AuthCode> redeemed = ctx.googleTokens().redeemCode(codeValue);
        if (redeemed.isEmpty()) {
            // Google: garbage → "Malformed auth code."; a real code used twice or expired → "Bad Request".
            Responses.json(rc, 400, GoogleErrors.oauth("invalid_grant",
                    codeValue.startsWith("4/0A") ? "Bad Request" : "Malformed auth code."));
            return;
        }
        AuthCode code = redeemed.get();
        if (Instant.now().isAfter(code.expiresAt()) || !code.clientId().equals(client.clientId())) {
            Responses.json(rc, 400, GoogleErrors.oauth("invalid_grant", "Bad Request"));
            return;
        }
        if (!code.redirectUri().equals(redirectUri)) {
            Responses.json(rc, 400, GoogleErrors.oauth("redirect_uri_mismatch", "Bad Request"));
            return;
        }
        String verifier = form.get("code_verifier");
        if (code.codeChallenge() != null) {
            if (verifier == null || verifier.isEmpty()) {
                Responses.json(rc, 400, GoogleErrors.oauth("invalid_grant", "Missing code verifier."));
                return;
            }
            String expected = "S256".equals(code.codeChallengeMethod()) ? s256(verifier) : verifier;
            if (!expected.equals(code.codeChallenge())) {
                Responses.json(rc, 400, GoogleErrors.oauth("invalid_grant", "Invalid code verifier."));
                return;
            }
        } else if (verifier != null) {
            // Google refuses a verifier for a code issued without a challenge (RFC 9700 §4.8.2: no PKCE downgrade).
            Responses.json(rc, 400, GoogleErrors.oauth("invalid_grant", "code_verifier or verifier is not needed."));
            return;
        }
        RefreshGrant refresh = null;
        boolean newRefreshToken = false;
        if (code.offline() && (code.forceConsent()
                || !ctx.googleTokens().hasLiveRefreshToken(client.clientId(), code.email()))) {
            refresh = ctx.googleTokens().issueRefreshToken(client.clientId(), code.email(), code.scopes());
            newRefreshToken = true;
        }
        tokenResponse(rc, client, code.email(), code.scopes(), refresh, newRefreshToken, code.nonce());
    }

    private void refreshToken(RoutingContext rc, MultiMap form, OAuthClient client) {
        String token = form.get("refresh_token");
        if (token == null || token.isEmpty()) {
            Responses.json(rc, 400, GoogleErrors.oauth("invalid_request", "Missing required parameter: refresh_token"));
            return;
        }
        Optional<RefreshGrant> grant = ctx.googleTokens().refreshToken(token);
        if (grant.isEmpty() || grant.get().revoked() || ctx.store().googleUser(grant.get().email()).isEmpty()) {
            Responses.json(rc, 400, GoogleErrors.oauth("invalid_grant", "Token has been expired or revoked."));
            return;
        }
        if (!grant.get().clientId().equals(client.clientId())) {
            Responses.json(rc, 401, GoogleErrors.oauth("unauthorized_client", "Unauthorized"));
            return;
        }
        tokenResponse(rc, client, grant.get().email(), grant.get().scopes(), grant.get(), false, null);
    }

    private void tokenResponse(RoutingContext rc, OAuthClient client, String email, List<String> scopes,
            RefreshGrant refresh, boolean includeRefreshToken, String nonce) {
        EmulatorConfig.Values config = ctx.config().get();
        long ttl = config.accessTokenTtlSeconds();
        AccessGrant access = ctx.googleTokens().issueAccessToken(client.clientId(), email, scopes,
                Instant.now().plusSeconds(ttl), refresh);
        ObjectNode body = Json.object();
        body.put("access_token", access.token());
        body.put("expires_in", ttl);
        if (includeRefreshToken) {
            body.put("refresh_token", refresh.token());
        }
        if (!config.omitTokenScope()) {
            body.put("scope", String.join(" ", scopes));
        }
        body.put("token_type", "Bearer");
        if (scopes.contains("openid")) {
            ctx.store().googleUser(email).ifPresent(user ->
                    body.put("id_token", idToken(client, user, scopes, access.token(), nonce)));
        }
        Responses.json(rc, 200, body);
    }

    private String idToken(OAuthClient client, GoogleUser user, List<String> scopes, String accessToken, String nonce) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(ID_TOKEN_ISSUER);
        claims.setStringClaim("azp", client.clientId());
        claims.setAudience(client.clientId());
        claims.setSubject(user.sub());
        String domain = user.email().substring(user.email().indexOf('@') + 1);
        if (!domain.equals("gmail.com")) {
            claims.setStringClaim("hd", domain);
        }
        if (scopes.contains(GoogleScopes.USERINFO_EMAIL)) {
            claims.setStringClaim("email", user.email());
            claims.setClaim("email_verified", true);
        }
        claims.setStringClaim("at_hash", atHash(accessToken));
        if (nonce != null) {
            claims.setStringClaim("nonce", nonce);
        }
        if (scopes.contains(GoogleScopes.USERINFO_PROFILE)) {
            claims.setStringClaim("name", user.name());
            String[] parts = user.name().split(" ", 2);
            claims.setStringClaim("given_name", parts[0]);
            if (parts.length > 1) {
                claims.setStringClaim("family_name", parts[1]);
            }
        }
        NumericDate now = NumericDate.now();
        claims.setIssuedAt(now);
        claims.setExpirationTime(NumericDate.fromSeconds(now.getValue() + 3600));
        return ctx.googleSigner().sign(claims);
    }

    // ---------------------------------------------------------------- revoke

    private void revoke(RoutingContext rc) {
        String token = rc.request().getParam("token");
        if (token == null) {
            token = rc.request().getFormAttribute("token");
        }
        if (token == null || !ctx.googleTokens().revoke(token)) {
            Responses.json(rc, 400, GoogleErrors.oauth("invalid_token", "Token expired or revoked"));
            return;
        }
        Responses.json(rc, 200, "{}");
    }

    // ---------------------------------------------------------------- helpers

    private Optional<OAuthClient> findClient(String clientId) {
        return ctx.config().get().googleClients().stream().filter(c -> c.clientId().equals(clientId)).findFirst();
    }

    static String s256(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String atHash(String accessToken) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(accessToken.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 16));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
