#!/usr/bin/env bash
# Teacher synthesis throughput with the local teacher (t1 serve) at teacher_concurrency 1 and 8.
#   bash bench/teacher/run.sh            (from the repository root; builds src/T1.Cli in Release first)
#   WORK=/tmp/t1-bench-teacher.XXXX SKIP_BUILD=1 CONCURRENCY="1 8" bash bench/teacher/run.sh
#                                        (again in a work folder whose teacher-tiny is already trained)
# Prints one line per concurrency: responses, wall seconds of the teacher step, responses/s, completion tokens/s.
# A run whose teacher step fails because the verifier accepted none still counts: throughput is what is measured.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
[ -n "${SKIP_BUILD:-}" ] || dotnet build "$repo/src/T1.Cli" -c Release -v q -nologo >/dev/null
t1=(dotnet "$repo/src/T1.Cli/bin/Release/net10.0/t1.dll")
work=${WORK:-$(mktemp -d /tmp/t1-bench-teacher.XXXX)}
cd "$work"
echo "work folder $work"; uptime
if [ ! -f model.log ]; then
  "${t1[@]}" run "$repo/bench/teacher/teacher-model.yaml" >model.log 2>&1 || { cat model.log; exit 1; }
  "${t1[@]}" models >>model.log 2>&1 || true
fi
T1__Serving__Device=cpu "${t1[@]}" serve --urls http://127.0.0.1:5099 >serve.log 2>&1 &
serve=$!
trap 'kill $serve 2>/dev/null || true' EXIT
for _ in $(seq 120); do curl -sf http://127.0.0.1:5099/v1/models >/dev/null && break; sleep 1; done
for c in ${CONCURRENCY:-1 8}; do
  out=$("${t1[@]}" run "$repo/bench/teacher/synthesis.yaml" --param concurrency="$c" --no-cache 2>&1) || true
  run=$(echo "$out" | head -1 | cut -d' ' -f2)
  python3 - "$c" "$run" <<'P'
import sqlite3, sys, datetime
c, run = sys.argv[1], sys.argv[2]
db = sqlite3.connect('.t1/t1.db')
start, end, sid = db.execute("select StartedAt, FinishedAt, Id from step_runs where RunId=? and StepId='teacher'", (run,)).fetchone()
def t(s): return datetime.datetime.fromisoformat(str(s).replace(' ', 'T')[:26])
wall = (t(end) - t(start)).total_seconds()
m = dict(db.execute("select Key, Value from metrics where StepRunId=? and Step=0", (sid,)).fetchall())
print(f"concurrency {c}: {m['responses']:.0f} responses ({m['accepted']:.0f} accepted), teacher step {wall:.1f} s, "
      f"{m['responses']/wall:.2f} responses/s, {m['completion_tokens']:.0f} completion tokens = {m['completion_tokens']/wall:.1f}/s")
P
done
uptime
