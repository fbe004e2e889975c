-- microsoft-sync-service owns schema microsoft_sync. No other service reads these tables.

-- One row per account: the pending or running sync of that account. A replica claims a row with a lease
-- (select ... for update skip locked), so one account syncs on one replica at a time; a crashed replica's
-- row becomes claimable again when its lease expires. (Same shape as google_sync.sync_jobs.)
create table sync_jobs (
    account_id      text        primary key,
    state           text        not null,               -- pending | running | done | failed
    mode            text        not null,               -- auto | full | incremental
    sources         text        not null,               -- comma-separated wire names: outlook_calendar,outlook_mail
    reason          text,
    requested_at    timestamptz not null,
    not_before      timestamptz not null default now(),
    lease_owner     text,
    lease_until     timestamptz,
    attempts        int         not null default 0,
    rerun_mode      text,
    rerun_sources   text,
    last_error      text,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now()
);
create index sync_jobs_claimable on sync_jobs (state, not_before);

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

create function stronger_mode(a text, b text) returns text language sql immutable as $$
    select case when a = 'full' or b = 'full' then 'full'
                when a = 'auto' or b = 'auto' then 'auto'
                else coalesce(a, b) end
$$;

create function merge_sources(a text, b text) returns text language sql immutable as $$
    select coalesce(string_agg(distinct s, ',' order by s), '')
    from unnest(string_to_array(a, ',') || string_to_array(b, ',')) as s
    where s <> ''
$$;
