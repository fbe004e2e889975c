-- Per-account feature flags (issue 4 item 7): flags switched off for one account, space-separated
-- (gmail_metadata_sync, google_calendar_metadata_sync, microsoft_sync). A source syncs only when its flag is on
-- globally (connector.features.*) and not switched off for the account.
alter table accounts add column disabled_features text not null default '';
