package io.interactionsync.microsoftsync.config;

import io.interactionsync.sync.SyncSettings;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;

/**
 * Every setting of microsoft-sync-service ({@code microsoft-sync.*}); the module README lists them all. The
 * {@code retry}, {@code worker} and {@code status} groups are sync-core's {@link SyncSettings}, under this prefix.
 */
@ConfigMapping(prefix = "microsoft-sync")
public interface MicrosoftSyncConfig extends SyncSettings {

    /** How far back the initial mail round publishes messages, in months (by receivedDateTime). */
    @WithDefault("24")
    int backfillMonths();

    Graph graph();

    Mail mail();

    Calendar calendar();

    Throttle throttle();

    /** sync-core's push settings plus the Graph subscriptions' lifetime. */
    @Override
    GraphPush push();

    /**
     * Graph change notifications ({@code microsoft-sync.push.*}): sync-core's {@link SyncSettings.Push} (endpoints'
     * public base URL, safety-net poll) and the subscriptions' lifetime and renewal.
     */
    interface GraphPush extends SyncSettings.Push {
        /**
         * {@code expirationDateTime} asked for at creation and renewal: under Graph's 10,080-minute maximum for
         * messages and events (a subscription without resource data), so clock skew never makes Graph refuse it.
         */
        @WithDefault("10070m")
        Duration subscriptionLifetime();

        /** Renewed (PATCH) this long before it expires; a lifetime shorter than this renews at half its lifetime. */
        @WithDefault("1d")
        Duration renewBefore();

        /** After a failed creation or renewal, the account's job tries again this much later. */
        @WithDefault("5m")
        Duration retryFailedAfter();
    }

    interface Graph {
        /**
         * Graph base URL without a trailing slash. Every request, and every nextLink/deltaLink followed, must start
         * with it (scheme, host, port and path prefix); anything else is refused before the token is attached.
         */
        @WithDefault("https://graph.microsoft.com/v1.0")
        String baseUrl();

        @WithDefault("10s")
        Duration connectTimeout();

        /** Read timeout; a timeout counts as a provider-wide failure for the circuit breakers. */
        @WithDefault("60s")
        Duration readTimeout();
    }

    interface Mail {
        /**
         * Well-known folders never synced, with everything below them (a folder deleted in Outlook moves under
         * deleteditems). Every other folder of the mailbox (found with mailFolders delta) is synced; a message moved
         * into one of these is a delete.
         */
        @WithDefault("deleteditems,junkemail,drafts,outbox,conversationhistory,syncissues,recoverableitemsdeletions")
        List<String> excludedFolders();

        /**
         * {@code $select} of the first delta request (the links carry it afterwards) and of message GETs: what the
         * normalizer's rules read — no {@code subject} (no rule needs it, see event-normalizer docs), no body.
         */
        @WithDefault("id,conversationId,from,toRecipients,ccRecipients,bccRecipients,sentDateTime,receivedDateTime,"
                + "internetMessageId,isRead,internetMessageHeaders,parentFolderId")
        List<String> select();

        /**
         * The internet message headers kept in a published message ({@code internetMessageHeaders} comes whole from
         * Graph, Subject and Thread-Topic included): those the normalizer's rules read, as Gmail's metadataHeaders.
         * Matched case-insensitively; the others are dropped before publishing.
         */
        @WithDefault("From,To,Cc,Bcc,Date,Message-ID,In-Reply-To,References,List-Unsubscribe,List-Unsubscribe-Post,"
                + "List-Id,Precedence,Delivered-To,Return-Path,Sender,Reply-To,Auto-Submitted,Feedback-ID,"
                + "X-Auto-Response-Suppress,Mailing-List,X-Mailman-Version,X-Google-Group-Id,Content-Type,Content-Class,"
                + "X-MS-Exchange-Calendar-Series-Instance-Id")
        List<String> headers();

        /** {@code Prefer: odata.maxpagesize}: the largest page Graph serves for delta (the emulator caps at 1000). */
        @WithDefault("1000")
        int pageSize();

        /**
         * Apply the horizon server-side ({@code $filter=receivedDateTime ge …}) instead of client-side. Off: Graph caps
         * a filtered delta round at 5,000 messages, and the benchmark shows the saving is small (README).
         */
        @WithDefault("false")
        boolean horizonFilter();

        /** Poll the delta links of the folders between rounds together, {@code $batch}es of up to 20. */
        @WithDefault("true")
        boolean batchPolls();

        /** Pending removals confirmed per step ({@code GET /messages/{id}} in {@code $batch}es of 20). */
        @WithDefault("500")
        int removalsPerStep();

        /**
         * A shared mailbox added (or readable again) queues a mail run of its subscriber at once. Off only in tests
         * that place every job themselves.
         */
        @WithDefault("true")
        boolean readSharedOnAdd();
    }

    interface Calendar {
        /** calendarView window: this many months back... */
        @WithDefault("24")
        int monthsBack();

        /** ...and this many months ahead of the anchor. */
        @WithDefault("12")
        int monthsAhead();

        /** A new initial round (re-anchor) once the window was anchored this long ago, so its end stays far ahead. */
        @WithDefault("30d")
        Duration reanchorAfter();

        @WithDefault("1000")
        int pageSize();

        /**
         * The event fields published (and {@code $select}ed by event GETs): what the normalizer's meeting rules (R-D)
         * and this service read. calendarView delta supports no {@code $select}, so its events are cut down to these
         * before publishing: no {@code subject}, body preview, location or join links. Annotations ({@code @…}) stay.
         */
        @WithDefault("id,type,isCancelled,showAs,start,end,isAllDay,organizer,attendees,isOrganizer,hideAttendees,"
                + "responseStatus,iCalUId,seriesMasterId,changeKey")
        List<String> fields();
    }

    /** Outlook limits per app and mailbox. */
    interface Throttle {
        /** Requests in flight per mailbox (Outlook: 4). */
        @WithDefault("4")
        int concurrentPerMailbox();

        /** Requests per mailbox per {@link #window()} (Outlook: 10,000 per 10 minutes). */
        @WithDefault("10000")
        int requestsPerWindow();

        @WithDefault("10m")
        Duration window();

        /** Longest Retry-After honoured as given; longer ones are cut to this (the job is then rescheduled). */
        @WithDefault("10m")
        Duration maxRetryAfter();
    }
}
