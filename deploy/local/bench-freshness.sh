#!/usr/bin/env bash
# Push freshness: the time from a provider-side change at the emulator to its InteractionEvent in the normalizer's query
# API and on interaction-events, for Gmail, Google Calendar, Outlook mail and Outlook calendar, on one fresh local stack
# (20 accounts): with push, with 10 % of notifications lost (the safety-net poll bounds the worst case) and the poll-only
# baseline. Figures: deploy/docs/performance.md. Options: `deploy/local/bench-freshness.sh --help`.
# Code: io.interactionsync.deploy.bench.FreshnessBenchmark (deploy).
set -euo pipefail
cd "$(dirname "$0")/../.."
source deploy/local/preflight.sh
select_jdk

run_deploy_tool io.interactionsync.deploy.bench.FreshnessBenchmark BENCH_SKIP_BUILD "$@"
