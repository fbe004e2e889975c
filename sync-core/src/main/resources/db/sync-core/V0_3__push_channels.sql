-- Push channels: one row per account × source × mailbox ('' = the account's own) — the Gmail watch, the Calendar
-- events.watch channel or the Graph subscription that notifies this service of changes. Written by the account's
-- sync job (one replica at a time), read by the notification endpoints and the safety net.
create table if not exists push_channels (
    account_id            text        not null,
    source                text        not null,               -- gmail | google_calendar | outlook_mail | outlook_calendar
    mailbox               text        not null default '',    -- a shared mailbox's address, else ''
    channel_id            text,                               -- Calendar channel id, Graph subscription id, Gmail: gmail:<account>; null when creation failed
    resource_id           text,                               -- Calendar resourceId, Graph resource, Gmail: the mailbox address (lower case)
    secret_hash           text,                               -- SHA-256 (hex) of the channel token / clientState; the secret itself is never stored
    state                 text        not null,               -- active | failed | stopped
    expires_at            timestamptz,
    renew_at              timestamptz,                        -- when the job renews it (before expires_at)
    renewed_at            timestamptz,
    last_notification_at  timestamptz,
    checked_at            timestamptz not null default now(), -- last completed sync of this source (push or poll)
    last_error            text,
    created_at            timestamptz not null default now(),
    updated_at            timestamptz not null default now(),
    primary key (account_id, source, mailbox)
);
create unique index if not exists push_channels_channel_id on push_channels (channel_id);
create index if not exists push_channels_resource on push_channels (source, resource_id);
