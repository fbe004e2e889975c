package io.interactionsync.emulator.http;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/** Writing JSON, HTML and redirects. */
public final class Responses {

    private Responses() {
    }

    public static void json(RoutingContext ctx, int status, Object body) {
        String text = body instanceof String s ? s : Json.write(body);
        HttpServerResponse response = ctx.response();
        if (response.ended()) {
            return;
        }
        response.setStatusCode(status)
                .putHeader("Content-Type", "application/json; charset=UTF-8")
                .putHeader("Cache-Control", "no-cache, no-store, max-age=0, must-revalidate")
                .end(text);
    }

    public static void html(RoutingContext ctx, int status, String html) {
        ctx.response().setStatusCode(status)
                .putHeader("Content-Type", "text/html; charset=utf-8")
                .end(html);
    }

    /**
     * A whole HTML page around {@code body} (trusted markup): lang, viewport, title, one main landmark and plain
     * high-contrast styling, so that pages clicked through by browser tests pass axe-core.
     */
    public static String page(String title, String body) {
        return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>" + escape(title)
                + "</title><style>body{font-family:system-ui,sans-serif;color:#1f1f1f;background:#fff;line-height:1.5}"
                + "main{max-width:40rem;margin:2rem auto;padding:0 1rem}fieldset{border:1px solid #5f6368;margin:1rem 0}"
                + "ul{padding-left:1.25rem}h2{font-size:1rem}"
                + "button:focus-visible,input:focus-visible{outline:3px solid #1f1f1f;outline-offset:2px}</style>"
                + "</head><body><main>" + body + "</main></body></html>";
    }

    public static void redirect(RoutingContext ctx, String location) {
        ctx.response().setStatusCode(302).putHeader("Location", location).end();
    }

    public static void noContent(RoutingContext ctx) {
        ctx.response().setStatusCode(204).end();
    }

    /** Minimal HTML escaping for the consent and error pages. */
    public static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
