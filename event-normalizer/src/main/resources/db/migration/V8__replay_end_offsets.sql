-- Where a replay stops: the end offset of each raw-records partition when it started ({"0": 1234, ...}). Kept so an
-- interrupted or failed replay can resume up to the same point; its progress is the replay consumer group's committed
-- offsets, tagged with the replay's id. Null for replays from before this column (they cannot resume).
alter table normalizer.replays add column end_offsets jsonb;
