-- Disconnected accounts (sync-core's ClosedAccounts, issue 17): on `disconnected` every row of the account in this
-- schema is deleted (sync_jobs, source_audits, source_cursors, gmail_message_states, gmail_backfill_ids,
-- calendar_published_events, skipped_records) and its id is remembered here, so that a late sync request is ignored
-- and what a job in flight wrote afterwards is deleted when it ends. A reconnect is a new account id.
create table closed_accounts (
    account_id text        primary key,
    purged     boolean     not null,                    -- the disconnect purged the account's data
    closed_at  timestamptz not null
);
