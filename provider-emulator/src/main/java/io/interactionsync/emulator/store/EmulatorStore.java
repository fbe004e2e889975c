package io.interactionsync.emulator.store;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** All provider-side data held by the emulator, in memory. Thread-safe. */
public final class EmulatorStore {

    private final ConcurrentHashMap<String, GoogleUser> googleUsers = new ConcurrentHashMap<>();

    /** Creates or replaces a Google user (empty mailbox and calendar; history ids keep increasing). */
    public GoogleUser putGoogleUser(String email, String name) {
        String key = email.toLowerCase(Locale.ROOT);
        return googleUsers.compute(key, (k, previous) ->
                GoogleUser.create(k, name, previous == null ? 0 : previous.mailbox().historyId()));
    }

    public Optional<GoogleUser> googleUser(String email) {
        return email == null ? Optional.empty() : Optional.ofNullable(googleUsers.get(email.toLowerCase(Locale.ROOT)));
    }

    public Optional<GoogleUser> googleUserBySub(String sub) {
        return googleUsers.values().stream().filter(u -> u.sub().equals(sub)).findFirst();
    }

    public List<GoogleUser> googleUsers() {
        List<GoogleUser> users = new ArrayList<>(googleUsers.values());
        users.sort(Comparator.comparing(GoogleUser::email));
        return users;
    }

    public void clear() {
        googleUsers.clear();
    }
}
