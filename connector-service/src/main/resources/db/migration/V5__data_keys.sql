-- Data keys of the raw records (crypto-shredding, issue 17): one AES-256 key per owner — 'account:<account id>' (the
-- account's own mail and calendar) or 'mailbox:<shared address, lower case>' (a shared mailbox, read once for all its
-- subscribers). The sync services seal every raw record with its owner's key; the normalizer opens it by kid.
-- A key is stored only wrapped with the token keyring (AES-256-GCM, key id per row, re-sealed when the keyring
-- rotates). Destroying a key (a purge; a shared mailbox's last subscriber leaving) erases key_enc and keeps the row as a
-- tombstone, so the key's id answers 410 'erased' for ever, and every copy of the records it sealed is unreadable.
create table data_keys (
    kid          text primary key,                   -- random, 128 bits, base64url
    owner        text        not null,
    token_key_id text,                               -- keyring id that wrapped key_enc; null once destroyed
    key_enc      bytea,                              -- nonce || AES-256-GCM(key) || tag; null once destroyed
    created_at   timestamptz not null,
    destroyed_at timestamptz,
    constraint data_keys_material_ck check ((destroyed_at is null) = (key_enc is not null and token_key_id is not null))
);
-- At most one live key per owner; destroyed ones stay (one owner may have had several: a shared mailbox re-added).
create unique index data_keys_live_owner_uk on data_keys (owner) where destroyed_at is null;
create index data_keys_owner_idx on data_keys (owner);
