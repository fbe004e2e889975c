-- R-B5: who subscribes to which shared mailbox, from the connector's shared_mailbox_added/removed account-events.
-- A shared mailbox's records are attributed to every subscriber (one event per subscriber user).
create table normalizer.shared_mailbox_subscribers (
    address    text        not null, -- identity key of the shared address
    account_id text        not null,
    user_id    text        not null,
    added_at   timestamptz not null default now(),
    primary key (address, account_id)
);
create index shared_mailbox_subscribers_account on normalizer.shared_mailbox_subscribers (account_id);
