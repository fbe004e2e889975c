package io.interactionsync.microsoftsync.source.mail;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.microsoftsync.config.MicrosoftSyncConfig;
import io.interactionsync.microsoftsync.graph.GraphCallException;
import io.interactionsync.microsoftsync.graph.GraphGateway;
import io.interactionsync.microsoftsync.repository.MailboxRepository;
import io.interactionsync.microsoftsync.repository.MailboxRepository.FolderChange;
import io.interactionsync.microsoftsync.repository.MailboxRepository.MailboxState;
import io.interactionsync.sync.RetryLaterException;
import io.interactionsync.sync.SourceFailedException;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A mailbox's folders: the excluded well-known folders' ids, resolved once by name ({@code GET
 * /mailFolders/{name}} in one {@code $batch}: Graph v1.0 folders carry no well-known name), and the whole folder tree
 * from mailFolders delta, whose deltaLink is stored so each run asks only for new, changed and removed folders
 * (one request when nothing changed). A 410 restarts the folder round once.
 */
@ApplicationScoped
public class MailFolderSource {

    private final MailboxRepository mailboxes;
    private final MicrosoftSyncConfig config;
    private final Clock clock = Clock.systemUTC();

    public MailFolderSource(MailboxRepository mailboxes, MicrosoftSyncConfig config) {
        this.mailboxes = mailboxes;
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
                Log.warnf("mail folder delta no longer valid (%s): the folder tree is listed again", e.getMessage());
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
        mailboxes.saveFolderRound(accountKey, graph.mailbox(), excluded, changes, link == null, deltaLink);
    }
}
