-- The last completeness audit of each account × source × mailbox, from the sync-status report that carried it
-- (SyncStatus.completeness). A later report without one keeps it; all five are null until the first audit.
alter table source_sync_status
    add column completeness_checked_at     timestamptz,
    add column completeness_provider_count bigint,
    add column completeness_ingested_count bigint,
    add column completeness_missing        bigint,
    add column completeness_repaired       bigint;
