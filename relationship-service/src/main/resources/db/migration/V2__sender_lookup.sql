-- The team view finds the sender of a member's copy of a message (R-E2: copies merge only when their senders match).
create index events_from_by_message on events (user_id, dedup_key) where role = 'from';
