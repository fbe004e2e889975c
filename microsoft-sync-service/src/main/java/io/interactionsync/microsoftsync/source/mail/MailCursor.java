package io.interactionsync.microsoftsync.source.mail;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * Delta position of one mailbox folder ({@code microsoft_sync.mail_cursors}). {@code nextLink} is the page to read
 * next in the round in progress (initial or incremental); {@code deltaLink} the end of the last complete round.
 *
 * @param accountKey the account id for its own mailbox, {@code ""} for a shared mailbox
 * @param fetched    messages inside the horizon the folder's initial round published (the backfill's count: kept by
 *                   incremental runs, which count in {@code published} only)
 */
public record MailCursor(String accountKey, String mailbox, String folder, String syncRunId, Phase phase, Instant horizon,
                         String nextLink, String deltaLink, long fetched, long published, long beyondHorizon,
                         Instant startedAt, Instant lastSyncedAt) {

    public enum Phase {
        INITIAL, INCREMENTAL;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A new initial round (no cursor, mode full, or a 410): links dropped. */
    public static MailCursor initial(String accountKey, String mailbox, String folder, Instant horizon, Instant now,
                                     Instant previousLastSyncedAt) {
        return new MailCursor(accountKey, mailbox, folder, UUID.randomUUID().toString(), Phase.INITIAL, micros(horizon), null,
                null, 0, 0, 0, micros(now), previousLastSyncedAt);
    }

    /** The link to request next: the round's nextLink, else the deltaLink (incremental), else null (first request). */
    public String link() {
        if (nextLink != null) {
            return nextLink;
        }
        return phase == Phase.INCREMENTAL ? deltaLink : null;
    }

    /** True while a round is in progress (a nextLink is pending). */
    public boolean midRound() {
        return nextLink != null;
    }

    /** A new incremental run starts from the deltaLink with a fresh run id and counters (the backfill's count stays). */
    public MailCursor newRun() {
        return new MailCursor(accountKey, mailbox, folder, UUID.randomUUID().toString(), phase, horizon, nextLink, deltaLink,
                fetched, 0, 0, micros(Instant.now()), lastSyncedAt);
    }

    /** True once the folder's initial round ended: {@link #fetched} is final. */
    public boolean backfilled() {
        return phase == Phase.INCREMENTAL;
    }

    /** After a page whose records Kafka acknowledged; {@code publishedNow} count as read during the initial round. */
    public MailCursor afterPage(String newNextLink, String newDeltaLink, int publishedNow, int beyond, Instant now) {
        int read = phase == Phase.INITIAL ? publishedNow : 0;
        if (newNextLink != null) {
            return new MailCursor(accountKey, mailbox, folder, syncRunId, phase, horizon, newNextLink, deltaLink,
                    fetched + read, published + publishedNow, beyondHorizon + beyond, startedAt, lastSyncedAt);
        }
        return new MailCursor(accountKey, mailbox, folder, syncRunId, Phase.INCREMENTAL, horizon, null, newDeltaLink,
                fetched + read, published + publishedNow, beyondHorizon + beyond, startedAt, micros(now));
    }

    /** PostgreSQL keeps microseconds: a cursor equals itself after a save and a load. */
    static Instant micros(Instant i) {
        return i == null ? null : i.truncatedTo(ChronoUnit.MICROS);
    }
}
