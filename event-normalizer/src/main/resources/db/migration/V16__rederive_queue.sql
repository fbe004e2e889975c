-- Issue 18: order-independent rules. A rule whose outcome depends on other records (R-C6/R-C7 history, R-B1 aliases,
-- R-B2 directory, R-B5 subscribers, blocklists) re-derives the resources that depend on its evidence when that
-- evidence changes: the transaction that changes it enqueues them here, and RederiveWorker re-processes each
-- resource's deciding record (record_versions: its Kafka coordinates) with the evidence as it now is.
create table normalizer.rederive_queue (
    resource_id   uuid        not null primary key,
    account_id    text        not null,
    reason        text        not null,
    enqueued_at   timestamptz not null default clock_timestamp(),
    claimed_until timestamptz
);
create index rederive_queue_order on normalizer.rederive_queue (enqueued_at);

-- R-C6/R-C7: which resources' class depends on which piece of the user's history: 'to:<address>' (has the user
-- written to this sender?) and 'id:<Message-ID>' (did the user send the message this one replies to?). Written only for
-- messages whose class history can change (a header score of 2 or more, or list headers); read when the user's first
-- outbound event for that address or Message-ID is stored.
create table normalizer.history_dependents (
    user_id     text not null,
    evidence    text not null,
    resource_id uuid not null,
    account_id  text not null,
    primary key (user_id, evidence, resource_id)
);
create index history_dependents_account on normalizer.history_dependents (account_id);

-- R-B5: which shared mailbox (identity key) a resource was read from, so that a new or re-activated subscriber gets
-- the mailbox's past messages. Null for an account's own mail (almost every row: no cost beyond the null bitmap).
alter table normalizer.record_versions add column shared_mailbox text;
create index record_versions_shared_mailbox on normalizer.record_versions (shared_mailbox)
    where shared_mailbox is not null;
