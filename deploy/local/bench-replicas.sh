#!/usr/bin/env bash
# Backfill wall time of 1 vs 2 sync-service replicas where Gmail quota, not CPU, binds (per-user quota with more
# accounts than one replica's worker slots; the project quota shared through PostgreSQL), and each process's peak RSS
# during the run.sh demo backfill. Each run is a fresh local stack. Figures: deploy/docs/performance.md.
# Options: see `deploy/local/bench-replicas.sh --help`. Code: io.interactionsync.deploy.bench.ReplicasBenchmark (deploy).
set -euo pipefail
cd "$(dirname "$0")/../.."
source deploy/local/preflight.sh
select_jdk

run_deploy_tool io.interactionsync.deploy.bench.ReplicasBenchmark BENCH_SKIP_BUILD "$@"
