package io.interactionsync.emulator.idp;

import static io.interactionsync.emulator.http.Responses.escape;

import io.vertx.core.MultiMap;
import java.util.List;

/**
 * The portal IdP's HTML: the user picker, error and signed-out pages. Written to pass axe-core (lang, title, one h1,
 * a main landmark, labelled radios in a fieldset with a legend, contrast well above 4.5:1, visible focus), since the
 * console's browser tests click through them.
 */
final class IdpPages {

    /** Parameters of an authorize request the picker carries to {@code /idp/authorize/approve} in hidden fields. */
    static final List<String> AUTH_PARAMS = List.of("client_id", "redirect_uri", "response_type", "scope", "state",
            "nonce", "code_challenge", "code_challenge_method", "prompt", "login_hint");

    private static final String STYLE = "<style>"
            + "body{font-family:system-ui,sans-serif;color:#1f1f1f;background:#fff;margin:0;line-height:1.5}"
            + "main{max-width:36rem;margin:2rem auto;padding:0 1rem}"
            + "fieldset{border:1px solid #5f6368;border-radius:6px;padding:0.5rem 1rem;margin:1rem 0}"
            + "legend{font-weight:600;padding:0 0.25rem}"
            + ".user{display:flex;gap:0.5rem;align-items:flex-start;padding:0.4rem 0}"
            + ".user input{margin-top:0.35rem}"
            + ".detail{display:block;color:#3c4043}"
            + "button{font:inherit;padding:0.45rem 1.1rem;border-radius:4px;border:1px solid #0b57d0;cursor:pointer}"
            + "button.primary{background:#0b57d0;color:#fff}"
            + "button.secondary{background:#fff;color:#0b57d0}"
            + "button:focus-visible,input:focus-visible,a:focus-visible{outline:3px solid #1f1f1f;outline-offset:2px}"
            + "a{color:#0b57d0}"
            + "</style>";

    private IdpPages() {
    }

    private static String page(String title, String body) {
        return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>" + escape(title)
                + "</title>" + STYLE + "</head><body><main>" + body + "</main></body></html>";
    }

    /** The picker; {@code selected} (may be null) is the user checked at first, else the first one. */
    static String picker(String clientId, List<PortalUser> users, String selected, MultiMap params) {
        StringBuilder hidden = new StringBuilder();
        for (String name : AUTH_PARAMS) {
            String value = params.get(name);
            if (value != null) {
                hidden.append("<input type=\"hidden\" name=\"").append(name).append("\" value=\"")
                        .append(escape(value)).append("\">");
            }
        }
        boolean anySelected = users.stream().anyMatch(u -> u.email().equals(selected));
        StringBuilder choices = new StringBuilder();
        for (int i = 0; i < users.size(); i++) {
            PortalUser user = users.get(i);
            boolean checked = anySelected ? user.email().equals(selected) : i == 0;
            String id = "user-" + i;
            choices.append("<div class=\"user\"><input type=\"radio\" name=\"email\" id=\"").append(id)
                    .append("\" value=\"").append(escape(user.email())).append("\"").append(checked ? " checked" : "")
                    .append("><label for=\"").append(id).append("\"><span class=\"name\">").append(escape(user.name()))
                    .append("</span> <span class=\"detail\">").append(escape(user.email())).append("</span> ")
                    .append("<span class=\"detail\">Roles: ").append(escape(String.join(", ", user.roles())))
                    .append("</span></label></div>");
        }
        String chooser = users.isEmpty()
                ? "<p id=\"no-users\">No portal users are known to the emulator. Load Google or Microsoft users, or add"
                        + " one with <code>PUT /_emulator/idp/users/{email}</code>, then reload this page.</p>"
                : "<fieldset><legend>Choose a user</legend>" + choices + "</fieldset>";
        String signIn = users.isEmpty() ? ""
                : "<button type=\"submit\" class=\"primary\" name=\"decision\" value=\"approve\" id=\"approve\">Sign in</button> ";
        return page("Sign in - Portal IdP (emulator)", "<h1>Sign in to the portal</h1>"
                + "<p>to continue to <strong>" + escape(clientId) + "</strong></p>"
                + "<form method=\"post\" action=\"authorize/approve\">" + hidden + chooser + signIn
                + "<button type=\"submit\" class=\"secondary\" name=\"decision\" value=\"deny\" id=\"deny\">Cancel</button>"
                + "</form>");
    }

    static String error(String error, String description) {
        return page("Error: " + error + " - Portal IdP (emulator)", "<h1>Sign-in error</h1><p id=\"error\">"
                + escape(error) + "</p><p id=\"error_description\">" + escape(description) + "</p>");
    }

    static String signedOut() {
        return page("Signed out - Portal IdP (emulator)", "<h1>You are signed out</h1>"
                + "<p id=\"signed-out\">You have signed out of the portal. You can close this window.</p>");
    }
}
