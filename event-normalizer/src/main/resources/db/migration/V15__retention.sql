-- Retention window (issue 17): a team's window from directory_changed (directory.eventMonths; null: the global
-- normalizer.retention.event-months), and the daily deletion job's runs (one per day across replicas, with progress).
alter table normalizer.directory_collections add column event_months integer;

create table normalizer.retention_runs (
    run_date     date        not null primary key,          -- the claimed day (UTC): the first replica to insert it runs
    owner        text        not null,
    started_at   timestamptz not null,
    finished_at  timestamptz,
    users        integer     not null default 0,            -- users whose events were looked at
    deleted      bigint      not null default 0,            -- rows deleted
    announced    bigint      not null default 0             -- of which were live, published deleted=true
);
