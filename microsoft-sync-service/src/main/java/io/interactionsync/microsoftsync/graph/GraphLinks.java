package io.interactionsync.microsoftsync.graph;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The Graph base URL this service may talk to, and the check every request URL (first requests, nextLinks,
 * deltaLinks) passes before a token is attached: same scheme, host and port, and a path under the base path.
 */
public final class GraphLinks {

    private final URI base;
    private final String basePath;

    public GraphLinks(String baseUrl) {
        String trimmed = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.base = URI.create(trimmed).normalize();
        this.basePath = base.getRawPath() == null ? "" : base.getRawPath();
        if (base.getScheme() == null || base.getHost() == null) {
            throw new IllegalArgumentException("the Graph base URL must be absolute: " + baseUrl);
        }
    }

    public String baseUrl() {
        return base.toString();
    }

    /** True when {@code url} is under the base URL (no user info, no dot segments escaping the prefix). */
    public boolean allows(String url) {
        if (url == null) {
            return false;
        }
        URI u;
        try {
            u = new URI(url);
        } catch (URISyntaxException e) {
            return false;
        }
        if (u.getScheme() == null || u.getHost() == null || u.getRawUserInfo() != null) {
            return false;
        }
        String path = u.getRawPath() == null ? "" : u.getRawPath();
        if (path.contains("/../") || path.endsWith("/..") || path.contains("/./")) {
            return false;
        }
        return u.getScheme().toLowerCase(Locale.ROOT).equals(base.getScheme().toLowerCase(Locale.ROOT))
                && u.getHost().toLowerCase(Locale.ROOT).equals(base.getHost().toLowerCase(Locale.ROOT))
                && port(u) == port(base)
                && (path.equals(basePath) || path.startsWith(basePath + "/"));
    }

    /** Scheme, host and path of a refused link, for logs and errors (the query may hold opaque tokens). */
    public static String describe(String url) {
        try {
            URI u = new URI(url);
            return u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort()) + u.getRawPath();
        } catch (URISyntaxException | RuntimeException e) {
            return "(unparseable link)";
        }
    }

    private static int port(URI u) {
        if (u.getPort() >= 0) {
            return u.getPort();
        }
        return "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }
}
