package io.interactionsync.googlesync.config;

import io.interactionsync.sync.SyncSettings;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Every setting of google-sync-service ({@code google-sync.*}); the module README lists them all. The
 * {@code retry}, {@code worker} and {@code status} groups are sync-core's {@link SyncSettings}, under this prefix
 * ({@code retry} widened by {@code message-max-attempts}).
 */
@ConfigMapping(prefix = "google-sync")
public interface GoogleSyncConfig extends SyncSettings {

    /** How far back the Gmail backfill reads, in months (by each message's internalDate). */
    @WithDefault("24")
    int backfillMonths();

    Gmail gmail();

    Calendar calendar();

    Pacing pacing();

    @Override
    Retry retry();

    @Override
    Push push();

    interface Gmail {
        /** Root URL of the Gmail API, ending with '/'. Locally and in tests: {@code <emulator>/gmail.googleapis.com/}. */
        @WithDefault("https://gmail.googleapis.com/")
        String rootUrl();

        /** {@code maxResults} of messages.list (Gmail caps it at 500). */
        @WithDefault("500")
        int listPageSize();

        /** {@code maxResults} of history.list (history records per incremental step; Gmail caps it at 500). */
        @WithDefault("100")
        int historyPageSize();

        /** Queued ids fetched per step (one step = one cursor save); a threads.get covers all its queued ids. */
        @WithDefault("50")
        int getBatchSize();

        /**
         * A thread holding at least this many ids of the listed page still to fetch is fetched with one threads.get
         * (10 units) instead of messages.get per message (5 units each); from 2 on it costs no more, and its other
         * INBOX/SENT messages come for free. 0: only {@link #threadsForReplies()}.
         */
        @WithDefault("2")
        int threadMinMessages();

        /**
         * Fetch a listed reply (thread id differs from its own id: Gmail names a thread after its first message)
         * with threads.get even when it is alone on its page: its thread holds other messages, usually wanted.
         */
        @WithDefault("true")
        boolean threadsForReplies();

        /**
         * Concurrent messages.get / threads.get calls of one account within a step. With provider latency this,
         * not the quota, bounds throughput; kept below Gmail's concurrent requests per user (10 at the emulator).
         */
        @WithDefault("8")
        int getConcurrency();

        /** Connect timeout of Gmail calls. */
        @WithDefault("10s")
        Duration connectTimeout();

        /** Read timeout of Gmail calls; a timeout counts as a provider-wide failure. */
        @WithDefault("30s")
        Duration readTimeout();

        /**
         * {@code metadataHeaders} of messages.get(format=metadata): what the normalizer's rules read, nothing more —
         * no {@code Subject} (no rule needs it: R-E1's synthetic id does without, see event-normalizer docs).
         */
        @WithDefault("From,To,Cc,Bcc,Date,Message-ID,In-Reply-To,References,List-Unsubscribe,"
                + "List-Unsubscribe-Post,List-Id,Precedence,Delivered-To,Return-Path,Sender,Reply-To,Auto-Submitted,"
                + "Feedback-ID,X-Auto-Response-Suppress,Mailing-List,X-Mailman-Version,X-Google-Group-Id,Content-Type")
        List<String> metadataHeaders();

        /**
         * The message fields requested (partial response, {@code fields}) by messages.get and, per message,
         * threads.get: {@code format=metadata} would also return the {@code snippet}, a piece of the body.
         */
        @WithDefault("id,threadId,labelIds,historyId,internalDate,sizeEstimate,payload(mimeType,headers)")
        String messageFields();
    }

    /** Google Calendar (primary calendar, events.list). */
    interface Calendar {
        /** Root URL of the Calendar API, ending with '/'. Locally: {@code <emulator>/www.googleapis.com/}. */
        @WithDefault("https://www.googleapis.com/")
        String rootUrl();

        /** {@code maxResults} of events.list (Calendar caps it at 2500). */
        @WithDefault("2500")
        int pageSize();

        /** Per-account pacing of Calendar calls (a bucket separate from Gmail's), in requests per minute. */
        @WithDefault("600")
        int requestsPerMinute();

