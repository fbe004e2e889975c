-- The normalizer's schema (owned by event-normalizer only).

-- CONTRACT (SPEC §3.2): read by downstream services and acceptance tests. InteractionEvent v1 as snake_case columns.
create table normalizer.interaction_events (
    id                      uuid        not null primary key,
    user_id                 text        not null,
    account_id              text        not null,
    provider                text        not null,
    source                  text        not null,
    kind                    text        not null,
    direction               text        not null,
    contact_email           text        not null,
    contact_name            text,
    role                    text        not null,
    occurred_at             timestamptz not null,
    remote_id               text        not null,
    internet_message_id     text,
    thread_id               text,
    mailbox                 text        not null,
    via_shared_mailbox      boolean     not null default false,
    classification          text        not null,
    newsletter              boolean     not null default false,
    meeting_start_at        timestamptz,
    meeting_end_at          timestamptz,
    meeting_all_day         boolean,
    meeting_attendee_count  integer,
    meeting_response_status text,
    deleted                 boolean     not null default false,
    created_at              timestamptz not null default now(),
    updated_at              timestamptz not null default now(),
    constraint interaction_events_identity unique (user_id, source, remote_id, contact_email, role)
);

-- Query API: a user's events newest first (keyset on occurred_at, id).
create index interaction_events_user_time on normalizer.interaction_events (user_id, occurred_at desc, id desc);
-- Purge on disconnect.
create index interaction_events_account on normalizer.interaction_events (account_id);
-- History for the bulk score (R-C6/R-C7): whom the user has written to, which messages the user sent.
create index interaction_events_user_contact_out on normalizer.interaction_events (user_id, contact_email)
    where direction = 'outbound';
create index interaction_events_user_message_out on normalizer.interaction_events (user_id, internet_message_id)
    where direction = 'outbound';

-- R-B1: addresses seen in the From of an account's SENT messages (identity keys).
create table normalizer.owner_aliases (
    account_id    text        not null,
    address       text        not null,
    first_seen_at timestamptz not null default now(),
    primary key (account_id, address)
);

-- R-B2: the team directory, from the connector's directory_changed account-events.
create table normalizer.directory_collections (
    collection_id    text        not null primary key,
    name             text,
    member_emails    text[]      not null,
    internal_domains text[]      not null,
    updated_at       timestamptz not null default now()
);
create index directory_collections_members on normalizer.directory_collections using gin (member_emails);

-- Transactional outbox: rows written in the same transaction as the events (and dead letters) they announce;
-- the relay publishes them to Kafka in id order and deletes them once the broker acknowledged.
create table normalizer.outbox (
    id          bigserial   not null primary key,
    topic       text        not null,
    message_key text,
    payload     text        not null,
    created_at  timestamptz not null default now()
);
