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
    private final ConcurrentHashMap<String, MicrosoftUser> microsoftUsers = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, GraphMailbox> sharedMailboxes = new ConcurrentHashMap<>();
    private volatile StoreListener listener = StoreListener.NONE;

    /**
     * Sets who is told of changes to the mailboxes and calendars of the users and shared mailboxes put into the store
     * (from then on; a user loaded before it was put, as the generator and the control API do, notifies nothing for
     * that load).
     */
    public void listener(StoreListener value) {
        this.listener = value;
    }

    public void putMicrosoftUser(MicrosoftUser user) {
        String upn = user.upn();
        user.mailbox().onChange(change -> listener.graphMessage(upn, change));
        user.calendar().onChange(change -> listener.graphEvent(upn, change));
        microsoftUsers.put(upn, user);
    }

    public Optional<MicrosoftUser> microsoftUser(String upnOrId) {
        if (upnOrId == null) {
            return Optional.empty();
        }
        MicrosoftUser byUpn = microsoftUsers.get(upnOrId.toLowerCase(Locale.ROOT));
        return byUpn != null ? Optional.of(byUpn)
                : microsoftUsers.values().stream().filter(u -> u.id().equalsIgnoreCase(upnOrId)).findFirst();
    }

    public List<MicrosoftUser> microsoftUsers() {
        List<MicrosoftUser> users = new ArrayList<>(microsoftUsers.values());
        users.sort(Comparator.comparing(MicrosoftUser::upn));
        return users;
    }

    /** Creates or replaces a shared mailbox (an empty one; fill it with {@link GraphMailbox#upsert}). */
    public GraphMailbox putSharedMailbox(String address) {
        GraphMailbox mailbox = new GraphMailbox(address);
        String key = address.toLowerCase(Locale.ROOT);
        mailbox.onChange(change -> listener.graphMessage(key, change));
        sharedMailboxes.put(key, mailbox);
        return mailbox;
    }

    public Optional<GraphMailbox> sharedMailbox(String address) {
        return address == null ? Optional.empty() : Optional.ofNullable(sharedMailboxes.get(address.toLowerCase(Locale.ROOT)));
    }

    /** Creates or replaces a Google user (empty mailbox and calendar; history ids keep increasing). */
    public GoogleUser putGoogleUser(String email, String name) {
        String key = email.toLowerCase(Locale.ROOT);
        return googleUsers.compute(key, (k, previous) -> {
            GoogleUser user = GoogleUser.create(k, name, previous == null ? 0 : previous.mailbox().historyId());
            user.mailbox().onChange(record -> listener.gmailHistory(k, record));
            user.calendar().onChange(eventId -> listener.googleEvent(k, eventId));
            return user;
        });
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
        microsoftUsers.clear();
        sharedMailboxes.clear();
    }
}
