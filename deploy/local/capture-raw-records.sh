#!/usr/bin/env bash
# Captures what the real sync services publish for the emulator's demo data into the event-normalizer's
# fixtures (src/test/resources/captured/ with MANIFEST.md): runs a fresh local stack with the run.sh options,
# dumps raw-records, account-events and raw-records-dlq into .local/capture once the backfill has settled,
# stops the stack and picks a deterministic, diverse sample. --sample-only re-samples an existing dump.
# Options: see `deploy/local/capture-raw-records.sh --help`. Code: io.interactionsync.deploy.capture (deploy).
set -euo pipefail
cd "$(dirname "$0")/../.."
source deploy/local/preflight.sh
select_jdk

case " $* " in
  *" --help "* | *" -h "*) ;;
  *) case " $* " in *" --sample-only "*) ;; *) require_postgres || exit 1 ;; esac
     echo "==> building (./mvnw -DskipTests package; about 2 minutes the first time)"
     ./mvnw -B -q -DskipTests package || { echo "error: the build failed (see above)" >&2; exit 1; } ;;
esac

exec java -cp "deploy/target/classes:$(cat deploy/target/launcher-classpath.txt)" \
  io.interactionsync.deploy.capture.CaptureRawRecords "$@"
