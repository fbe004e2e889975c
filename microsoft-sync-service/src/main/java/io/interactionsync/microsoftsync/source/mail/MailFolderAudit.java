package io.interactionsync.microsoftsync.source.mail;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.microsoftsync.graph.GraphGateway;
import io.interactionsync.microsoftsync.repository.MailboxRepository;
import io.interactionsync.microsoftsync.repository.MailboxRepository.FolderChange;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The folder side of the completeness audit: mailFolders delta can lose a folder (its cursor moves past it), and
 * then nothing ever syncs that folder. The audit lists the tree without delta ({@code GET /mailFolders} and
 * {@code /mailFolders/{id}/childFolders}, paged, hidden folders left out as Graph does by default, excluded
 * subtrees not entered) and reconciles it with {@code mail_folders}:
 * <ul>
 * <li>a listed folder unknown (or known with another parent or name) is saved as the delta would have reported it:
 * a folder that is now synced starts its initial round;</li>
 * <li>a known synced folder the listing lacks is confirmed first ({@code GET /mailFolders/{id}}, in
 * {@code $batch}es, walking up unknown parents): 404 → removed; under an excluded folder → saved there (retired);
 * elsewhere → kept. A listing may lose items too: no answer keeps the folder as it is.</li>
 * </ul>
 * A restarted folder delta round (mode full, a 410) uses the same confirmation for the folders it did not list.
 */
@ApplicationScoped
public class MailFolderAudit {

    /** Unknown parents walked up at most this far (a folder moved deep below an excluded one). */
    static final int MAX_LEVELS = 8;

    private final MailboxRepository mailboxes;

    public MailFolderAudit(MailboxRepository mailboxes) {
        this.mailboxes = mailboxes;
    }

    /**
     * @param folders the tree after reconciliation
     * @param found   folders synced now that were not before (lost by the folder delta)
     * @param retired folders synced before that are not now (deleted or moved below an excluded folder)
     */
    public record Reconciled(MailFolders folders, Set<String> found, Set<String> retired) {
        public boolean changed() {
            return !found.isEmpty() || !retired.isEmpty();
        }
    }

    /** Lists the mailbox's folder tree without delta and saves what the folder delta lost; {@code check} between pages. */
    public Reconciled reconcile(GraphGateway graph, String accountKey, MailFolders known, Runnable check)
            throws InterruptedException {
        Set<String> excluded = known.excludedIds();
        Map<String, FolderChange> listed = new LinkedHashMap<>();
        Set<String> tops = new HashSet<>();
        Set<String> entered = new HashSet<>();
        Deque<String> toEnter = new ArrayDeque<>();
        list(graph, null, listed, toEnter, excluded, check);
        listed.values().forEach(f -> {
            if (f.parentId() != null) {
                tops.add(f.parentId()); // the root's id: the parent of every folder listed at the top
            }
        });
        enter(graph, toEnter, entered, listed, excluded, check);

        Set<String> knownSynced = new LinkedHashSet<>(known.syncedIds());
        List<String> unlisted = knownSynced.stream().filter(id -> !listed.containsKey(id)).toList();
        Map<String, MailFolders.Folder> tree = new HashMap<>(known.folders());
        listed.values().forEach(f -> tree.put(f.id(), new MailFolders.Folder(f.id(), f.displayName(), f.parentId())));
        tops.addAll(tops(tree));
        Map<String, List<FolderChange>> confirmed = unlisted.isEmpty() ? Map.of()
                : confirm(graph, unlisted, tree, tops, excluded, check);

        List<FolderChange> changes = new ArrayList<>(listed.values().stream().filter(f -> differs(known, f)).toList());
        confirmed.values().forEach(changes::addAll);
        MailFolders now = known;
        if (!changes.isEmpty()) {
            mailboxes.saveFolders(accountKey, graph.mailbox(), changes);
            now = mailboxes.folders(accountKey, graph.mailbox(), List.copyOf(excluded));
        }
        // Folders the listing lost but Graph still has: their children were not listed either.
        for (String id : unlisted) {
            if (now.synced(id) && !entered.contains(id)) {
                toEnter.add(id);
            }
        }
        if (!toEnter.isEmpty()) {
            int before = listed.size();
            enter(graph, toEnter, entered, listed, excluded, check);
            List<FolderChange> more = listed.values().stream().skip(before).filter(f -> differs(known, f)).toList();
            if (!more.isEmpty()) {
                mailboxes.saveFolders(accountKey, graph.mailbox(), more);
                now = mailboxes.folders(accountKey, graph.mailbox(), List.copyOf(excluded));
            }
        }
        Set<String> nowSynced = new LinkedHashSet<>(now.syncedIds());
        Set<String> found = new LinkedHashSet<>(nowSynced);
        found.removeAll(knownSynced);
        Set<String> retired = new LinkedHashSet<>(knownSynced);
        retired.removeAll(nowSynced);
        Log.debugf("folder reconciliation of %s: %d listed, %d unlisted known folders confirmed, found %s, retired %s",
                graph.mailbox(), listed.size(), unlisted.size(), found.stream().map(now::path).toList(), retired);
        return new Reconciled(now, found, retired);
    }

