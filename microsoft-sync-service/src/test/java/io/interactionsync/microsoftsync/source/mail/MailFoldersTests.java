package io.interactionsync.microsoftsync.source.mail;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MailFoldersTests {

    private static MailFolders.Folder folder(String id, String name, String parent) {
        return new MailFolders.Folder(id, name, parent);
    }

    private final MailFolders tree = new MailFolders(Map.of(
            "inbox", folder("inbox", "Inbox", "root"),
            "deals", folder("deals", "Deals", "inbox"),
            "deleted", folder("deleted", "Deleted Items", "root"),
            "old", folder("old", "Old project", "deleted"),
            "older", folder("older", "Older", "old"),
            "junk", folder("junk", "Junk Email", "root"),
            "archive", folder("archive", "Archive", "root")), Set.of("deleted", "junk", "recoverable"));

    @Test
    void shouldSyncEveryKnownFolderOutsideTheExcludedOnesInPathOrder() {
        assertThat(tree.syncedIds()).containsExactly("archive", "inbox", "deals");
        assertThat(tree.path("deals")).isEqualTo("Inbox/Deals");
    }

    @Test
    void shouldExcludeEverythingBelowAnExcludedFolder() {
        // A folder deleted in Outlook moves under Deleted Items with its children.
        assertThat(tree.synced("old")).isFalse();
        assertThat(tree.synced("older")).isFalse();
        assertThat(tree.synced("junk")).isFalse();
    }

    @Test
    void shouldNotSyncAFolderItDoesNotKnow() {
        assertThat(tree.synced("recoverable")).isFalse();
        assertThat(tree.synced("brand-new")).isFalse();
        assertThat(tree.synced(null)).isFalse();
    }

    @Test
    void shouldStopOnACycleInStoredParents() {
        MailFolders broken = new MailFolders(Map.of("a", folder("a", "A", "b"), "b", folder("b", "B", "a")), Set.of());
        assertThat(broken.synced("a")).isFalse();
        assertThat(broken.path("a")).isEqualTo("B/A");
    }
}
