#!/usr/bin/env bash
# Target 3 in fresh JVMs: TimeToReadyRealTime with one run per JVM, as every pod has its own JVM (runs that share a
# JVM have a warm SDK after the first). Needs benchmarks/target/benchmarks.jar. Prints a markdown summary (nearest-
# rank percentiles, like Stats) and writes the runs to OUT.csv.
#
#   benchmarks/scripts/time-to-ready-fresh-jvm.sh [IMDS mode: NODE_ROLE|ABSENT|BLACK_HOLE] [runs] [OUT]
#   benchmarks/scripts/time-to-ready-fresh-jvm.sh ABSENT 30 ttr-fresh-absent
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
JAR="$ROOT/benchmarks/target/benchmarks.jar"
MODE="${1:-NODE_ROLE}"; RUNS="${2:-30}"; OUT="${3:-time-to-ready-fresh-jvm}"
[[ -f "$JAR" ]] || { echo "build first: ./mvnw -B -q -pl benchmarks -am package -DskipTests" >&2; exit 1; }
ONE="$(mktemp)"; trap 'rm -f "$ONE"' EXIT
echo "<!-- started $(date -u +%Y-%m-%dT%H:%M:%SZ), load: $(cat /proc/loadavg) -->"
echo "jvm,run,wait_s,time_to_ready_ms,attempts,sts_calls,agent_requests_in_wait,imds_requests_in_wait,load_avg_1m,verifying_attempt_ms" >"$OUT.csv"
for i in $(seq 1 "$RUNS"); do
  java "-Dttr.imds=$MODE" -cp "$JAR" io.github.roleprobe.benchmarks.sim.TimeToReadyRealTime 1 2 15 "$ONE" >/dev/null 2>&1
  tail -n +2 "$ONE" | sed "s/^/$i,/" >>"$OUT.csv"
done
python3 - "$OUT.csv" "$MODE" <<'PY'
import csv, math, sys
rows = list(csv.DictReader(open(sys.argv[1])))
t = sorted(float(r['time_to_ready_ms']) for r in rows)
v = sorted(float(r['verifying_attempt_ms']) for r in rows)
pct = lambda p: t[max(0, min(len(t) - 1, math.ceil(p / 100 * len(t)) - 1))]
print(f"## Time to ready after consistency, real time, one fresh JVM per run ({len(t)} runs, wait U(2 s, 15 s), default backoff, IMDS {sys.argv[2]})\n")
print("| runs | p50 | p95 | max | min | mean |")
print("|---|---|---|---|---|---|")
print(f"| {len(t)} | {pct(50):.0f} ms | {pct(95):.0f} ms | {t[-1]:.0f} ms | {t[0]:.0f} ms | {sum(t) / len(t):.0f} ms |")
print(f"\nverifying attempt (credentials + STS call) duration: median {v[len(v) // 2]:.0f} ms, min {v[0]:.0f} ms, max {v[-1]:.0f} ms")
print(f"\nraw runs: {sys.argv[1].split('/')[-1]} (one TimeToReadyRealTime run per JVM)")
PY
echo "<!-- ended $(date -u +%Y-%m-%dT%H:%M:%SZ), load: $(cat /proc/loadavg) -->"
