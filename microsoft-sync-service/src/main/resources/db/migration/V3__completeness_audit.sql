-- The completeness audit (sync-core's source_audits holds the results).

-- Per published event: its changeKey (the calendarView listing with $select=id,changeKey tells a changed event from
-- an unchanged one without fetching it), whether it was published as cancelled (a delete), and its times (the audit
-- compares only events inside the window in use). Null for rows written before: an unknown version counts as current.
alter table calendar_events add column change_key text;
alter table calendar_events add column cancelled boolean not null default false;
alter table calendar_events add column starts_at timestamptz;
alter table calendar_events add column ends_at timestamptz;

-- A shared mailbox is audited once for all its subscribers: when, and by whose job (its source_audits row is keyed
-- by that account and the shared address).
alter table shared_mailboxes add column audited_at timestamptz;
alter table shared_mailboxes add column audited_by text;
