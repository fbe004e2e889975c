-- How often a replay was taken up again (on request or by itself). An interrupted replay — its replica shut down or
-- died — is resumed by a live replica while this is below normalizer.replay.auto-resumes, so a replay that keeps
-- killing its replica cannot loop for ever.
alter table normalizer.replays add column resumes integer not null default 0;