        /** Burst allowance of the Calendar bucket, in requests (taken out of the minute's budget). */
        @WithDefault("10")
        int burstRequests();

        /**
         * The event fields requested (partial response, {@code fields}) by the listings and events.get: what the
         * normalizer's meeting rules (R-D) and this service read, nothing more — no {@code summary}, description,
         * location or conference data.
         */
        @WithDefault("id,status,eventType,start,end,originalStartTime,recurringEventId,iCalUID,"
                + "organizer(email,displayName,self),attendees(email,displayName,self,resource,organizer,responseStatus),"
                + "attendeesOmitted,etag,updated")
        String eventFields();
    }

    /** Pacing to the Gmail quotas per user and per project (units: getProfile 1, messages.list/get 5, threads.get 10). */
    interface Pacing {
        /** Gmail's per-user quota in units per minute; the bucket never lets more than this through in any minute. */
        @WithDefault("15000")
        int userUnitsPerMinute();

        /** Burst allowance of an account's bucket in units (taken out of the per-minute budget, not added to it). */
        @WithDefault("250")
        int burstUnits();

        /** Gmail's per-project quota in units per minute, shared by every replica through PostgreSQL; 0 = not paced. */
        @WithDefault("1200000")
        int projectUnitsPerMinute();

        /** Units a replica leases from the shared project budget at a time (what is left at the window's end is lost). */
        @WithDefault("500")
        int projectSliceUnits();

        /** Length of one window of the shared project budget (each grants units-per-minute / (60 s / window + 1)). */
        @WithDefault("1s")
        Duration projectWindow();
    }

    /**
     * sync-core's push settings ({@code enabled}, {@code public-base-url}, the safety-net intervals) plus Google's:
     * the Gmail watch through Cloud Pub/Sub and the Calendar {@code events.watch} channels.
     */
    interface Push extends SyncSettings.Push {
        PushGmail gmail();

        PushCalendar calendar();

        /** Google's OIDC signing keys (JWKS), for the Pub/Sub push tokens. Locally: the emulator's. */
        @WithDefault("https://www.googleapis.com/oauth2/v3/certs")
        String googleJwksUrl();

        /**
         * Who may have signed a Pub/Sub push token: its {@code iss} is one of these names with or without
         * {@code https://} (Google uses both forms). An identifier, not a host the service calls.
         */
        @WithDefault("accounts.google.com")
        List<String> googleIssuers();

        /** After a failed watch / events.watch the account's job tries again this much later (polled meanwhile). */
        @WithDefault("5m")
        Duration retryAfter();
    }

    /** Gmail {@code users.watch} on a Cloud Pub/Sub topic whose push subscription calls {@code POST /push/gmail}. */
    interface PushGmail {
        /** The topic the watch publishes to ({@code projects/<project>/topics/<topic>}); Gmail must be allowed to publish. */
        @WithDefault("projects/interaction-sync-local/topics/gmail-push")
        String topic();

        /** {@code aud} of the push subscription's OIDC token; default {@code <public-base-url>/push/gmail}. */
        Optional<String> audience();

        /** {@code email} of the push subscription's OIDC token: the service account the subscription signs as. */
        @WithDefault("gmail-push@interaction-sync-local.iam.gserviceaccount.com")
        String serviceAccount();

        /** The watch is renewed this often (and always by half its remaining lifetime; Gmail's lasts 7 days). */
        @WithDefault("24h")
        Duration renewEvery();
    }

    /** Calendar {@code events.watch} web_hook channels calling {@code POST /push/google-calendar}. */
    interface PushCalendar {
        /** Requested lifetime of a channel ({@code params.ttl}); Google may grant less. */
        @WithDefault("7d")
        Duration ttl();

        /** A channel is replaced this long before it expires (at most half its granted lifetime before). */
        @WithDefault("1d")
        Duration renewBefore();
    }

    /** sync-core's retry settings, plus how often one Gmail message may fail before it is skipped. */
    interface Retry extends SyncSettings.Retry {
        /** Steps in which the same message failed before it is recorded as skipped (never wedging the cursor). */
        @WithDefault("5")
        int messageMaxAttempts();
    }
}
