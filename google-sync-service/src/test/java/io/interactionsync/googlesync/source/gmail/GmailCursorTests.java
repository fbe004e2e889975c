package io.interactionsync.googlesync.source.gmail;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class GmailCursorTests {

    private static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");

    @Test
    void shouldStartWithInboxAndNoProfile() {
        GmailCursor cursor = GmailCursor.startBackfill(NOW.minusSeconds(3600), NOW, null);
        assertThat(cursor.phase()).isEqualTo(GmailCursor.Phase.BACKFILL);
        assertThat(cursor.profileRead()).isFalse();
        assertThat(cursor.label()).isEqualTo("INBOX");
        assertThat(cursor.morePages()).isTrue();
        assertThat(cursor.pageToken()).isNull();
    }

    @Test
    void shouldQueueListedIdsAndAddUpEstimatesOfFirstPages() {
        GmailCursor cursor = GmailCursor.startBackfill(NOW, NOW, null).withHistoryId("42")
                .afterList(List.of("a", "b"), "t1", 30L);
        assertThat(cursor.pendingIds()).containsExactly("a", "b");
        assertThat(cursor.pageToken()).isEqualTo("t1");
        assertThat(cursor.estimatedTotal()).isEqualTo(30L);
        GmailCursor sent = cursor.afterFetch(List.of(), 0, 2, 2, 0, 0, false).afterList(List.of(), null, null)
                .nextLabel().afterList(List.of("c"), null, 5L);
        assertThat(sent.label()).isEqualTo("SENT");
        assertThat(sent.morePages()).isFalse();
        assertThat(sent.estimatedTotal()).isEqualTo(35L);
        assertThat(sent.historyId()).isEqualTo("42");
    }

    @Test
    void shouldStopListingTheLabelWhenTheHorizonIsReached() {
        GmailCursor cursor = GmailCursor.startBackfill(NOW, NOW, null).withHistoryId("1")
                .afterList(List.of("a", "b", "c"), "t1", 3L)
                .afterFetch(List.of(), 0, 1, 1, 0, 2, true);
        assertThat(cursor.morePages()).isFalse();
        assertThat(cursor.pendingIds()).isEmpty();
        assertThat(cursor.beyondHorizon()).isEqualTo(2);
    }

    @Test
    void shouldKeepFailedIdsAtTheHeadOfTheQueue() {
        GmailCursor cursor = GmailCursor.startBackfill(NOW, NOW, null).withHistoryId("1")
                .afterList(List.of("a", "b", "c"), null, 3L)
                .afterFetch(List.of("b", "c"), 1, 1, 1, 0, 0, false);
        assertThat(cursor.pendingIds()).containsExactly("b", "c");
        assertThat(cursor.headFailures()).isEqualTo(1);
    }

    @Test
    void shouldFinishAfterSentAndKeepTheHistoryIdForIncremental() {
        GmailCursor done = GmailCursor.startBackfill(NOW, NOW, null).withHistoryId("99").nextLabel().nextLabel()
                .toIncremental(NOW);
        assertThat(done.labelsDone()).isTrue();
        assertThat(done.phase()).isEqualTo(GmailCursor.Phase.INCREMENTAL);
        assertThat(done.historyId()).isEqualTo("99");
        assertThat(done.lastSyncedAt()).isEqualTo(NOW);
    }
}
