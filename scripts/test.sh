#!/usr/bin/env bash
# The one test command of T1 Platform (README, CI: .ci/run runs it).
#
# On a Debian 12 machine as root it installs what the tests need if it is missing, starts it on
# 127.0.0.1 at free ports in a throwaway folder, builds the solution once with -warnaserror, runs
# every test project (tests/*/*.csproj) and stops what it started. Its last line is exactly
#     N passed, N failed[, N skipped]
# summed over all test projects. It exits non-zero when the build failed, a test failed, a test
# host crashed or hung, or no test ran at all. Run it from any folder; rerunning is safe.
#
#   scripts/test.sh                         build + all tests
#   scripts/test.sh --filter EXPR           pass a `dotnet test --filter` expression to every project,
#                                           e.g. --filter "FullyQualifiedName~Artifacts"
#   scripts/test.sh --env-only              start the servers, print their `export` lines on stdout
#                                           and leave them running (alias: --keep-servers). Then:
#       eval "$(scripts/test.sh --env-only)"
#       dotnet test tests/T1.Storage.Tests --filter "FullyQualifiedName~S3ArtifactStoreTests"
#       bash "$T1_TEST_STOP"                 # stops the servers and deletes their data
#
# What it provides to the tests (environment):
#   T1_TEST_POSTGRES        Npgsql connection string of a superuser on a throwaway PostgreSQL
#                           cluster (fsync off, max_connections=300); tests create their own databases.
#   T1_TEST_S3_ENDPOINT     host:port of s3rver (plain HTTP), T1_TEST_S3_ACCESS_KEY / _SECRET_KEY.
#   T1_TEST_PG_CTL          a script: `bash "$T1_TEST_PG_CTL" stop|start` stops (fast) or starts that
#                           PostgreSQL again, same port and data (the outage tests).
#   T1_TEST_S3_CTL          likewise for s3rver: `stop` kills it, `start` starts it on the same port and folder.
#
# Environment it reads:
#   T1_BUILD_LOCK           when set, build+test run under `flock` on that file (1 = /tmp/t1-build.lock),
#                           for several engineers sharing one working tree. CI does not set it.
#   T1_TEST_RESULTS         where the .trx files go (default <repo>/TestResults/t1).
#   T1_TEST_HANG_TIMEOUT    a test running longer is killed and its project counted failed (default 10m).
set -Eeuo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export MSBUILDDISABLENODEREUSE=1   # leave no build servers running behind the script

S3RVER_VERSION=3.7.1
S3RVER_DIR="$REPO_ROOT/tools/s3rver"
RESULTS="${T1_TEST_RESULTS:-$REPO_ROOT/TestResults/t1}"
HANG_TIMEOUT="${T1_TEST_HANG_TIMEOUT:-10m}"

FILTER=""
ENV_ONLY=0
while [ $# -gt 0 ]; do
  case "$1" in
    --filter) [ $# -ge 2 ] || { echo "scripts/test.sh: --filter needs an expression" >&2; exit 2; }
              FILTER="$2"; shift 2 ;;
    --filter=*) FILTER="${1#--filter=}"; shift ;;
    --env-only|--keep-servers) ENV_ONLY=1; shift ;;
    -h|--help) sed -n '2,/^set -Eeuo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "scripts/test.sh: unknown argument '$1' (see scripts/test.sh --help)" >&2; exit 2 ;;
  esac
done

