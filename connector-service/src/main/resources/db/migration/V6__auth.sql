-- Per-user rate limits of authorize-url, manual sync and audit (service/RateLimiter). One row per user × action
-- holding the GCRA theoretical arrival time; the database's clock and row lock make the count exact across replicas.
create table rate_limits (
    user_id text        not null,
    action  text        not null,                -- authorize-url | sync | audit
    tat     timestamptz not null,
    primary key (user_id, action)
);

-- authorize-url caps each user's pending states (OAuthStateRepository.makeRoomFor).
create index oauth_states_user_idx on oauth_states (user_id, created_at);
