-- The completeness audit: asked for by a request (merged like the sources), and the last result per
-- account x source x mailbox ('' = the account's own; a shared mailbox's address otherwise).
alter table sync_jobs add column if not exists audit boolean not null default false;
alter table sync_jobs add column if not exists rerun_audit boolean;

create table if not exists source_audits (
    account_id      text        not null,
    source          text        not null,
    mailbox         text        not null default '',
    checked_at      timestamptz not null,
    provider_count  bigint      not null,
    ingested_count  bigint      not null,
    missing         bigint      not null,
    repaired        bigint      not null,
    unresolved_ids  text[]      not null default '{}',  -- a sample of the gaps still open (at most 20)
    last_error      text,                               -- why the source is incomplete, null when complete
    primary key (account_id, source, mailbox)
);
