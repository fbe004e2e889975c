-- Accounts purged for good (issue 17, "erasure that lasts"): written by the purge (account-event disconnected with
-- purge=true) in the same transaction that deletes the account's events. Any later record of such an account —
-- sealed or plaintext, replayed, redelivered or late — is dropped before mapping, so nothing brings its events back.
-- Account ids only (uuids): no personal data. Never deleted (a purged account's id is never reused).
create table normalizer.erased_accounts (
    account_id text primary key,
    erased_at  timestamptz not null default now()
);
