-- Transactional outbox (issue 18 item 6): account-events and sync-requests are written in the same transaction as the
-- state change they announce, then published by the outbox relay (service/OutboxRelay) in id order and deleted once
-- the broker acknowledged them. A crash between commit and send leaves the row here; the next relay round sends it.
create table event_outbox (
    id          bigserial   primary key,
    topic       text        not null check (topic in ('account-events', 'sync-requests')),
    record_key  text        not null,
    payload     text        not null,   -- the record's JSON as it goes on the wire
    created_at  timestamptz not null
);
