#!/usr/bin/env bash
# The Gmail backfill benchmark (GmailBackfillBenchmark, docs/performance.md) from a fresh clone: builds what it needs
# through the reactor (-am, nothing installed into ~/.m2), runs only the benchmark, prints its figures.
# Needs a JDK >= 21 and PostgreSQL on 127.0.0.1:5432 (user postgres); Kafka and the emulator run inside the test JVM.
# The whole Maven output goes to google-sync-service/target/gmail-backfill-benchmark.log.
# Usage: google-sync-service/bench/gmail-backfill.sh [MESSAGES (default 20000)] [-Dbench.get-batch-size=50
#        -Dbench.thread-min-messages=2 -Dbench.threads-for-replies=true -Dbench.get-concurrency=8 -Dbench.latency-ms=0]
set -euo pipefail
cd "$(dirname "$0")/../.."

java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }
found=
for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-21-jdk-amd64 /usr/lib/jvm/*; do
  if [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] && [ "$(java_major "$candidate")" -ge 21 ] 2>/dev/null; then
    export JAVA_HOME="$candidate" PATH="$candidate/bin:$PATH"
    found=1
    break
  fi
done
[ -n "$found" ] || { echo "error: no JDK >= 21 found (set JAVA_HOME)" >&2; exit 1; }
if command -v pg_isready >/dev/null && ! pg_isready -q -h 127.0.0.1 -p 5432; then
  echo "error: PostgreSQL is not answering on 127.0.0.1:5432" >&2
  exit 1
fi

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
