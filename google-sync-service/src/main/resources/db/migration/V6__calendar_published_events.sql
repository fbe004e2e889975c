-- The Google Calendar events this service has published as upserts and not deleted since, with what tells a
-- change (etag, updated) and the event's end (an event ending before the horizon merely left the synced range).
-- A full listing after a 410 publishes only events that changed, and deletes for published events it no longer
-- lists. Written in the same transaction as the cursor, after Kafka's acks.
create table calendar_published_events (
    account_id      text not null,
    event_id        text not null,
    etag            text,
    updated         text,
    end_at          timestamptz,
    listed_run      text,                -- the sync run of the full listing that last listed it
    primary key (account_id, event_id)
);