log() { echo "test.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }

# ---------------------------------------------------------------- servers: start, and stop on exit
WORK="$(mktemp -d /tmp/t1-test.XXXXXX)"
chmod 755 "$WORK"          # the postgres user must reach its data folder inside
STOP_SCRIPT="$WORK/stop.sh"
printf '#!/usr/bin/env bash\n# Stops the servers scripts/test.sh started and deletes their data.\n' > "$STOP_SCRIPT"
KEEP_SERVERS=0
STOPPED=0

stop_servers() {
  [ "$STOPPED" = 1 ] && return 0
  STOPPED=1
  bash "$STOP_SCRIPT" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
on_exit() { [ "$KEEP_SERVERS" = 1 ] || stop_servers; }
trap on_exit EXIT
trap 'log "error: line $LINENO: \`$BASH_COMMAND\` failed"' ERR
trap 'exit 130' INT
trap 'exit 143' TERM

as_postgres() {  # initdb and pg_ctl refuse to run as root
  if [ "$(id -u)" = 0 ]; then (cd "$WORK" && runuser -u postgres -- "$@"); else (cd "$WORK" && "$@"); fi
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
USED_PORTS=""
# Ports below the kernel's ephemeral range: a port in that range can be held by the local end of any outgoing
# connection (nothing listens, so port_in_use says free, yet bind fails: seen once, PostgreSQL on 44660).
EPHEMERAL_LOW=$(awk '{print $1}' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
[[ "$EPHEMERAL_LOW" =~ ^[0-9]+$ && "$EPHEMERAL_LOW" -gt 15000 ]] || EPHEMERAL_LOW=32768
pick_free_port() {  # sets PORT
  local i
  for i in $(seq 1 200); do
    PORT=$((10000 + RANDOM % (EPHEMERAL_LOW - 10000)))
    if ! port_in_use "$PORT" && [[ " $USED_PORTS " != *" $PORT "* ]]; then USED_PORTS="$USED_PORTS $PORT"; return 0; fi
  done
  die "found no free TCP port on 127.0.0.1"
}

APT_UPDATED=0
apt_install() {
  [ "$(id -u)" = 0 ] || die "'$*' is missing; install it (apt-get install $*) or run this script as root"
  if [ "$APT_UPDATED" = 0 ]; then
    log "apt-get update"; DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2; APT_UPDATED=1
  fi
  log "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2
}

start_postgres() {
  local initdbs
  initdbs="$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)"
  if [ -z "$initdbs" ]; then
    apt_install postgresql        # Debian 12: PostgreSQL 15
    initdbs="$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)"
    [ -n "$initdbs" ] || die "apt-get install postgresql did not provide /usr/lib/postgresql/*/bin/initdb"
  fi
  local bin pgdata port user password
  bin="$(dirname "$initdbs")"
  pgdata="$WORK/pg"
  pick_free_port; port="$PORT"
  user=t1test
  password="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
  mkdir -p "$pgdata"
  printf '%s\n' "$password" > "$WORK/pg.pw"
  if [ "$(id -u)" = 0 ]; then chown postgres: "$pgdata" "$WORK/pg.pw"; fi
  chmod 700 "$pgdata"

  log "PostgreSQL $("$bin/postgres" --version | awk '{print $3}'): throwaway cluster on 127.0.0.1:$port"
  as_postgres env LC_ALL=C "$bin/initdb" -N -D "$pgdata" -U "$user" --pwfile="$WORK/pg.pw" \
    --auth-local=trust --auth-host=scram-sha-256 --no-locale -E UTF8 >"$WORK/initdb.log" 2>&1 \
    || { cat "$WORK/initdb.log" >&2; die "initdb failed"; }
  rm -f "$WORK/pg.pw"
  cat >> "$pgdata/postgresql.conf" <<EOF

# throwaway test cluster (scripts/test.sh): speed over durability
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$pgdata'
max_connections = 300
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
  local as=""
  if [ "$(id -u)" = 0 ]; then as="runuser -u postgres --"; fi
  {
    echo '#!/usr/bin/env bash'
    echo '# stop|start the throwaway PostgreSQL of scripts/test.sh (same port, same data); the outage tests use it.'
    echo 'set -e'
    echo 'cd /'
    echo 'case "$1" in'
    echo "  stop)  $as '$bin/pg_ctl' -D '$pgdata' -m fast -w -t 30 stop >/dev/null ;;"
    echo "  start) $as '$bin/pg_ctl' -D '$pgdata' -l '$pgdata/server.log' -w -t 60 start >/dev/null ;;"
    echo '  *) echo "usage: $0 stop|start" >&2; exit 2 ;;'
    echo 'esac'
  } > "$WORK/pg-ctl.sh"
  if [ "$(id -u)" = 0 ]; then
    echo "cd / && runuser -u postgres -- '$bin/pg_ctl' -D '$pgdata' -m immediate -w -t 30 stop" >> "$STOP_SCRIPT"
  else
    echo "'$bin/pg_ctl' -D '$pgdata' -m immediate -w -t 30 stop" >> "$STOP_SCRIPT"
  fi
  as_postgres "$bin/pg_ctl" -D "$pgdata" -l "$pgdata/server.log" -w -t 60 start >/dev/null \
    || { cat "$pgdata/server.log" >&2; die "PostgreSQL did not start (log above)"; }
  export T1_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=$user;Password=$password;Database=postgres"
  export T1_TEST_PG_CTL="$WORK/pg-ctl.sh"
}

start_s3rver() {
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then apt_install nodejs npm; fi
  local installed
  installed="$(node -p "require('$S3RVER_DIR/node_modules/s3rver/package.json').version" 2>/dev/null || true)"
  if [ "$installed" != "$S3RVER_VERSION" ]; then
    log "npm ci in tools/s3rver (s3rver $S3RVER_VERSION)"
    (cd "$S3RVER_DIR" && npm ci --no-audit --no-fund --loglevel=error >&2)
  fi
  # s3rver 3.7.1 answers with a wrong XML namespace, so the Minio SDK parses listings as empty.
  sed -i 's#http://doc\.s3\.amazonaws\.com/2006-03-01/#http://s3.amazonaws.com/doc/2006-03-01/#g' \
    "$S3RVER_DIR"/node_modules/s3rver/lib/controllers/*.js
  ! grep -q 'doc\.s3\.amazonaws\.com' "$S3RVER_DIR"/node_modules/s3rver/lib/controllers/*.js \
    || die "could not patch s3rver's XML namespace in tools/s3rver/node_modules/s3rver/lib/controllers"

  local port
  pick_free_port; port="$PORT"
  mkdir -p "$WORK/s3"
  log "s3rver $S3RVER_VERSION on 127.0.0.1:$port"
  {
    echo '#!/usr/bin/env bash'
    echo '# stop|start the s3rver of scripts/test.sh (same port, same folder); the outage tests use it.'
    echo "pidfile='$WORK/s3rver.pid'"
    echo "up() { (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; }"
    echo 'case "$1" in'
    echo '  stop)'
    echo '    [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null'
    echo '    for i in $(seq 1 100); do up || { rm -f "$pidfile"; exit 0; }; sleep 0.1; done'
    echo "    echo 's3rver still listens on 127.0.0.1:$port' >&2; exit 1 ;;"
    echo '  start)'
    echo "    setsid node '$S3RVER_DIR/node_modules/s3rver/bin/s3rver.js' -d '$WORK/s3' -a 127.0.0.1 -p $port --silent </dev/null >>'$WORK/s3rver.log' 2>&1 &"
    echo '    echo $! > "$pidfile"'
    echo '    for i in $(seq 1 150); do'
    echo '      up && exit 0'
    echo "      kill -0 \"\$(cat \"\$pidfile\")\" 2>/dev/null || { cat '$WORK/s3rver.log' >&2; echo 's3rver exited (log above)' >&2; exit 1; }"
    echo '      sleep 0.2'
    echo '    done'
    echo "    echo 's3rver did not listen on 127.0.0.1:$port within 30 s' >&2; exit 1 ;;"
    echo '  *) echo "usage: $0 stop|start" >&2; exit 2 ;;'
    echo 'esac'
  } > "$WORK/s3-ctl.sh"
  echo "bash '$WORK/s3-ctl.sh' stop" >> "$STOP_SCRIPT"
  bash "$WORK/s3-ctl.sh" start || die "s3rver did not start (see above)"
  export T1_TEST_S3_ENDPOINT="127.0.0.1:$port" T1_TEST_S3_ACCESS_KEY=S3RVER T1_TEST_S3_SECRET_KEY=S3RVER
  export T1_TEST_S3_CTL="$WORK/s3-ctl.sh"
}

# Browser tests (tests/T1.Server.Tests/Portal) drive Debian's Chromium through Playwright; Playwright's own
# browser download cannot work here. Without Chromium those tests fail and say how to install it.
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ]; then apt_install chromium fonts-dejavu-core || log "could not install chromium; the browser tests will fail"
  else log "chromium is missing (apt-get install chromium as root); the browser tests will fail"; fi
fi
export T1_TEST_CHROMIUM=/usr/bin/chromium

# The Hugging Face parity tests (tests/T1.Ml.Tests/Model/HfParityTests.cs) compare logits with an independent
# PyTorch reference (bench/py/qwen2_reference.py) run by Debian's python3 with python3-torch; without it they fail.
if ! /usr/bin/python3 -c 'import torch' >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then apt_install python3-torch || log "could not install python3-torch; the parity tests will fail"
  else log "python3-torch is missing (apt-get install python3-torch as root); the parity tests will fail"; fi
fi

# docker-compose (Debian 12: v1.29, a small Python package) lets ComposeFileTests validate
# docker-compose.yml offline (`docker-compose config -q`); that test fails without it.
if [ ! -x /usr/bin/docker-compose ] && [ "$(id -u)" = 0 ]; then
  apt_install docker-compose || log "could not install docker-compose; the Compose check of docker-compose.yml will fail"
fi

start_postgres
start_s3rver

if [ "$ENV_ONLY" = 1 ]; then
  KEEP_SERVERS=1
  echo "rm -rf '$WORK'" >> "$STOP_SCRIPT"
  cat <<EOF
export T1_TEST_POSTGRES='$T1_TEST_POSTGRES'
export T1_TEST_S3_ENDPOINT='$T1_TEST_S3_ENDPOINT'
export T1_TEST_S3_ACCESS_KEY='$T1_TEST_S3_ACCESS_KEY'
export T1_TEST_S3_SECRET_KEY='$T1_TEST_S3_SECRET_KEY'
export T1_TEST_PG_CTL='$T1_TEST_PG_CTL'
export T1_TEST_S3_CTL='$T1_TEST_S3_CTL'
export T1_TEST_STOP='$STOP_SCRIPT'
EOF
  log "servers are running; stop them with: bash $STOP_SCRIPT"
  exit 0
fi

# ---------------------------------------------------------------- build once, then every test project
if [ -n "${T1_BUILD_LOCK:-}" ]; then
  case "$T1_BUILD_LOCK" in 1|true|yes) LOCK_FILE=/tmp/t1-build.lock ;; *) LOCK_FILE="$T1_BUILD_LOCK" ;; esac
  exec 9>"$LOCK_FILE"
  log "waiting for the build lock $LOCK_FILE"
  flock 9
fi

PASSED=0 FAILED=0 SKIPPED=0 BROKEN=""
finish() {  # stop the servers first, so nothing is printed after the summary line
  if [ -n "${LOCK_FILE:-}" ]; then flock -u 9 || true; fi
  stop_servers
  [ -z "$BROKEN" ] || log "failed outright:$BROKEN"
  # name every failed test again here, so the end of a long CI log says which ones
  local trx name
  for trx in "$RESULTS"/*.trx; do
    [ -f "$trx" ] || continue
    { grep -o '<UnitTestResult [^>]*outcome="\(Failed\|Error\|Timeout\|Aborted\)"' "$trx" || true; } \
      | sed -n 's/.* testName="\([^"]*\)".*/\1/p' | while IFS= read -r name; do log "failed: $name"; done
  done
  local line="$PASSED passed, $FAILED failed"
  [ "$SKIPPED" = 0 ] || line="$line, $SKIPPED skipped"
  echo "$line"
  if [ "$FAILED" != 0 ]; then exit 1; fi
  if [ "$PASSED" = 0 ]; then log "error: no test ran"; exit 1; fi
  exit 0
}

log "dotnet build T1.Platform.sln -warnaserror"
if ! dotnet build T1.Platform.sln -warnaserror --nologo -v minimal >&2 9>&-; then
  BROKEN=" build"; FAILED=$((FAILED + 1))
  finish
fi

rm -rf "$RESULTS"
mkdir -p "$RESULTS"
counter() { { sed -n 's/.*<Counters \([^>]*\)\/>.*/\1/p' "$1" | tr ' ' '\n' | sed -n "s/^$2=\"\([0-9]*\)\"$/\1/p" | head -n 1; } || true; }

shopt -s nullglob
projects=(tests/*/*.csproj)
[ ${#projects[@]} -gt 0 ] || die "no test projects under tests/*/*.csproj"
for project in "${projects[@]}"; do
  name="$(basename "$project" .csproj)"
  args=(test "$project" --no-build --nologo --results-directory "$RESULTS"
        --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal"
        --blame-hang-timeout "$HANG_TIMEOUT" --blame-hang-dump-type none)
  [ -z "$FILTER" ] || args+=(--filter "$FILTER")
  log "dotnet test $project"
  rc=0
  dotnet "${args[@]}" >&2 9>&- || rc=$?
  trx="$RESULTS/$name.trx"
  p=0 f=0 s=0
  if [ -f "$trx" ]; then
    p="$(counter "$trx" passed)"; p="${p:-0}"
    for c in failed error timeout aborted; do v="$(counter "$trx" "$c")"; f=$((f + ${v:-0})); done
    s="$({ grep -o 'outcome="NotExecuted"' "$trx" || true; } | wc -l)"   # skipped (not in the Counters line)
  fi
  if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
    # the test host crashed or hung, or dotnet test itself failed: count the project as one failure
    f=1; BROKEN="$BROKEN $name(exit $rc)"
  fi
  log "$name: $p passed, $f failed, $s skipped"
  PASSED=$((PASSED + p)) FAILED=$((FAILED + f)) SKIPPED=$((SKIPPED + s))
done

finish
