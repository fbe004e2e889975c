package io.interactionsync.microsoftsync.source.mail;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.microsoftsync.config.MicrosoftSyncConfig;
import io.interactionsync.microsoftsync.graph.GraphCallException;
import io.interactionsync.microsoftsync.graph.GraphGateway;
import io.interactionsync.microsoftsync.repository.MailboxRepository;
import io.interactionsync.microsoftsync.repository.MailboxRepository.FolderChange;
import io.interactionsync.microsoftsync.repository.MailboxRepository.MailboxState;
import io.interactionsync.model.LogSafe;
import io.interactionsync.sync.RetryLaterException;
import io.interactionsync.sync.SourceFailedException;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A mailbox's folders: the excluded well-known folders' ids, resolved once by name ({@code GET
 * /mailFolders/{name}} in one {@code $batch}: Graph v1.0 folders carry no well-known name), and the whole folder tree
 * from mailFolders delta, whose deltaLink is stored so each run asks only for new, changed and removed folders
 * (one request when nothing changed). A 410 restarts the folder round once. A round from scratch (mode full, a 410)
 * marks the folders it did not list removed, except synced folders Graph confirms still exist
 * ({@link MailFolderAudit#confirm}): a round that lost a folder must not retire it (its messages would be deleted).
 */
@ApplicationScoped
public class MailFolderSource {

    private final MailboxRepository mailboxes;
    private final MailFolderAudit folderAudit;
    private final MicrosoftSyncConfig config;
    private final Clock clock = Clock.systemUTC();

    public MailFolderSource(MailboxRepository mailboxes, MailFolderAudit folderAudit, MicrosoftSyncConfig config) {
        this.mailboxes = mailboxes;
        this.folderAudit = folderAudit;
        this.config = config;
    }

    /** Brings the stored folder tree up to date and returns it; {@code full}: resolve and list everything again. */
    public MailFolders discover(GraphGateway graph, String accountKey, boolean full) throws InterruptedException {
        String mailbox = graph.mailbox();
        MailboxState state = mailboxes.load(accountKey, mailbox).orElse(null);
        List<String> excluded = full || state == null ? null : state.excludedIds();
        if (excluded == null) {
            Map<String, String> ids = graph.wellKnownFolderIds(config.mail().excludedFolders());
            Log.debugf("excluded well-known folders of %s: %s", mailbox, ids.keySet());
            excluded = List.copyOf(ids.values());
        }
        String link = full || state == null ? null : state.foldersDeltaLink();
        boolean restarted = false;
        while (true) {
            try {
                round(graph, accountKey, excluded, link);
                break;
            } catch (GraphCallException.DeltaExpired e) {
                if (restarted) {
                    throw new RetryLaterException("mail folder delta expired again right after a restart: " + e.getMessage(),
                            clock.instant().plus(config.worker().retryDelay()));
                }
                restarted = true;
                Log.warnf("mail folder delta no longer valid (%s): the folder tree is listed again", LogSafe.redact(e.getMessage()));
                link = null;
            }
        }
        MailFolders folders = mailboxes.folders(accountKey, mailbox, excluded);
        Log.debugf("folders of %s: %d known, synced: %s", mailbox, folders.folders().size(),
                folders.syncedIds().stream().map(folders::path).toList());
        return folders;
    }

    /** One folder round from {@code link} (null: the whole tree), saved at its end with the new deltaLink. */
    private void round(GraphGateway graph, String accountKey, List<String> excluded, String link) throws InterruptedException {
        // Before a round from scratch: the synced folders known so far, to confirm those the round does not list.
        MailFolders known = link == null ? mailboxes.folders(accountKey, graph.mailbox(), excluded) : null;
        List<FolderChange> changes = new ArrayList<>();
        String next = link;
        String deltaLink;
        do {
            JsonNode page = graph.folderDelta(next);
            for (JsonNode f : page.path("value")) {
                String id = f.path("id").asText(null);
                if (id == null) {
                    continue;
                }
                changes.add(f.has("@removed") ? new FolderChange(id, null, null, true)
                        : new FolderChange(id, f.path("displayName").asText(null), f.path("parentFolderId").asText(null), false));
            }
            next = page.path("@odata.nextLink").asText(null);
            deltaLink = page.path("@odata.deltaLink").asText(null);
            if (next == null && deltaLink == null) {
                throw new SourceFailedException("Graph mail folder delta answered neither @odata.nextLink nor @odata.deltaLink");
            }
        } while (next != null);
        if (known != null) {
            changes.addAll(keepUnlisted(graph, known, changes, excluded));
        }
        mailboxes.saveFolderRound(accountKey, graph.mailbox(), excluded, changes, link == null, deltaLink);
    }

    /** The synced folders a round from scratch did not list but Graph still has (or did not answer for): kept. */
    private List<FolderChange> keepUnlisted(GraphGateway graph, MailFolders known, List<FolderChange> round,
                                            List<String> excluded) throws InterruptedException {
        Set<String> listed = new HashSet<>();
        // Where a confirmed folder's parents lead is judged against the round, completed by what was known.
        Map<String, MailFolders.Folder> tree = new HashMap<>(known.folders());
        round.stream().filter(f -> !f.removed()).forEach(f -> {
            listed.add(f.id());
            tree.put(f.id(), new MailFolders.Folder(f.id(), f.displayName(), f.parentId()));
        });
        List<String> unlisted = known.syncedIds().stream().filter(id -> !listed.contains(id)).toList();
        if (unlisted.isEmpty()) {
            return List.of();
        }
        Map<String, List<FolderChange>> confirmed = folderAudit.confirm(graph, unlisted, tree, MailFolderAudit.tops(tree),
                Set.copyOf(excluded), () -> { });
        List<FolderChange> kept = new ArrayList<>();
        int gone = 0;
        for (String id : unlisted) {
            List<FolderChange> verdict = confirmed.get(id);
            if (verdict == null) {
                MailFolders.Folder f = known.folders().get(id); // no answer: kept as known
                kept.add(new FolderChange(id, f.displayName(), f.parentId(), false));
            } else if (verdict.getFirst().removed()) {
                gone++;
            } else {
                kept.addAll(verdict);
            }
        }
        Log.warnf("the folder round from scratch did not list %d synced folder(s): %d gone, the others kept",
                unlisted.size(), gone);
        return kept;
    }
}
