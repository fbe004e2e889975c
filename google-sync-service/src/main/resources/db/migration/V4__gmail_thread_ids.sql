-- The thread of each id listed during a backfill: a batch fetches a thread holding several wanted messages
-- with one threads.get (10 units) instead of one messages.get (5 units) per message.
alter table gmail_backfill_ids add column thread_id text;
