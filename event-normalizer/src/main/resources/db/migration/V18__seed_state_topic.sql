-- Issue 22 item 1: interaction-events-state (compacted, key event id) is rebuildable from offset 0 only if it holds
-- every live event. Events written before the relay published there are announced once, to the state topic only
-- (outbox rows with topic interaction-events-state and event ids: no duplicate on the change stream), in chunks of
-- 2,000 (the relay's batch size), ordered by user and time. Deleted rows need nothing: never published there, nothing
-- to tombstone. Rows written after this migration follow these in outbox order, so a later change of an event
-- supersedes its seed.
insert into normalizer.outbox (topic, event_ids)
select 'interaction-events-state', array_agg(id order by n)
from (select id, row_number() over (order by user_id, occurred_at, id) as n
      from normalizer.interaction_events where not deleted) live
group by (n - 1) / 2000
order by (n - 1) / 2000;
