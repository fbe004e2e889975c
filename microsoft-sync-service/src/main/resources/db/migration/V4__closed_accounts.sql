-- Disconnected accounts (sync-core's ClosedAccounts, issue 17): on `disconnected` every row of the account in this
-- schema is deleted (sync_jobs, source_audits, mail_cursors, mailboxes, mail_folders, published_messages,
-- mail_pending_removals, calendar_cursors, calendar_events, shared_mailbox_subscribers) and its id is remembered here,
-- so that a late sync request is ignored and what a job in flight wrote afterwards is deleted when it ends. A shared
-- mailbox whose last subscriber left loses its state too (rows of account ''). A reconnect is a new account id.
create table closed_accounts (
    account_id text        primary key,
    purged     boolean     not null,                    -- the disconnect purged the account's data
    closed_at  timestamptz not null
);
