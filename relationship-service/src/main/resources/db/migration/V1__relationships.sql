-- relationship-service's own schema (SPEC §2 ownership). Everything here is derived from the public topics
-- interaction-events-state and account-events: dropping the schema and rebuilding from offset 0 gives it back.

-- One row per live InteractionEvent that counts for a member (deleted, blocked or erased events have none).
-- weight: the event's weight before decay (role × fan-out × classification, or meeting × size factor);
-- anchored: weight · 2^((occurred_at − T0) / half-life) ("forward decay"): read time multiplies by 2^(−(now − T0)/h).
create table events (
    event_id            uuid primary key,
    user_id             text             not null,
    account_id          text             not null,
    contact_email       text             not null,
    contact_name        text,
    kind                text             not null,
    direction           text             not null,
    role                text             not null,
    bucket              char(1)          not null, -- O outbound email, I inbound email, M meeting
    weight              double precision not null,
    anchored            double precision not null,
    occurred_at         timestamptz      not null,
    -- one message or meeting counts once per member × contact (and once per team): internetMessageId for email
    -- ('e:' || id without one: never merged), 'm:' || start || '|' || end for meetings
    dedup_key           text             not null,
    source              text             not null,
    thread_id           text,
    internet_message_id text
);
create index events_by_tie on events (user_id, contact_email);
create index events_by_account on events (account_id);

-- Per member × contact: the anchored sums of the deduplicated events that have happened (occurred_at <= the time of
-- the last recompute), kept in the transaction that changes an event. score_key = min(O,I) + 0.1·|O−I| + M (anchored),
-- so one user's contacts sort by it whatever "now" is. Rows with only future events (meetings to come) have
-- last_interaction_at null and next_event_at set: ScoringJobs promotes them when due.
create table ties (
    user_id             text             not null,
    contact_email       text             not null,
    contact_name        text,
    out_sum             double precision not null,
    in_sum              double precision not null,
    meet_sum            double precision not null,
    score_key           double precision not null,
    uncapped            boolean          not null, -- two-way email (O > 0 and I > 0) or a meeting (M > 0)
    emails_sent         integer          not null,
    emails_received     integer          not null,
    meetings            integer          not null,
    last_interaction_at timestamptz,
    next_event_at       timestamptz,
    primary key (user_id, contact_email)
);
create index ties_by_contact on ties (contact_email);
create index ties_due on ties (next_event_at) where next_event_at is not null;

-- account-events: who owns which account (members are resolved by their account emails).
create table accounts (
    account_id text primary key,
    user_id    text not null,
    email      text
);
create index accounts_by_email on accounts (email);
create index accounts_by_user on accounts (user_id);

-- directory_changed: the team collections (members and internal domains are never a team's contacts).
create table collections (
    collection_id    text primary key,
    name             text,
    member_emails    text[] not null,
    internal_domains text[] not null default '{}'
);

-- blocklist_changed: complete lists, applied on ingest so blocked contacts never come back.
create table blocklists (
    scope    text   not null, -- user | collection
    owner_id text   not null,
    entries  text[] not null,
    primary key (scope, owner_id)
);

-- disconnected with purge=true: the account's events never come back (a rebuild may meet them before the
-- normalizer's tombstones).
create table erased_accounts (
    account_id text primary key,
    erased_at  timestamptz not null
);
