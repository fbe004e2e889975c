package io.interactionsync.microsoftsync.source.mail;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A mailbox's folder tree as this service knows it (mailFolders delta) and the excluded well-known folders' ids. A
 * folder is synced when it is known and neither it nor any folder above it is excluded; a folder not in the tree
 * (a recoverable-items folder, or one not discovered yet) is not synced.
 */
public record MailFolders(Map<String, Folder> folders, Set<String> excludedIds) {

    /** Parent chains longer than this are treated as broken (a cycle in stored data must not loop). */
    private static final int MAX_DEPTH = 64;

    public record Folder(String id, String displayName, String parentId) {
    }

    public MailFolders {
        folders = Map.copyOf(folders);
        excludedIds = Set.copyOf(excludedIds);
    }

    public boolean synced(String folderId) {
        if (folderId == null || !folders.containsKey(folderId)) {
            return false;
        }
        Set<String> seen = new HashSet<>();
        for (String id = folderId; id != null && seen.size() < MAX_DEPTH; id = parentOf(id)) {
            if (excludedIds.contains(id) || !seen.add(id)) {
                return false;
            }
        }
        return true;
    }

    private String parentOf(String id) {
        Folder f = folders.get(id);
        return f == null ? null : f.parentId();
    }

    /** The synced folders' ids, in the order of their display paths (stable between runs). */
    public List<String> syncedIds() {
        List<String> out = new ArrayList<>();
        for (String id : folders.keySet()) {
            if (synced(id)) {
                out.add(id);
            }
        }
        out.sort(Comparator.comparing((String id) -> path(id).toLowerCase(Locale.ROOT)).thenComparing(id -> id));
        return out;
    }

    /** "Inbox/Deals": the display names from the top (for DEBUG logs and tests). */
    public String path(String folderId) {
        List<String> names = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String id = folderId; id != null && folders.containsKey(id) && seen.add(id) && seen.size() < MAX_DEPTH;
                id = parentOf(id)) {
            Folder f = folders.get(id);
            names.addFirst(f.displayName() == null ? "?" : f.displayName());
        }
        return String.join("/", names);
    }
}
