-- Project-wide Gmail pacing shared by every replica: the units granted per time window of one quota. A replica
-- leases a slice with one conditional upsert (atomic under concurrency) and spends it only inside that window;
-- when the window's budget is gone it waits for the next one. Windows are numbered on the database's clock, so
-- replicas with skewed clocks still agree. Old windows are deleted as new ones start.
create table quota_windows (
    quota           text   not null,   -- e.g. gmail_project
    window_index    bigint not null,   -- floor(epoch milliseconds / window length)
    granted         int    not null,
    primary key (quota, window_index)
);
