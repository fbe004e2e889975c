-- R-B1 for Outlook: Graph names no folder (parentFolderId is opaque), so each account's Sent Items folder is learned
-- from its mail: per folder, how many of its messages looked like the owner's own sent copy (not a draft, From the
-- account's address, which is not among To/Cc). The folder with the most is Sent Items, and the From of its other
-- messages are the owner's aliases. Counts are evidence, not exact: a redelivered or replayed record counts again.
create table normalizer.mail_folders (
    account_id     text   not null,
    folder_id      text   not null,
    owner_messages bigint not null,
    primary key (account_id, folder_id)
);