    /**
     * Confirms known folders a full listing (or a restarted folder round) did not return: id → the changes to save
     * (404: removed; present: the folder, with the unknown parents walked up to a folder of {@code tree}, a top or an
     * excluded folder). Ids absent from the answer are inconclusive (no answer, or a chain that leads nowhere known):
     * they are kept as they are.
     */
    public Map<String, List<FolderChange>> confirm(GraphGateway graph, Collection<String> ids,
                                                   Map<String, MailFolders.Folder> tree, Set<String> tops,
                                                   Set<String> excluded, Runnable check) throws InterruptedException {
        Map<String, List<FolderChange>> out = new LinkedHashMap<>();
        // id → its chain so far (the folder, then unknown parents); the last one's parent is still to judge.
        Map<String, List<FolderChange>> open = new LinkedHashMap<>();
        Map<String, JsonNode> got = get(graph, List.copyOf(ids), check);
        for (String id : ids) {
            JsonNode node = got.get(id);
            if (node == GraphGateway.GONE_FOLDER) {
                out.put(id, List.of(new FolderChange(id, null, null, true)));
            } else if (node != null) {
                open.put(id, new ArrayList<>(List.of(change(node))));
            }
        }
        for (int level = 0; level <= MAX_LEVELS && !open.isEmpty(); level++) {
            Set<String> ask = new LinkedHashSet<>();
            for (var it = open.entrySet().iterator(); it.hasNext(); ) {
                var e = it.next();
                String parent = e.getValue().getLast().parentId();
                if (parent != null && (excluded.contains(parent) || tree.containsKey(parent) || tops.contains(parent))) {
                    out.put(e.getKey(), e.getValue());
                    it.remove();
                } else if (parent == null || level == MAX_LEVELS) {
                    it.remove(); // leads nowhere known: keep the folder as it is
                } else {
                    ask.add(parent);
                }
            }
            if (ask.isEmpty()) {
                break;
            }
            Map<String, JsonNode> parents = get(graph, List.copyOf(ask), check);
            for (var it = open.entrySet().iterator(); it.hasNext(); ) {
                List<FolderChange> chain = it.next().getValue();
                JsonNode parent = parents.get(chain.getLast().parentId());
                if (parent == null || parent == GraphGateway.GONE_FOLDER) {
                    it.remove();
                } else {
                    chain.add(change(parent));
                }
            }
        }
        return out;
    }

    /** Ids that folders of {@code tree} name as parent but that are not in it: the root (and nothing else, normally). */
    public static Set<String> tops(Map<String, MailFolders.Folder> tree) {
        Set<String> out = new HashSet<>();
        tree.values().forEach(f -> {
            if (f.parentId() != null && !tree.containsKey(f.parentId())) {
                out.add(f.parentId());
            }
        });
        return out;
    }

    private static Map<String, JsonNode> get(GraphGateway graph, List<String> ids, Runnable check) throws InterruptedException {
        Map<String, JsonNode> out = new HashMap<>();
        for (int from = 0; from < ids.size(); from += MailAudit.CHUNK) {
            check.run();
            out.putAll(graph.mailFolders(ids.subList(from, Math.min(ids.size(), from + MailAudit.CHUNK))));
        }
        return out;
    }

    /** Lists the folders below each folder of {@code toEnter} (and below those, and so on). */
    private static void enter(GraphGateway graph, Deque<String> toEnter, Set<String> entered, Map<String, FolderChange> listed,
                              Set<String> excluded, Runnable check) throws InterruptedException {
        while (!toEnter.isEmpty()) {
            String parent = toEnter.poll();
            if (entered.add(parent)) {
                list(graph, parent, listed, toEnter, excluded, check);
            }
        }
    }

    /** One folder's children, every page; those with children of their own (and not excluded) are queued. */
    private static void list(GraphGateway graph, String parent, Map<String, FolderChange> listed, Deque<String> toEnter,
                             Set<String> excluded, Runnable check) throws InterruptedException {
        String link = null;
        do {
            check.run();
            JsonNode page = graph.folderList(parent, link);
            if (page == null) {
                return; // the parent went since it was listed
            }
            for (JsonNode f : page.path("value")) {
                FolderChange folder = change(f);
                if (folder.id() == null) {
                    continue;
                }
                listed.put(folder.id(), folder);
                // Excluded subtrees are not entered: nothing below them is synced.
                if (!excluded.contains(folder.id()) && f.path("childFolderCount").asInt(1) > 0) {
                    toEnter.add(folder.id());
                }
            }
            link = page.path("@odata.nextLink").asText(null);
        } while (link != null);
    }

    /** Unknown, or known with another parent or name. */
    private static boolean differs(MailFolders known, FolderChange f) {
        MailFolders.Folder k = known.folders().get(f.id());
        return k == null || !Objects.equals(k.parentId(), f.parentId()) || !Objects.equals(k.displayName(), f.displayName());
    }

    private static FolderChange change(JsonNode f) {
        return new FolderChange(f.path("id").asText(null), f.path("displayName").asText(null),
                f.path("parentFolderId").asText(null), false);
    }
}
