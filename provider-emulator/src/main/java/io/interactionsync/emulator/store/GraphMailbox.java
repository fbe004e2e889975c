package io.interactionsync.emulator.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interactionsync.emulator.http.BadRequestException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * An Exchange mailbox as Graph sees it: a folder tree (the well-known folders, custom folders by display name and
 * their children, each with an opaque id stable per mailbox) holding Graph message resources. Every change (message
 * or folder) is stamped with a sequence number; delta tokens are positions in it. A message leaving a folder (moved
 * or deleted) leaves a tombstone there, so that folder's delta reports {@code @removed}.
 *
 * <p>Ids: each message has an <b>immutable id</b> (the id it was loaded with, or a generated one) and a
 * <b>regular id</b> per folder residence: equal to the immutable id until the first move, a new one after each move
 * (as Exchange's EntryId changes). Graph answers with the immutable id when the request sends
 * {@code Prefer: IdType="ImmutableId"}; both are accepted as input. Thread-safe.
 */
public final class GraphMailbox {

    /** Well-known folder names (lower-case) with their display names; the first nine are listed under the root. */
    private static final Map<String, String> WELL_KNOWN_NAMES = wellKnownNames();
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * A folder; {@code listed}: part of the mailbox's folder tree as mailFolders list/delta show it (false for the
     * root itself and for the recoverable-items folder, which lives outside that subtree).
     */
    public record Folder(String id, String displayName, String parentId, String wellKnownName, boolean listed,
            long sequence, boolean removed) {
    }

    /** A message in one folder residence (or the tombstone left when it moved out or was deleted). */
    public record Entry(String folderId, String immutableId, String regularId, ObjectNode message, long created,
            long sequence, boolean removed) {

        /** The id Graph shows: the immutable one when the caller asked for immutable ids. */
        public String id(boolean immutable) {
            return immutable ? immutableId : regularId;
        }
    }

    /** The result of a move: both ids before and after, and the destination. */
    public record Moved(String immutableId, String previousId, String id, Folder destination) {
    }

    private record Live(String folderId, String regularId, int residence) {
    }

    /**
     * A message change for provider push: {@code CREATED}, {@code UPDATED}, {@code DELETED} in {@code folderId}, or
     * {@code MOVED} from {@code previousFolderId} (where it had {@code previousRegularId}) to {@code folderId};
     * {@code sequence} is the change's stamp (the message's etag derives from it).
     */
    public record Change(Kind kind, String immutableId, String regularId, String folderId, String previousRegularId,
            String previousFolderId, long sequence) {

        public enum Kind { CREATED, UPDATED, DELETED, MOVED }
    }

    private final String address;
    private final Map<String, Folder> folders = new LinkedHashMap<>();
    /** Per folder id: entries by regular id (live ones and tombstones). */
    private final Map<String, Map<String, Entry>> byFolder = new HashMap<>();
    /** Immutable id → where the message lives now. */
    private final Map<String, Live> live = new LinkedHashMap<>();
    /** Current regular id → immutable id (only for messages whose regular id differs). */
    private final Map<String, String> regularToImmutable = new HashMap<>();
    private final String rootId;
    private long sequence;
    private final Map<String, Integer> createdFolders = new HashMap<>();
    /** Delta tokens minted before this sequence are expired. */
    private long oldestValidSequence;
    /** Told of every message change (provider push); called under the mailbox's monitor, so it must not block. */
    private volatile Consumer<Change> listener = c -> {
    };

    /** A mailbox with every well-known folder; folder ids derive from the address (stable per mailbox). */
    public GraphMailbox(String address) {
        this.address = address.toLowerCase(Locale.ROOT);
        rootId = folderId("msgfolderroot");
        folders.put(rootId, new Folder(rootId, "Top of Information Store", null, "msgfolderroot", false, 0, false));
        for (String name : List.of("inbox", "drafts", "sentitems", "deleteditems", "junkemail", "archive", "outbox",
                "conversationhistory", "syncissues")) {
            addWellKnown(name, rootId, true);
        }
        String syncIssues = folderId("syncissues");
        for (String name : List.of("conflicts", "localfailures", "serverfailures")) {
            addWellKnown(name, syncIssues, true);
        }
        String recoverableRoot = folderId("recoverableitemsroot");
        addWellKnown("recoverableitemsdeletions", recoverableRoot, false);
    }

    private static Map<String, String> wellKnownNames() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("inbox", "Inbox");
        m.put("drafts", "Drafts");
        m.put("sentitems", "Sent Items");
        m.put("deleteditems", "Deleted Items");
        m.put("junkemail", "Junk Email");
        m.put("archive", "Archive");
        m.put("outbox", "Outbox");
        m.put("conversationhistory", "Conversation History");
        m.put("syncissues", "Sync Issues");
        m.put("conflicts", "Conflicts");
        m.put("localfailures", "Local Failures");
        m.put("serverfailures", "Server Failures");
        m.put("recoverableitemsdeletions", "Deletions");
        m.put("msgfolderroot", "Top of Information Store");
        return Map.copyOf(m);
    }

    private void addWellKnown(String name, String parentId, boolean listed) {
        String id = folderId(name);
        sequence++;
        folders.put(id, new Folder(id, WELL_KNOWN_NAMES.get(name), parentId, name, listed, sequence, false));
    }

    /** {@code AAMkAD…AAA=}: an opaque, URL-safe id derived from the mailbox address and a key. */
    private String folderId(String key) {
        return "AAMkAD" + hash(address + "|folder|" + key, 64) + "AAA=";
    }

    public String address() {
        return address;
    }

    /** Replaces the listener told of every message change (see {@link EmulatorStore#listener}). */
    public void onChange(Consumer<Change> changes) {
        this.listener = changes;
    }

    public String rootId() {
        return rootId;
    }

    // ------------------------------------------------------------------------------------------ folders

    /** A live folder by id or well-known name (what Graph URLs accept). */
    public synchronized Optional<Folder> folder(String idOrWellKnown) {
        if (idOrWellKnown == null) {
            return Optional.empty();
        }
        Folder byId = folders.get(idOrWellKnown);
        if (byId != null) {
            return byId.removed() ? Optional.empty() : Optional.of(byId);
        }
        String lower = idOrWellKnown.toLowerCase(Locale.ROOT);
        return folders.values().stream().filter(f -> !f.removed() && lower.equals(f.wellKnownName())).findFirst();
    }

    /**
     * A live folder for the control API: an id, a well-known name, or a display-name path from the root
     * ({@code "Clients"}, {@code "Inbox/Deals"}; the first segment may be a well-known name), case-insensitive.
     */
    public synchronized Optional<Folder> find(String reference) {
        Optional<Folder> direct = folder(reference);
        if (direct.isPresent()) {
            return direct;
        }
        String parent = rootId;
        Folder found = null;
        for (String segment : segments(reference)) {
            found = null;
            if (parent.equals(rootId)) {
                found = folder(segment).filter(f -> f.listed() && !f.id().equals(rootId)).orElse(null);
            }
            if (found == null) {
                found = child(parent, segment).orElse(null);
            }
            if (found == null) {
                return Optional.empty();
            }
            parent = found.id();
        }
        return Optional.ofNullable(found);
    }

    /** {@link #find}, creating the custom folders of the path that do not exist yet (children of the root). */
    public synchronized Folder findOrCreate(String reference) {
        Optional<Folder> existing = find(reference);
        if (existing.isPresent()) {
            return existing.get();
        }
        String parent = rootId;
        Folder current = null;
        for (String segment : segments(reference)) {
            Folder next = parent.equals(rootId)
                    ? folder(segment).filter(f -> f.listed() && !f.id().equals(rootId)).orElse(null) : null;
            if (next == null) {
                next = child(parent, segment).orElse(null);
            }
            if (next == null) {
                next = createFolder(segment, parent);
            }
            current = next;
            parent = next.id();
        }
        return current;
    }

    private static List<String> segments(String reference) {
        if (reference == null || reference.isBlank()) {
            throw new BadRequestException("a folder name or id is required");
        }
        List<String> out = new ArrayList<>();
        for (String s : reference.split("/")) {
            if (s.isBlank()) {
                throw new BadRequestException("folder path " + reference + " has an empty segment");
            }
            out.add(s.strip());
        }
        return out;
    }

    private Optional<Folder> child(String parentId, String displayName) {
        return folders.values().stream().filter(f -> !f.removed() && parentId.equals(f.parentId())
                && f.displayName().equalsIgnoreCase(displayName)).findFirst();
    }

    /** Creates a custom folder under {@code parentId} (reported by the folder delta). */
    public synchronized Folder createFolder(String displayName, String parentId) {
        Folder parent = folders.get(parentId);
        if (parent == null || parent.removed() || !parent.listed() && !parent.id().equals(rootId)) {
            throw new BadRequestException(404, "no parent folder " + parentId);
        }
        if (child(parentId, displayName).isPresent() || parentId.equals(rootId) && folder(displayName).isPresent()) {
            throw new BadRequestException(409, "a folder named " + displayName + " exists there already");
        }
        sequence++;
        // Same parent and name → same id in every copy of this mailbox; a folder re-created after a delete gets a new one.
        String key = "custom|" + parentId + "|" + displayName.toLowerCase(Locale.ROOT);
        int generation = createdFolders.merge(key, 1, Integer::sum);
        String id = folderId(key + "|" + generation);
        Folder folder = new Folder(id, displayName, parentId, null, true, sequence, false);
        folders.put(id, folder);
        return folder;
    }

    /** Deletes a folder for good with its child folders and their messages (each leaves a tombstone). */
    public synchronized List<Folder> deleteFolder(String reference) {
        Folder folder = find(reference).orElseThrow(() -> new BadRequestException(404, "no folder " + reference));
        if (folder.wellKnownName() != null) {
            throw new BadRequestException("well-known folders cannot be deleted");
        }
        List<Folder> removed = new ArrayList<>();
        for (Folder f : subtree(folder.id())) {
            for (Map.Entry<String, Live> l : new ArrayList<>(live.entrySet())) {
                if (l.getValue().folderId().equals(f.id())) {
                    Live gone = l.getValue();
                    tombstone(l.getKey());
                    listener.accept(new Change(Change.Kind.DELETED, l.getKey(), gone.regularId(), f.id(), null, null, sequence));
                }
            }
            sequence++;
            Folder gone = new Folder(f.id(), f.displayName(), f.parentId(), null, f.listed(), sequence, true);
            folders.put(f.id(), gone);
            removed.add(gone);
        }
        return removed;
    }

    /** Moves a custom folder (with its contents) under another folder, as Outlook does when a folder is deleted. */
    public synchronized Folder moveFolder(String reference, String destinationReference) {
        Folder folder = find(reference).orElseThrow(() -> new BadRequestException(404, "no folder " + reference));
        Folder destination = find(destinationReference)
                .orElseThrow(() -> new BadRequestException(404, "no folder " + destinationReference));
        if (folder.wellKnownName() != null) {
            throw new BadRequestException("well-known folders cannot be moved");
        }
        if (subtree(folder.id()).stream().anyMatch(f -> f.id().equals(destination.id()))) {
            throw new BadRequestException("a folder cannot move into itself");
        }
        sequence++;
        Folder moved = new Folder(folder.id(), folder.displayName(), destination.id(), null, destination.listed()
                || destination.id().equals(rootId), sequence, false);
        folders.put(folder.id(), moved);
        return moved;
    }

    private List<Folder> subtree(String id) {
        List<Folder> out = new ArrayList<>();
        out.add(folders.get(id));
        for (int i = 0; i < out.size(); i++) {
            String parent = out.get(i).id();
            folders.values().stream().filter(f -> !f.removed() && parent.equals(f.parentId())).forEach(out::add);
        }
        return out;
    }

    /** Listed folders changed after {@code from} up to {@code to}, in change order (removed ones only when from > 0). */
    public synchronized List<Folder> folderChanges(long from, long to) {
        List<Folder> out = new ArrayList<>();
        for (Folder f : folders.values()) {
            if (!f.listed() || f.sequence() > to) {
                continue;
            }
            if (from == 0 ? !f.removed() : f.sequence() > from) {
                out.add(f);
            }
        }
        out.sort(Comparator.comparingLong(Folder::sequence));
        return out;
    }

    /** Live listed child folders of a folder, in creation order. */
    public synchronized List<Folder> children(String folderId) {
        return folders.values().stream().filter(f -> !f.removed() && f.listed() && folderId.equals(f.parentId())).toList();
    }

    public synchronized int totalItemCount(String folderId) {
        return (int) live.values().stream().filter(l -> l.folderId().equals(folderId)).count();
    }

    public synchronized int unreadItemCount(String folderId) {
        Map<String, Entry> entries = byFolder.getOrDefault(folderId, Map.of());
        return (int) live.values().stream().filter(l -> l.folderId().equals(folderId))
                .map(l -> entries.get(l.regularId())).filter(e -> e != null && !e.message().path("isRead").asBoolean(false))
                .count();
    }

    // ------------------------------------------------------------------------------------------ messages

    /**
     * Adds or replaces a message in a folder (created when a custom name is new). The message's {@code id} (an
     * immutable or a current regular id) names an existing message: in another folder, it moves there.
     */
    public synchronized Entry upsert(String folderReference, JsonNode json) {
        if (json == null || !json.isObject()) {
            throw new BadRequestException("a message must be a JSON object (a Graph message resource)");
        }
        Folder folder = findOrCreate(folderReference);
        if (folder.id().equals(rootId)) {
            throw new BadRequestException("messages cannot be put in " + folder.displayName());
        }
        ObjectNode message = ((ObjectNode) json).deepCopy();
        String given = message.hasNonNull("id") && !message.get("id").asText().isEmpty() ? message.get("id").asText() : null;
        message.remove("id");
        message.remove("parentFolderId"); // where the message lives decides it
        String immutableId = given == null ? newId() : regularToImmutable.getOrDefault(given, given);
        Live current = live.get(immutableId);
        if (current != null && !current.folderId().equals(folder.id())) {
            move(immutableId, folder.id());
            current = live.get(immutableId);
        }
        sequence++;
        if (current != null) {
            Entry previous = byFolder.get(current.folderId()).get(current.regularId());
            Entry entry = new Entry(folder.id(), immutableId, current.regularId(), message, previous.created(), sequence, false);
            byFolder.get(folder.id()).put(current.regularId(), entry);
            listener.accept(new Change(Change.Kind.UPDATED, immutableId, current.regularId(), folder.id(), null, null, sequence));
            return entry;
        }
        Entry entry = new Entry(folder.id(), immutableId, immutableId, message, sequence, sequence, false);
        byFolder.computeIfAbsent(folder.id(), k -> new LinkedHashMap<>()).put(immutableId, entry);
        live.put(immutableId, new Live(folder.id(), immutableId, 0));
        regularToImmutable.remove(immutableId);
        listener.accept(new Change(Change.Kind.CREATED, immutableId, immutableId, folder.id(), null, null, sequence));
        return entry;
    }

    /** Deletes a message of a folder for good (a tombstone stays for that folder's delta). */
    public synchronized boolean delete(String folderReference, String id) {
        Optional<Folder> folder = find(folderReference);
        String immutableId = regularToImmutable.getOrDefault(id, id);
        Live current = live.get(immutableId);
        if (folder.isEmpty() || current == null || !current.folderId().equals(folder.get().id())) {
            return false;
        }
        tombstone(immutableId);
        listener.accept(new Change(Change.Kind.DELETED, immutableId, current.regularId(), current.folderId(), null, null, sequence));
        return true;
    }

    /** Moves a message (by immutable or current regular id) to a folder: a new regular id, the same immutable one. */
    public synchronized Optional<Moved> move(String id, String destinationReference) {
        String immutableId = regularToImmutable.getOrDefault(id, id);
        Live current = live.get(immutableId);
        if (current == null) {
            return Optional.empty();
        }
        Folder destination = find(destinationReference)
                .orElseThrow(() -> new BadRequestException(404, "no folder " + destinationReference));
        if (destination.id().equals(rootId)) {
            throw new BadRequestException("messages cannot be moved to " + destination.displayName());
        }
        if (destination.id().equals(current.folderId())) {
            return Optional.of(new Moved(immutableId, current.regularId(), current.regularId(), destination));
        }
        Entry old = byFolder.get(current.folderId()).get(current.regularId());
        tombstone(immutableId);
        int residence = current.residence() + 1;
        String regularId = "AAMkAD" + hash(immutableId + "|residence|" + residence, 140) + "=";
        sequence++;
        byFolder.computeIfAbsent(destination.id(), k -> new LinkedHashMap<>())
                .put(regularId, new Entry(destination.id(), immutableId, regularId, old.message(), sequence, sequence, false));
        live.put(immutableId, new Live(destination.id(), regularId, residence));
        regularToImmutable.remove(current.regularId());
        regularToImmutable.put(regularId, immutableId);
        listener.accept(new Change(Change.Kind.MOVED, immutableId, regularId, destination.id(), current.regularId(),
                current.folderId(), sequence));
        return Optional.of(new Moved(immutableId, current.regularId(), regularId, destination));
    }

    private void tombstone(String immutableId) {
        Live current = live.remove(immutableId);
        regularToImmutable.remove(current.regularId());
        Map<String, Entry> entries = byFolder.get(current.folderId());
        Entry e = entries.get(current.regularId());
        sequence++;
        entries.put(current.regularId(), new Entry(e.folderId(), e.immutableId(), e.regularId(), e.message(), e.created(),
                sequence, true));
    }

    /** Every entry of a folder (tombstones included). */
    public synchronized List<Entry> folderEntries(String folderId) {
        return List.copyOf(byFolder.getOrDefault(folderId, Map.of()).values());
    }

    /** A live message by immutable id or current regular id (an id from before a move is gone, as in Graph). */
    public synchronized Optional<Entry> get(String id) {
        String immutableId = regularToImmutable.getOrDefault(id, id);
        Live current = live.get(immutableId);
        if (current == null || !current.regularId().equals(id) && !immutableId.equals(id)) {
            return Optional.empty();
        }
        return Optional.of(byFolder.get(current.folderId()).get(current.regularId()));
    }

    public synchronized int size() {
        return live.size();
    }

    public synchronized long sequence() {
        return sequence;
    }

    public synchronized long oldestValidSequence() {
        return oldestValidSequence;
    }

    /** Every delta token handed out so far becomes invalid. */
    public synchronized void expireDelta() {
        sequence++;
        oldestValidSequence = sequence;
    }

    private static String newId() {
        byte[] bytes = new byte[105]; // 140 base64url characters: the length of a real Graph message id's body
        RANDOM.nextBytes(bytes);
        return "AAMkAD" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes) + "=";
    }

    /** Base64url (no '/' or '+', so ids fit in URL paths) of SHA-512 digests, {@code length} characters. */
    static String hash(String value, int length) {
        try {
            StringBuilder out = new StringBuilder();
            for (int round = 0; out.length() < length; round++) {
                byte[] digest = MessageDigest.getInstance("SHA-512").digest((round + "|" + value).getBytes(StandardCharsets.UTF_8));
                out.append(Base64.getUrlEncoder().withoutPadding().encodeToString(digest));
            }
            return out.substring(0, length);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
