-- connector-service schema: connected accounts (encrypted tokens), OAuth states, per-source sync status,
-- team directory, and the claim table that keeps the daily fan-out to one replica.

create table accounts (
    id                      uuid primary key,
    user_id                 text        not null,           -- portal user (JWT sub)
    provider                text        not null,           -- GOOGLE | MICROSOFT
    provider_user_id        text        not null,           -- Google sub / Microsoft oid
    email                   text        not null,
    scopes                  text        not null,           -- granted scopes, space-separated (OAuth form)
    status                  text        not null,           -- ACTIVE | REAUTH_REQUIRED | DISCONNECTED
    token_key_id            text,                           -- keyring id that sealed both token columns
    access_token_enc        bytea,                          -- AES-256-GCM: nonce || ciphertext || tag
    refresh_token_enc       bytea,
    access_token_expires_at timestamptz,
    created_at              timestamptz not null,
    updated_at              timestamptz not null,
    constraint accounts_provider_identity_uk unique (provider, provider_user_id)
);
create index accounts_user_idx on accounts (user_id);
create index accounts_status_idx on accounts (status);

create table oauth_states (
    state                 text primary key,
    user_id               text        not null,
    provider              text        not null,
    code_verifier_enc     bytea       not null,             -- PKCE verifier, sealed like the tokens
    key_id                text        not null,
    redirect_uri          text        not null,
    requested_scopes      text        not null,
    created_at            timestamptz not null,
    expires_at            timestamptz not null,
    used_at               timestamptz                       -- one-time use
);
create index oauth_states_expires_idx on oauth_states (expires_at);

create table source_sync_status (
    account_id      uuid        not null references accounts (id) on delete cascade,
    source          text        not null,                   -- gmail | google_calendar | outlook_mail | outlook_calendar
    mailbox         text        not null,                   -- '' = the account's own mailbox/calendar
    state           text        not null,
    fetched         bigint      not null,
    estimated_total bigint,
    last_synced_at  timestamptz,
    last_error      text,
    reported_at     timestamptz not null,                   -- SyncStatus.at; older reports are ignored
    primary key (account_id, source, mailbox)
);

create table collections (
    id               text primary key,
    name             text        not null,
    member_emails    text[]      not null,
    internal_domains text[]      not null,
    updated_by       text        not null,
    updated_at       timestamptz not null
);

create table sync_fan_out_runs (
    scheduled_for timestamptz primary key,                  -- the cron slot; first replica to insert it runs it
    claimed_at    timestamptz not null,
    requests      integer
);
