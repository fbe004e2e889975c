-- The admin account list (GET /api/v1/admin/accounts) pages newest first with a (created_at, id) keyset.
create index accounts_created_idx on accounts (created_at desc, id desc);
