-- microsoft-sync-service owns schema microsoft_sync. No other service reads these tables.

-- sync_jobs and its functions are sync-core's (db/sync-core/V0_1__sync_jobs.sql).

-- Mail delta position of one mailbox folder, saved only after Kafka acknowledged the records it covers.
-- account_id is the account for its own mailbox and '' for a shared mailbox (one cursor per shared
-- address, whichever subscriber's token reads it).
create table mail_cursors (
    account_id      text        not null,
    mailbox         text        not null,               -- lower-cased address
    folder          text        not null,               -- inbox | sentitems
    sync_run_id     text        not null,
    phase           text        not null,               -- initial | incremental
    horizon         timestamptz,                        -- initial round: older messages are not published
    next_link       text,                               -- @odata.nextLink of the round in progress
    delta_link      text,                               -- @odata.deltaLink of the last complete round
    fetched         bigint      not null default 0,
    published       bigint      not null default 0,
    beyond_horizon  bigint      not null default 0,
    started_at      timestamptz not null,
    last_synced_at  timestamptz,
    updated_at      timestamptz not null default now(),
    primary key (account_id, mailbox, folder)
);

-- calendarView delta of one account: the window is fixed inside the links, so it is stored with them and
-- re-anchored (a new initial round) before its end comes within reach.
create table calendar_cursors (
    account_id      text        primary key,
    sync_run_id     text        not null,
    phase           text        not null,               -- initial | incremental
    window_start    timestamptz not null,
    window_end      timestamptz not null,
    anchored_at     timestamptz not null,
    next_link       text,
    delta_link      text,
    fetched         bigint      not null default 0,
    published       bigint      not null default 0,
    started_at      timestamptz not null,
    last_synced_at  timestamptz,
    updated_at      timestamptz not null default now()
);

-- Events published per account with a hash of the payload: a re-anchored round republishes only what
-- changed, and an @removed for an event never published (outside the window) is ignored.
create table calendar_events (
    account_id      text        not null,
    event_id        text        not null,
    payload_hash    text        not null,
    primary key (account_id, event_id)
);

-- Shared mailboxes announced by the connector (account-events shared_mailbox_added/removed): who subscribes.
create table shared_mailbox_subscribers (
    address         text        not null,               -- lower-cased
    account_id      text        not null,
    added_at        timestamptz not null default now(),
    primary key (address, account_id)
);
create index shared_mailbox_subscribers_account on shared_mailbox_subscribers (account_id);

-- One row per shared mailbox: a lease so that it is read once (by one subscriber's job) at a time, and
-- when it was last read completely (a second subscriber's job right after skips it).
create table shared_mailboxes (
    address         text        primary key,
    lease_owner     text,
    lease_until     timestamptz,
    last_synced_at  timestamptz,
    last_account_id text,
    updated_at      timestamptz not null default now()
);
