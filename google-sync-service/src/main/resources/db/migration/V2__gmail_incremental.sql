-- Gmail incremental sync (history.list) and the resync after an expired historyId.

-- A backfill started because history.list answered 404: messages already published are not fetched again,
-- and published messages no longer listed get a delete record when it completes.
alter table source_cursors add column resync boolean not null default false;

-- The Gmail messages this service has published as upserts and not deleted since (compact: ids, thread id,
-- internalDate). Written in the same transaction as the cursor that covers them, after Kafka's acks.
create table gmail_published_ids (
    account_id      text   not null,
    message_id      text   not null,
    thread_id       text,
    internal_date   bigint,
    primary key (account_id, message_id)
);
