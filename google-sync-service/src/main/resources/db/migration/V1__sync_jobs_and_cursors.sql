-- google-sync-service owns schema google_sync. No other service reads these tables.

-- sync_jobs and its functions are sync-core's (db/sync-core/V0_1__sync_jobs.sql).

-- The cursor of one account x source, saved only after Kafka acknowledged the records it covers.
create table source_cursors (
    account_id      text        not null,
    source          text        not null,               -- gmail | google_calendar
    phase           text        not null,               -- backfill | incremental
    sync_run_id     text        not null,
    horizon         timestamptz,                        -- backfill stops at messages older than this
    history_id      text,                               -- getProfile().historyId read before the backfill
    label           text,                               -- label being listed (INBOX, SENT); null when done
    more_pages      boolean     not null default true,  -- false once the label's last page was listed
    page_token      text,                               -- token of the label's next page; null = first page
    pending_ids     text[]      not null default '{}',  -- listed ids not yet fetched, newest first
    head_failures   int         not null default 0,     -- steps in which the head ids failed to fetch
    estimated_total bigint,
    fetched         bigint      not null default 0,
    published       bigint      not null default 0,
    skipped         bigint      not null default 0,
    beyond_horizon  bigint      not null default 0,
    started_at      timestamptz not null,
    last_synced_at  timestamptz,
    updated_at      timestamptz not null default now(),
    primary key (account_id, source)
);

-- Ids listed under INBOX during the current backfill, so the SENT listing skips them (labelIds is AND:
-- the labels are listed separately). Emptied when the backfill completes or restarts.
create table gmail_backfill_ids (
    account_id      text not null,
    message_id      text not null,
    primary key (account_id, message_id)
);

-- Records given up on, with the reason (never silently lost): deleted meanwhile (404), or failing too often.
create table skipped_records (
    account_id      text        not null,
    source          text        not null,
    remote_id       text        not null,
    sync_run_id     text        not null,
    reason          text        not null,
    skipped_at      timestamptz not null default now(),
    primary key (account_id, source, remote_id, sync_run_id)
);
