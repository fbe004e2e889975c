-- Retention (issue 17 "Erasure that lasts"):
-- 1. A team's retention policy per collection: what a disconnect does with the account's data when the user does not
--    say (purge or keep), and how many months of interaction events its members keep (null: the global window).
--    Set with PUT /api/v1/collections/{id}/retention; unset (no row): the global defaults connector.retention.*.
create table collection_retention (
    collection_id  text        primary key references collections (id) on delete cascade,
    on_disconnect  text        not null check (on_disconnect in ('purge', 'keep')),
    event_months   integer     check (event_months between 1 and 1200),
    updated_by     text        not null,
    updated_at     timestamptz not null
);

-- 2. The same mailbox reconnected after a disconnect is a NEW account (new id, fresh sync state everywhere): only one
--    live (not disconnected) row per provider identity; disconnected rows (kept data) no longer block a reconnect.
alter table accounts drop constraint accounts_provider_identity_uk;
create unique index accounts_provider_identity_live_uk on accounts (provider, provider_user_id)
    where status <> 'DISCONNECTED';
