#!/usr/bin/env bash
# The Outlook mail backfill benchmark (MailBackfillBenchmark, docs/performance.md) from a fresh clone: builds what it
# needs through the reactor (-am, nothing installed into ~/.m2), runs only the benchmark, prints its figures: Graph
# round trips against the page bound, and with -Dbench.audit=true one completeness audit (requests and seconds per
# 10,000 messages). Needs a JDK >= 21 and PostgreSQL on 127.0.0.1:5432; Kafka and the emulator run inside the test JVM.
# The whole Maven output goes to microsoft-sync-service/target/mail-backfill-benchmark.log.
# Usage: microsoft-sync-service/bench/mail-backfill.sh [MESSAGES (default 20000)] [-Dbench.months=30
#        -Dbench.horizon-filter=true -Dbench.page-size=1000 -Dbench.audit=true -Dbench.audit-lose=0.01]
set -euo pipefail
cd "$(dirname "$0")/../.."
source deploy/local/preflight.sh
select_jdk
require_postgres

log=microsoft-sync-service/target/mail-backfill-benchmark.log
mkdir -p "$(dirname "$log")"
messages=20000
if [ $# -gt 0 ] && [[ "$1" =~ ^[0-9]+$ ]]; then
  messages=$1
  shift
fi
./mvnw -B -pl microsoft-sync-service -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dfailsafe.failIfNoSpecifiedTests=false -Dit.test=MailBackfillBenchmark -Dbench.messages="$messages" "$@" \
  | tee "$log" \
  | sed -n '/=== Outlook mail/,/^$/p;/BUILD \(SUCCESS\|FAILURE\)/p;/\[ERROR\]/p'
