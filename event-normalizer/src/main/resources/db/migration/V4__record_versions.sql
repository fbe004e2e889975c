-- Which raw record last decided each provider resource (per reading account): the Kafka partition and offset.
-- A replay runs beside the live consumer; a record older than the one already applied (same partition, lower
-- offset) is stale and skipped, so a replay never rolls a resource back to an earlier state.
create table normalizer.record_versions (
    account_id      text    not null,
    source          text    not null,
    remote_id       text    not null,
    kafka_partition integer not null,
    kafka_offset    bigint  not null,
    primary key (account_id, source, remote_id)
);
