-- R-B1 across a user's accounts: every account's own address and its learned aliases, per user, so that mail between
-- a user's Google and Microsoft accounts is recognised as the user's own.
alter table normalizer.owner_aliases add column user_id text;
create index owner_aliases_user on normalizer.owner_aliases (user_id);
