package io.interactionsync.emulator.idp;

import java.util.List;

/**
 * A user of the portal IdP: every loaded Google and Microsoft user (roles {@code ["user"]}), or one put explicitly
 * through the control API (which overrides the derived one of the same address).
 *
 * @param source {@code explicit}, {@code google} or {@code microsoft}
 */
public record PortalUser(String email, String sub, String name, List<String> roles, String source) {
}
