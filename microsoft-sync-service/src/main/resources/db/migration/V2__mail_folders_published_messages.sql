-- Every mail folder, immutable ids, and moves that are not deletes.

-- mail_cursors.folder now holds a Graph folder id, and message ids are immutable ids: cursors of the well-known
-- names (inbox, sentitems) are obsolete, every folder starts a new initial round.
delete from mail_cursors;

-- One row per mailbox read: the mailFolders delta position and the excluded well-known folders' ids (resolved once
-- by name). account_id is '' for a shared mailbox, as in mail_cursors.
create table mailboxes (
    account_id          text        not null,
    mailbox             text        not null,           -- lower-cased address
    excluded_folder_ids text[],                         -- null: not resolved yet
    folders_delta_link  text,                           -- @odata.deltaLink of the last complete folder round
    last_synced_at      timestamptz,                    -- end of the last complete run (every folder, removals confirmed)
    updated_at          timestamptz not null default now(),
    primary key (account_id, mailbox)
);

-- The mailbox's folder tree as mailFolders delta reported it (removed: @removed).
create table mail_folders (
    account_id       text        not null,
    mailbox          text        not null,
    folder_id        text        not null,
    display_name     text,
    parent_folder_id text,
    removed          boolean     not null default false,
    updated_at       timestamptz not null default now(),
    primary key (account_id, mailbox, folder_id)
);

-- Every message this service published for a mailbox (immutable id), the folder it was last seen in, and whether
-- a delete was published since: removals are confirmed against it, and the completeness audit compares it with
-- the provider's listing.
create table published_messages (
    account_id   text        not null,
    mailbox      text        not null,
    message_id   text        not null,
    folder_id    text        not null,
    received_at  timestamptz,
    deleted      boolean     not null default false,
    published_by text        not null,                  -- the account whose job published it (shared: the reading subscriber)
    updated_at   timestamptz not null default now(),
    primary key (account_id, mailbox, message_id)
);
create index published_messages_folder on published_messages (account_id, mailbox, folder_id) where not deleted;

-- A message that left a synced folder (@removed in its delta, or its folder was deleted or excluded) and is not
-- known to be elsewhere yet. Saved with the cursor that covers it; confirmed at the end of the mailbox's run.
create table mail_pending_removals (
    account_id  text        not null,
    mailbox     text        not null,
    message_id  text        not null,
    folder_id   text        not null,                   -- the folder it left
    confirm     boolean     not null,                   -- true: ask Graph where it is now; false: its folder is gone
    payload     text        not null,                   -- the @removed object as Graph returned it
    sync_run_id text        not null,
    observed_at timestamptz not null,
    primary key (account_id, mailbox, message_id, folder_id)
);
