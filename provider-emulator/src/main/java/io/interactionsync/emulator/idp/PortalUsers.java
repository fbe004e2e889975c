package io.interactionsync.emulator.idp;

import io.interactionsync.emulator.store.EmulatorStore;
import io.interactionsync.emulator.store.GoogleUser;
import io.interactionsync.emulator.store.MicrosoftUser;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The portal IdP's users. Derived ones are computed from the store on every read (so a user loaded or removed
 * later is seen at once); explicit ones live here until deleted or {@code /_emulator/reset}.
 */
public final class PortalUsers {

    private final EmulatorStore store;
    private final Map<String, PortalUser> explicit = new ConcurrentHashMap<>();

    public PortalUsers(EmulatorStore store) {
        this.store = store;
    }

    /** {@code "u-"} + the first 16 hex digits of SHA-256(lower-cased address): stable across restarts. */
    public static String subjectFor(String email) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest(email.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
            return "u-" + HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Creates or replaces an explicit user; a missing sub is derived, a missing name taken from the loaded user. */
    public PortalUser put(String email, String sub, String name, List<String> roles) {
        String key = email.toLowerCase(Locale.ROOT);
        String resolvedName = name != null && !name.isBlank() ? name
                : derived().getOrDefault(key, new PortalUser(key, null, key, List.of(), null)).name();
        PortalUser user = new PortalUser(key, sub == null || sub.isBlank() ? subjectFor(key) : sub, resolvedName,
                List.copyOf(roles), "explicit");
        explicit.put(key, user);
        return user;
    }

    public boolean delete(String email) {
        return explicit.remove(email.toLowerCase(Locale.ROOT)) != null;
    }

    public void clear() {
        explicit.clear();
    }

    /** Every user, ordered by address. */
    public List<PortalUser> all() {
        Map<String, PortalUser> users = derived();
        users.putAll(explicit);
        return new ArrayList<>(users.values());
    }

    /** By address (any case) or by {@code sub}. */
    public Optional<PortalUser> find(String emailOrSub) {
        if (emailOrSub == null || emailOrSub.isBlank()) {
            return Optional.empty();
        }
        String key = emailOrSub.toLowerCase(Locale.ROOT);
        return all().stream().filter(u -> u.email().equals(key) || u.sub().equals(emailOrSub)).findFirst();
    }

    private TreeMap<String, PortalUser> derived() {
        TreeMap<String, PortalUser> users = new TreeMap<>();
        for (GoogleUser g : store.googleUsers()) {
            users.put(g.email(), new PortalUser(g.email(), subjectFor(g.email()), g.name(), List.of("user"), "google"));
        }
        for (MicrosoftUser m : store.microsoftUsers()) {
            String email = m.upn().toLowerCase(Locale.ROOT);
            String name = m.displayName() == null || m.displayName().isBlank() ? email : m.displayName();
            users.putIfAbsent(email, new PortalUser(email, subjectFor(email), name, List.of("user"), "microsoft"));
        }
        return users;
    }
}
