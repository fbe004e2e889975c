package io.interactionsync.googlesync.source.gmail;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class GmailCursorTests {

    private static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");

    @Test
    void shouldStartListingAllMailWithoutTheProfile() {
        GmailCursor cursor = GmailCursor.startBackfill(NOW.minusSeconds(3600), NOW, null);
        assertThat(cursor.phase()).isEqualTo(GmailCursor.Phase.BACKFILL);
        assertThat(cursor.profileRead()).isFalse();
        assertThat(cursor.listing()).isEqualTo(GmailCursor.ALL_MAIL);
        assertThat(cursor.legacyListing()).isFalse();
        assertThat(cursor.morePages()).isTrue();
        assertThat(cursor.pageToken()).isNull();
    }

    @Test
    void shouldKeepTheFirstPagesEstimateUntilTheLastPageThenExpectWhatWasReadPlusTheQueue() {
        GmailCursor cursor = GmailCursor.startBackfill(NOW, NOW, null).withHistoryId("42")
                .afterList(List.of("a", "b"), "t1", 30L);
        assertThat(cursor.pendingIds()).containsExactly("a", "b");
        assertThat(cursor.pageToken()).isEqualTo("t1");
        assertThat(cursor.estimatedTotal()).isEqualTo(30L);
        GmailCursor second = cursor.afterFetch(List.of(), 0, 2, 2, 0, 0, false);
        assertThat(second.estimatedTotal()).as("more pages to list: Gmail's figure").isEqualTo(30L);
        GmailCursor last = second.afterList(List.of("c"), null, null);
        assertThat(last.morePages()).isFalse();
        assertThat(last.pendingIds()).containsExactly("c");
        assertThat(last.estimatedTotal()).as("2 read + 1 queued: nothing else can come").isEqualTo(3L);
        assertThat(last.historyId()).isEqualTo("42");
        GmailCursor done = last.afterFetch(List.of(), 0, 0, 0, 0, 0, false).listed().toIncremental(NOW);
        assertThat(done.estimatedTotal()).as("c was a draft: the total is what was read").isEqualTo(2L);
        assertThat(done.afterHistoryPage(null, "43", 4, 0, NOW).fetched())
                .as("incremental runs keep the backfill's count").isEqualTo(2);
    }

    @Test
    void shouldExpectWhatWasReadPlusTheQueueOnceTheHorizonIsReachedEvenAboveALowEstimate() {
        GmailCursor cursor = GmailCursor.startBackfill(NOW, NOW, null).withHistoryId("1")
                .afterList(List.of("a", "b", "c", "d"), "t1", 2L)
                .afterFetch(List.of("c"), 1, 2, 2, 0, 1, true);
        assertThat(cursor.estimatedTotal()).isEqualTo(3L);
    }

    @Test
    void shouldStopListingWhenTheHorizonIsReached() {
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
    void shouldRestartTheListingOfACursorSavedByTheLabelByLabelListingKeepingItsQueue() {
        GmailCursor legacy = new GmailCursor(GmailCursor.Phase.BACKFILL, "run", NOW, "7", "SENT", true, "p3",
                List.of("x", "y"), 0, 100L, 40, 40, 0, 0, NOW, null, false);
        assertThat(legacy.legacyListing()).isTrue();
        GmailCursor restarted = legacy.restartListing();
        assertThat(restarted.listing()).isEqualTo(GmailCursor.ALL_MAIL);
        assertThat(restarted.pageToken()).isNull();
        assertThat(restarted.morePages()).isTrue();
        assertThat(restarted.pendingIds()).containsExactly("x", "y");
        assertThat(restarted.published()).isEqualTo(40);
        assertThat(restarted.historyId()).isEqualTo("7");
    }

    @Test
    void shouldFinishOnceListedAndKeepTheHistoryIdForIncremental() {
        GmailCursor done = GmailCursor.startBackfill(NOW, NOW, null).withHistoryId("99").listed().toIncremental(NOW);
        assertThat(done.listingDone()).isTrue();
        assertThat(done.phase()).isEqualTo(GmailCursor.Phase.INCREMENTAL);
        assertThat(done.historyId()).isEqualTo("99");
        assertThat(done.lastSyncedAt()).isEqualTo(NOW);
    }
}
