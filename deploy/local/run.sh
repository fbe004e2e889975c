#!/usr/bin/env bash
# The whole Interaction Sync stack on one machine: builds what it needs, then starts Kafka (KRaft),
# the provider emulator with demo mailboxes and the five services, connects the demo accounts through
# the real OAuth code flow, shows the backfill and keeps running until Ctrl-C.
# Options: see `deploy/local/run.sh --help`. State (database aside) lives in .local/ (untracked).
set -euo pipefail
cd "$(dirname "$0")/../.."
source deploy/local/preflight.sh
select_jdk

require_postgres || exit 1

if [ "${1:-}" != "--help" ] && [ "${1:-}" != "-h" ]; then
  echo "==> building (./mvnw -DskipTests package; about 2 minutes the first time)"
  ./mvnw -B -q -DskipTests package || { echo "error: the build failed (see above)" >&2; exit 1; }
fi

exec java -cp "deploy/target/classes:$(cat deploy/target/launcher-classpath.txt)" \
  io.interactionsync.deploy.LocalStack "$@"
