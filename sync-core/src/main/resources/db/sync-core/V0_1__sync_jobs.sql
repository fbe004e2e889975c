-- sync-core's tables, created in each sync service's own schema (Flyway location db/sync-core next to the
-- service's db/migration; versions 0.x are sync-core's, 1 and up the service's, applied out of order).

-- One row per account: the pending or running sync of that account. A replica claims a row with a lease
-- (select ... for update skip locked), so one account syncs on one replica at a time; a crashed replica's
-- row becomes claimable again when its lease expires.
create table if not exists sync_jobs (
    account_id      text        primary key,
    state           text        not null,               -- pending | running | done | failed
    mode            text        not null,               -- auto | full | incremental
    sources         text        not null,               -- comma-separated wire names, e.g. gmail,google_calendar
    reason          text,
    requested_at    timestamptz not null,
    not_before      timestamptz not null default now(),
    lease_owner     text,
    lease_until     timestamptz,
    attempts        int         not null default 0,
    -- A request that arrived while the job was running: run again afterwards with these.
    rerun_mode      text,
    rerun_sources   text,
    last_error      text,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now()
);
create index if not exists sync_jobs_claimable on sync_jobs (state, not_before);

-- full > auto > incremental: when two requests for an account are merged, the stronger one wins.
create or replace function stronger_mode(a text, b text) returns text language sql immutable as $$
    select case when a = 'full' or b = 'full' then 'full'
                when a = 'auto' or b = 'auto' then 'auto'
                else coalesce(a, b) end
$$;

-- Union of two comma-separated source lists, sorted.
create or replace function merge_sources(a text, b text) returns text language sql immutable as $$
    select coalesce(string_agg(distinct s, ',' order by s), '')
    from unnest(string_to_array(a, ',') || string_to_array(b, ',')) as s
    where s <> ''
$$;
