package io.interactionsync.emulator.microsoft.graph;

import io.interactionsync.emulator.EmulatorContext;
import io.interactionsync.emulator.config.EmulatorConfig;
import io.interactionsync.emulator.http.MicrosoftErrors;
import io.interactionsync.emulator.http.Responses;
import io.interactionsync.emulator.microsoft.identity.MicrosoftScopes;
import io.interactionsync.emulator.microsoft.identity.MicrosoftTokens.Access;
import io.interactionsync.emulator.store.GraphMailbox;
import io.interactionsync.emulator.store.MicrosoftUser;
import io.vertx.ext.web.RoutingContext;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What every Graph route shares: the bearer token, the mailbox a {@code /me} or {@code /users/{id|upn}} path names
 * (another mailbox needs a {@code .Shared} scope and FullAccess), Outlook throttling per mailbox, usage stats, links,
 * {@code Prefer} headers.
 */
final class GraphAccess {

    static final int DEFAULT_PAGE = 10;
    static final int MAX_PAGE = 1000;
    private static final Pattern MAX_PAGE_SIZE = Pattern.compile("odata\\.maxpagesize\\s*=\\s*(\\d+)");
    private static final Pattern IMMUTABLE_ID = Pattern.compile("IdType\\s*=\\s*\"?ImmutableId\"?", Pattern.CASE_INSENSITIVE);

    private final EmulatorContext ctx;
    private final GraphThrottle throttle;

    GraphAccess(EmulatorContext ctx) {
        this.ctx = ctx;
        this.throttle = ctx.graphThrottle();
    }

    EmulatorContext context() {
        return ctx;
    }

    record Caller(Access access, MicrosoftUser user) {
        boolean has(Set<String> scopes) {
            return !Collections.disjoint(access.scopes(), scopes);
        }
    }

    /** The mailbox a request reads, and who reads it. */
    record MailboxTarget(Caller caller, GraphMailbox mailbox, String key, boolean self) {
        /** Mail.ReadBasic(.Shared) hides body fields. */
        boolean bodyAllowed() {
            return caller.has(MicrosoftScopes.MAIL_BODY) && (self || caller.access().scopes().stream()
                    .anyMatch(s -> s.equals("Mail.Read.Shared") || s.equals("Mail.ReadWrite.Shared")));
        }
    }

