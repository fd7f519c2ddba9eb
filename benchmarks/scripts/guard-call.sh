#!/usr/bin/env bash
# Issue 10, target 2: a real AWS SDK call (StsClient GetCallerIdentity on a loopback server) with the request
# guard versus without (GuardedCallBenchmark). Each side runs in its own JMH invocation (throughput and sample
# time, one fork each by default), ABBA-interleaved (on off off on, repeated), so that the machine's load hits
# both alike; the load average is recorded before and after every invocation. guard-call-summary.py then gives
# each side's median and the ratio with / without: of the medians and of each adjacent pair (on1/off1, on2/off2
# of every cycle).
#
#   benchmarks/scripts/guard-call.sh                  # 3 cycles = 12 invocations, about 45 min on 2 CPUs
#   PERF_CYCLES=2 PERF_OUT=/tmp/guard-call PERF_JMH_OPTS="-f 1 -wi 25 -w 3 -i 10 -r 3" benchmarks/scripts/guard-call.sh
#
# The warm-up is long because on a loaded 2-CPU machine the JIT takes more than a minute to compile the SDK's call
# path (throughput still rises for about 60 s).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
JAR="${PERF_JAR:-$ROOT/benchmarks/target/benchmarks.jar}"
CYCLES="${PERF_CYCLES:-3}"
OUT="${PERF_OUT:-$ROOT/benchmarks/results/guard-call}"
read -r -a JMH_OPTS <<<"${PERF_JMH_OPTS:--f 1 -wi 25 -w 3 -i 10 -r 3}"
[[ -f "$JAR" ]] || { echo "no $JAR: ./mvnw -q -pl benchmarks -am package -DskipTests" >&2; exit 1; }
mkdir -p "$OUT"
load() { cut -d' ' -f1-3 /proc/loadavg; }

n=0
for cycle in $(seq 1 "$CYCLES"); do
  for side in on off off on; do
    n=$((n + 1))
    name="$(printf '%02d' "$n")-$side"
    before="$(load)"
    echo "==> $name (cycle $cycle), load average $before" >&2
    "$JAVA" -jar "$JAR" GuardedCallBenchmark -p guard="$side" "${JMH_OPTS[@]}" \
      -rf json -rff "$OUT/$name.json" 2>&1 | grep -v ' DEBUG ' >"$OUT/$name.log"
    printf '%s\t%s\t%s\t%s\n' "$name" "$side" "$before" "$(load)" >>"$OUT/load.tsv"
  done
done
python3 "$(dirname "${BASH_SOURCE[0]}")/guard-call-summary.py" "$OUT" | tee "$OUT/summary.md"
