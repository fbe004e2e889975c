package io.interactionsync.microsoftsync.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Every setting of microsoft-sync-service ({@code microsoft-sync.*}); the module README lists them all. */
@ConfigMapping(prefix = "microsoft-sync")
public interface MicrosoftSyncConfig {

    /** How far back the initial mail round publishes messages, in months (by receivedDateTime). */
    @WithDefault("24")
    int backfillMonths();

    Graph graph();

    Mail mail();

    Calendar calendar();

    Throttle throttle();

    Retry retry();

    Worker worker();

    Status status();

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
        /** Well-known folders read with delta. */
        @WithDefault("inbox,sentitems")
        List<String> folders();

        /** {@code $select} of the first delta request (the links carry it afterwards). */
        @WithDefault("id,conversationId,from,toRecipients,ccRecipients,bccRecipients,sentDateTime,receivedDateTime,"
                + "subject,internetMessageId,isRead,internetMessageHeaders")
        List<String> select();

        /** {@code Prefer: odata.maxpagesize}: the largest page Graph serves for delta (the emulator caps at 1000). */
        @WithDefault("1000")
        int pageSize();

        /**
         * Apply the horizon server-side ({@code $filter=receivedDateTime ge …}) instead of client-side. Off: Graph caps
         * a filtered delta round at 5,000 messages, and the benchmark shows the saving is small (README).
         */
        @WithDefault("false")
        boolean horizonFilter();

        /** Poll the folders' delta links together in one {@code $batch} when they are all between rounds. */
        @WithDefault("true")
        boolean batchPolls();
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

    /** Retries of one Graph call (429, 503, 5xx, timeouts). */
    interface Retry {
        /** Attempts of one call before the step gives up and the job is rescheduled. */
        @WithDefault("8")
        int maxAttempts();

        @WithDefault("1s")
        Duration initialBackoff();

        @WithDefault("32s")
        Duration maxBackoff();

        /** A wait longer than this ends the step and reschedules the job instead of holding a worker. */
        @WithDefault("60s")
        Duration maxInlineWait();
    }

    interface Worker {
        /** Accounts synced concurrently by this replica (each on a virtual thread). */
        @WithDefault("4")
        int concurrency();

        @WithDefault("1s")
        Duration pollInterval();

        /** Lease of a claimed job (and of a shared mailbox being read); renewed between steps. */
        @WithDefault("5m")
        Duration leaseDuration();

        /** Delay before a job that failed transiently is tried again. */
        @WithDefault("30s")
        Duration retryDelay();

        @WithDefault("30s")
        Duration shutdownGrace();

        /** Replica id written as lease owner; defaults to host name + random suffix. */
        Optional<String> replicaId();
    }

    interface Status {
        @WithDefault("200")
        int everyRecords();

        @WithDefault("5s")
        Duration every();
    }
}
