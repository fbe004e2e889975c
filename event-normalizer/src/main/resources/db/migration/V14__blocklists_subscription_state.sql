-- Blocklists (issue 17 item 2), from the connector's blocklist_changed account-events: the complete list of a portal
-- user (scope 'user', owner_id = user id) or of a team collection (scope 'collection', owner_id = collection id; it
-- applies to every user with an owner address among the collection's member emails, as the colleague filter R-B2).
-- entries: identity keys of addresses (R-A5) and '@' + a normalised domain (that domain and its subdomains).
-- A blocked contact is never stored (checked when records are mapped); a change erases the events it now blocks.
create table normalizer.blocklists (
    scope      text        not null check (scope in ('user', 'collection')),
    owner_id   text        not null,
    entries    text[]      not null,
    updated_at timestamptz not null default now(),
    primary key (scope, owner_id)
);

-- Shared mailboxes follow access (issue 17 item 5), from shared_mailbox_access_changed: only an 'active'
-- subscription is attributed (R-B5); 'access_denied' and 'suspended' ones keep their past events but get no new ones.
alter table normalizer.shared_mailbox_subscribers
    add column state text not null default 'active' check (state in ('active', 'access_denied', 'suspended'));
