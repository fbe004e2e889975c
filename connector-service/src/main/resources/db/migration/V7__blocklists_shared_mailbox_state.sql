-- Blocklists (issue 17 item 2): the complete list of one portal user (scope 'user', owner_id = JWT sub) or of one
-- team collection (scope 'collection', owner_id = collection id). Entries are lower-case addresses or '@' + a domain.
create table blocklists (
    scope      text        not null check (scope in ('user', 'collection')),
    owner_id   text        not null,
    entries    text[]      not null,
    updated_by text        not null,
    updated_at timestamptz not null,
    primary key (scope, owner_id)
);

-- Shared mailboxes follow access (issue 17 item 5): each subscription's state. 'active': attributed;
-- 'access_denied': the sync service's check with this subscriber's token got 403; 'suspended': the account is
-- reauth_required or disconnected. Changes are announced as shared_mailbox_access_changed.
alter table shared_mailboxes
    add column state            text        not null default 'active'
        check (state in ('active', 'access_denied', 'suspended')),
    add column state_changed_at timestamptz;
