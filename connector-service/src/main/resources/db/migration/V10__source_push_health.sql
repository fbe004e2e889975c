-- Push health per account × source × mailbox, as the sync services report it on sync-status (SyncStatus.push).
alter table source_sync_status
    add column push_state text,
    add column push_expires_at timestamptz,
    add column push_last_notification_at timestamptz,
    add column push_last_error text;
