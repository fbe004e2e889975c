#!/usr/bin/env bash
# The normalizer's throughput and memory as its own process (issue 7): a fresh Kafka broker process and database
# interaction_sync_bench, a backlog of generated Gmail raw records, then the packaged event-normalizer with a fixed
# heap, timed until it has consumed the backlog and emptied its outbox; then a plain COPY of the same rows.
# Usage: deploy/bench-normalizer.sh [--records N] [--xmx 768m] [--users 1000] [--keep] (--help for all)
# Set BENCH_SKIP_BUILD=1 to reuse what is built. Logs: .local/bench/logs/.
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/local/preflight.sh
select_jdk

require_postgres || exit 1

case " $* " in *" --help "*|*" -h "*) BENCH_SKIP_BUILD=1 ;; esac
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  # The normalizer's fast-jar, the emulator's generator (the backlog's mail) and the deploy launcher.
  echo "==> building event-normalizer, provider-emulator and deploy (./mvnw -DskipTests package)"
  ./mvnw -B -q -DskipTests package -pl event-normalizer,provider-emulator,deploy -am \
    || { echo "error: the build failed (see above)" >&2; exit 1; }
fi

# provider-emulator is a build-order-only dependency of deploy: its jar (with its own Class-Path) brings the generator.
exec java -Xmx1g -cp "deploy/target/classes:$(cat deploy/target/launcher-classpath.txt):provider-emulator/target/provider-emulator.jar" \
  io.interactionsync.deploy.bench.NormalizerProcessBenchmark "$@"
