-- The replay command's runs, shared by every replica: any replica answers GET, a restart keeps the history, and
-- the partial unique index below allows one running replay across the cluster (a second insert conflicts → 409).
-- The replica running a replay refreshes heartbeat_at (and the counters) every few seconds; a running row whose
-- heartbeat is older than normalizer.replay.stale-after belongs to a dead replica and is marked interrupted.
create table normalizer.replays (
    id           uuid        primary key,
    account_id   text,
    state        text        not null check (state in ('running', 'completed', 'failed', 'interrupted')),
    read         bigint      not null default 0,
    replayed     bigint      not null default 0,
    started_at   timestamptz not null default now(),
    finished_at  timestamptz,
    error        text,
    owner        text        not null,
    heartbeat_at timestamptz not null default now(),
    check ((state = 'running') = (finished_at is null))
);

create unique index replays_one_running on normalizer.replays ((true)) where state = 'running';
create index replays_started_at on normalizer.replays (started_at desc);
