-- The resources whose last dead-lettered raw record could be keyed (account, source and remote id readable), so the
-- completeness audit's ingested API can tell "dead-lettered, with this code" from "never seen" instead of having the
-- sync services re-publish a poison record every day. Written in the batch's transaction, one multi-row statement and
-- only when the batch has such dead letters. A resource that also has a record_versions row counts as processed: this
-- row is then only history (a later good record does not delete it: that would cost every healthy batch a statement).
-- Keyed like record_versions (ResourceIds); account_id for the purge on disconnect (a scan: dead letters are few).
create table normalizer.dead_lettered_resources (
    resource_id      uuid        not null primary key,
    account_id       text        not null,
    source           text        not null,
    remote_id        text        not null,
    code             text        not null,
    reason           text        not null,
    kafka_partition  integer     not null,
    kafka_offset     bigint      not null,
    dead_lettered_at timestamptz not null
);
