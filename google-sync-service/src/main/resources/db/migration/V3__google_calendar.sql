-- Google Calendar cursors (source google_calendar): the nextSyncToken of the last full listing or incremental run.
alter table source_cursors add column sync_token text;
