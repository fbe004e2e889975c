-- Shared mailboxes added to a Microsoft account (issue 4 item 5). Addresses are normalised (trimmed, lower-case).
create table shared_mailboxes (
    account_id uuid        not null references accounts (id) on delete cascade,
    address    text        not null,
    added_at   timestamptz not null,
    primary key (account_id, address)
);