    Optional<Caller> authenticate(RoutingContext rc) {
        String header = rc.request().getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.substring(7).isBlank()) {
            unauthorized(rc, "Access token is empty.");
            return Optional.empty();
        }
        Optional<Access> access = ctx.microsoftTokens().access(header.substring(7).trim());
        Optional<MicrosoftUser> user = access.flatMap(a -> ctx.store().microsoftUser(a.upn()));
        if (access.isEmpty() || user.isEmpty()) {
            unauthorized(rc, "Access token has expired or is not yet valid.");
            return Optional.empty();
        }
        return Optional.of(new Caller(access.get(), user.get()));
    }

    private static void unauthorized(RoutingContext rc, String message) {
        rc.response().putHeader("WWW-Authenticate", "Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\"");
        Responses.json(rc, 401, MicrosoftErrors.graph("InvalidAuthenticationToken", message));
    }

    /**
     * Authenticates, resolves the path's mailbox (own: a mail scope; another user's or a shared mailbox: a
     * {@code .Shared} scope and FullAccess), applies the mailbox's throttling and counts the request under
     * {@code method}. Empty when an error was answered.
     */
    Optional<MailboxTarget> mailbox(RoutingContext rc, String method) {
        Optional<Caller> found = authenticate(rc);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Caller caller = found.get();
        String owner = rc.pathParam("owner");
        String address = owner.equals("me") ? caller.user().upn() : decodePath(owner.substring("users/".length()));
        boolean self = address.equalsIgnoreCase(caller.user().upn()) || address.equalsIgnoreCase(caller.user().id());
        GraphMailbox mailbox;
        String key;
        if (self) {
            if (!caller.has(MicrosoftScopes.MAIL_OWN)) {
                accessDenied(rc);
                return Optional.empty();
            }
            mailbox = caller.user().mailbox();
            key = caller.user().upn();
        } else {
            Optional<MicrosoftUser> other = ctx.store().microsoftUser(address);
            Optional<GraphMailbox> target = other.map(MicrosoftUser::mailbox).or(() -> ctx.store().sharedMailbox(address));
            if (target.isEmpty()) {
                Responses.json(rc, 404, MicrosoftErrors.graph("ErrorInvalidUser", "The requested user '" + address + "' is invalid."));
                return Optional.empty();
            }
            key = other.map(MicrosoftUser::upn).orElse(address.toLowerCase(Locale.ROOT));
            if (!caller.has(MicrosoftScopes.MAIL_SHARED) || !caller.user().hasFullAccessTo(key)) {
                accessDenied(rc);
                return Optional.empty();
            }
            mailbox = target.get();
        }
        if (!admit(rc, caller, key, method)) {
            return Optional.empty();
        }
        return Optional.of(new MailboxTarget(caller, mailbox, key, self));
    }

    /** Outlook throttling of one mailbox: 4 in flight, 10,000 per 10 minutes. False when a 429 was answered. */
    boolean admit(RoutingContext rc, Caller caller, String mailboxKey, String method) {
        EmulatorConfig.Values config = ctx.config().get();
        if (!throttle.enter(mailboxKey, config.graphConcurrentPerMailbox())) {
            ctx.stats().record(caller.user().upn(), method, 0, true);
            Responses.json(rc, 429, MicrosoftErrors.graph("ApplicationThrottled",
                    "Application is over its MailboxConcurrency limit."));
            return false;
        }
        rc.addEndHandler(v -> throttle.leave(mailboxKey));
        long retryAfter = throttle.admit(mailboxKey, config.graphRequestsPerMailbox10Min(), System.currentTimeMillis());
        if (retryAfter > 0) {
            ctx.stats().record(caller.user().upn(), method, 0, true);
            rc.response().putHeader("Retry-After", Long.toString(retryAfter));
            Responses.json(rc, 429, MicrosoftErrors.graph("TooManyRequests", "Please retry again later."));
            return false;
        }
        ctx.stats().record(caller.user().upn(), method, 0, false);
        return true;
    }

    /** The request's path (under the Graph prefix) on the emulator's public base URL, with one token parameter. */
    String link(RoutingContext rc, String tokenName, String token) {
        String base = base(rc);
        return tokenName == null ? base : base + "?" + tokenName + "=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
    }

    /** The request's path on the emulator's public base URL, without a query. */
    String base(RoutingContext rc) {
        String path = rc.request().path().substring("/graph.microsoft.com".length());
        if (!path.startsWith("/")) {
            path = "/" + path;
        }
        return ctx.baseUrl() + "/graph.microsoft.com" + path;
    }

    static int pageSize(RoutingContext rc) {
        int size = DEFAULT_PAGE;
        for (String prefer : rc.request().headers().getAll("Prefer")) {
            Matcher m = MAX_PAGE_SIZE.matcher(prefer);
            if (m.find()) {
                size = (int) Math.min(MAX_PAGE, Math.max(1, Long.parseLong(m.group(1))));
            }
        }
        return size;
    }

    /** {@code Prefer: IdType="ImmutableId"} (Graph: the header must be sent on every request). */
    static boolean prefersImmutableIds(RoutingContext rc) {
        return rc.request().headers().getAll("Prefer").stream().anyMatch(p -> IMMUTABLE_ID.matcher(p).find());
    }

    /** {@code Preference-Applied}: the page size, and the id type when immutable ids were asked for. */
    static void preferenceApplied(RoutingContext rc, Integer pageSize, boolean immutable) {
        StringBuilder applied = new StringBuilder();
        if (pageSize != null) {
            applied.append("odata.maxpagesize=").append(pageSize);
        }
        if (immutable) {
            applied.append(applied.isEmpty() ? "" : ", ").append("IdType=\"ImmutableId\"");
        }
        if (!applied.isEmpty()) {
            rc.response().putHeader("Preference-Applied", applied.toString());
        }
    }

    static Set<String> select(String select) {
        if (select == null || select.isBlank()) {
            return Set.of();
        }
        Set<String> out = new LinkedHashSet<>();
        for (String s : select.split(",")) {
            out.add(s.trim());
        }
        return out;
    }

    static String decodePath(String segment) {
        return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8).replaceAll("^\\('?|'?\\)$", "");
    }

    static void accessDenied(RoutingContext rc) {
        Responses.json(rc, 403, MicrosoftErrors.graph("ErrorAccessDenied", "Access is denied. Check credentials and try again."));
    }

    static void itemNotFound(RoutingContext rc) {
        Responses.json(rc, 404, MicrosoftErrors.graph("ErrorItemNotFound", "The specified object was not found in the store."));
    }
}
