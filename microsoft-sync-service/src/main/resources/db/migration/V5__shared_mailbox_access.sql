-- Shared mailboxes follow access (issue 17 item 5): the last check of each subscriber's own access to the shared
-- mailbox (a cheap Graph GET with that subscriber's token, on every sync of the mailbox). 'denied': Graph answered
-- 403 — that subscriber's token is no longer used for the mailbox and its status says access_denied until a check
-- succeeds again; 'allowed'; 'unknown' until the first check.
alter table shared_mailbox_subscribers
    add column access            text        not null default 'unknown' check (access in ('unknown', 'allowed', 'denied')),
    add column access_checked_at timestamptz;
