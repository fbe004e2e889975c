-- Issue 18 item 5: bounded fan-out (R-B3). A message to more recipients than normalizer.fan-out.max-recipients keeps
-- the sender and the first recipients only, is classified bulk, and its events say so. recipient_count: the message's
-- distinct recipients (To + Cc, + Bcc on the sender's own copy) before the cap; null for meetings and for rows written
-- before this migration (a replay fills it in).
alter table normalizer.interaction_events
    add column recipient_count integer,
    add column recipients_truncated boolean not null default false;
