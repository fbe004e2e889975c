#!/usr/bin/env bash
# The five service images as OCI tarballs in deploy/target/images/, without a Docker daemon (Jib), on a base made
# here from Debian packages and a jlinked Java runtime; optionally pushed (--push REGISTRY) and pinned into an
# overlay (--pin DIR). Builds the service jars first unless --no-build. Options: deploy/images.sh --help.
# Cache (untracked): .local/images.
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/local/preflight.sh
select_jdk

args=()
build=1
for a in "$@"; do
  case "$a" in
    --no-build) build=0 ;;
    --help|-h) build=0; args+=("$a") ;;
    *) args+=("$a") ;;
  esac
done
if [ "$build" = 1 ]; then
  echo "==> building the service jars and deploy (./mvnw -DskipTests package -pl deploy -am)"
  ./mvnw -B -q -DskipTests package -pl deploy -am || { echo "error: the build failed (see above)" >&2; exit 1; }
fi

exec java -cp "deploy/target/classes:$(cat deploy/target/launcher-classpath.txt)" \
  io.interactionsync.deploy.images.ImageBuild "${args[@]}"
