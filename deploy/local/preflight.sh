# Sourced by .ci/run and the deploy scripts (local stack, capture, benchmark):
# select_jdk puts a JDK >= 21 into JAVA_HOME (the machine default may be 17); require_postgres checks the local server.
java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }
select_jdk() {
  local candidate
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-21-jdk-amd64 /usr/lib/jvm/*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] || continue
    if [ "$(java_major "$candidate")" -ge 21 ] 2>/dev/null; then
      export JAVA_HOME="$candidate"
      export PATH="$JAVA_HOME/bin:$PATH"
      return 0
    fi
  done
  echo "error: no JDK >= 21 found (looked at \$JAVA_HOME and /usr/lib/jvm/*)." >&2
  echo "  Install one (e.g. Temurin 21 or 25) and set JAVA_HOME to it." >&2
  return 1
}

require_postgres() {
  if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    echo "error: PostgreSQL is not accepting connections on 127.0.0.1:5432." >&2
    echo "  Start it, e.g.: pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql) main start" >&2
    return 1
  fi
}

# run_deploy_tool MAIN_CLASS SKIP_BUILD_VAR ARGS…: builds the modules unless --help is asked or $SKIP_BUILD_VAR=1, then
# runs MAIN_CLASS of the deploy module with these ARGS (the soak and benchmark scripts).
run_deploy_tool() {
  local main="$1" skip_var="$2"
  shift 2
  case " $* " in
    *" --help "* | *" -h "*) ;;
    *) require_postgres || exit 1
       if [ "${!skip_var:-}" != "1" ]; then
         echo "==> building (./mvnw -DskipTests package; about 2 minutes the first time)"
         ./mvnw -B -q -DskipTests package || { echo "error: the build failed (see above)" >&2; exit 1; }
       fi ;;
  esac
  exec java -cp "deploy/target/classes:$(cat deploy/target/launcher-classpath.txt)" "$main" "$@"
}
