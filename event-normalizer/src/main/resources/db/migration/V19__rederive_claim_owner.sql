-- Issue 18, fast failover: a re-derivation claim names the replica that holds it (interaction-sync.instance-id, the pod
-- name in Kubernetes). A replica restarted under the same name takes its own claims back at once instead of waiting
-- for their lease to run out; the lease itself is short and renewed while the replica works on them.
alter table normalizer.rederive_queue add column claimed_by text;
