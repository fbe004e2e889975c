-- A batch announces its changed events with ONE outbox row holding their ids (the relay renders them from
-- interaction_events when it publishes) instead of one row per event with its JSON: the write path no longer writes
-- every event twice. Single messages (dead letters, purge announcements of rows that no longer exist) keep a payload.
alter table normalizer.outbox alter column topic drop not null;
alter table normalizer.outbox alter column payload drop not null;
alter table normalizer.outbox add column event_ids uuid[];
alter table normalizer.outbox add constraint outbox_payload_or_event_ids
    check ((payload is not null and topic is not null and event_ids is null)
        or (payload is null and event_ids is not null));
