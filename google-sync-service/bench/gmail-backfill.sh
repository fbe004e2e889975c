#!/usr/bin/env bash
# The Gmail backfill benchmark (GmailBackfillBenchmark, docs/performance.md) from a fresh clone: builds what it needs
# through the reactor (-am, nothing installed into ~/.m2), runs only the benchmark, prints its figures: the backfill,
# then one completeness audit of the synced mailbox (quota units and seconds per 10,000 messages).
# Needs a JDK >= 21 and PostgreSQL on 127.0.0.1:5432 (user postgres); Kafka and the emulator run inside the test JVM.
# The whole Maven output goes to google-sync-service/target/gmail-backfill-benchmark.log.
# Usage: google-sync-service/bench/gmail-backfill.sh [MESSAGES (default 20000)] [-Dbench.get-batch-size=50
#        -Dbench.thread-min-messages=2 -Dbench.threads-for-replies=true -Dbench.get-concurrency=8 -Dbench.latency-ms=0]
set -euo pipefail
cd "$(dirname "$0")/../.."

source deploy/local/preflight.sh
select_jdk
require_postgres

log=google-sync-service/target/gmail-backfill-benchmark.log
mkdir -p "$(dirname "$log")"
messages=20000
if [ $# -gt 0 ] && [[ "$1" =~ ^[0-9]+$ ]]; then
  messages=$1
  shift
fi
./mvnw -B -pl google-sync-service -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dfailsafe.failIfNoSpecifiedTests=false -Dit.test=GmailBackfillBenchmark -Dbench.messages="$messages" "$@" \
  | tee "$log" \
  | sed -n '/=== Gmail backfill benchmark ===/,/^$/p;/BUILD \(SUCCESS\|FAILURE\)/p;/\[ERROR\]/p'
