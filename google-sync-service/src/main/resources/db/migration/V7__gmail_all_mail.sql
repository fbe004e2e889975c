-- Gmail all mail (issue 16). The table of published ids becomes the state of every message this service decided on,
-- as of the last record it published for it (after Kafka's acks, in the cursor's transaction):
--   live      its last record was an upsert;
--   deleted   its last record was a delete (messageDeleted, or moved to TRASH/SPAM);
--   excluded  listed but never published on purpose (DRAFT, CHAT: R-C1).
-- The resync after an expired history and the completeness audit compare it with the provider's listing.
alter table gmail_published_ids rename to gmail_message_states;
alter table gmail_message_states add column state text not null default 'live'
    check (state in ('live', 'deleted', 'excluded'));
alter table gmail_message_states add column updated_at timestamptz not null default now();
alter table gmail_message_states rename constraint gmail_published_ids_pkey to gmail_message_states_pkey;

-- The listing of the backfill is now all mail (no labelIds): a cursor saved mid-backfill by the label-by-label
-- listing restarts its listing (ids already listed are skipped through gmail_backfill_ids).
comment on column source_cursors.label is 'ALL_MAIL while the Gmail backfill lists; null once listed (was INBOX/SENT)';
