#!/usr/bin/env bash
# The chaos soak: a fault-free baseline and a run under random faults (kill -9 of every service and of the broker,
# provider 5xx/429/latency, expired cursors, revoked tokens, omitted items, malformed raw records) on fresh local
# stacks with the same generated mailboxes; compares the final event sets and relationship ties and accounts for every
# malformed record (dead-lettered with a reason, or processed within bounds). Last line:
#   kills=N faults=N bad=N dlq=N missing=0 extra=0 duplicates=0 reclassified=0
# (exit 0 only when all four are 0, the ties equal the baseline's and no malformed record is unaccounted)
# Options: see `deploy/local/soak.sh --help`. Code: io.interactionsync.deploy.soak.Soak (deploy).
set -euo pipefail
cd "$(dirname "$0")/../.."
source deploy/local/preflight.sh
select_jdk

run_deploy_tool io.interactionsync.deploy.soak.Soak SOAK_SKIP_BUILD "$@"
