#!/usr/bin/env bash
# Target 2: cost of the probe over HTTP. Two instances of a sample app (PERF_APP=micronaut, the default, or
# spring) run side by side in the same
# simulated EKS pod, one with role-probe (verified, readiness 200) and one with role-probe.enabled=false;
# wrk loads the readiness path of each in turn, ABBA-interleaved, so that machine load
# hits both alike. Loopback only; every wrk run is bounded by -d.
#
#   benchmarks/scripts/http-probe.sh            # defaults below
#   PERF_APP=spring PERF_ROUNDS=4 PERF_DURATION=10s PERF_CONNECTIONS=4 PERF_DETAILS=hidden benchmarks/scripts/http-probe.sh
#
# Besides wrk's throughput and latency, each row has the app process's CPU time per request (user + system
# from /proc, measured around the wrk run): the measure a loaded machine distorts least. The summary gives the
# medians of each side and the median of the per-round ratios (each round's two runs are back to back, so
# their ratio cancels slow drifts of the machine).
#
# PERF_PIN=1 (default when the machine has 2 or more CPUs; needs taskset) runs both apps on the last CPU and
# wrk on the others, so that the load tool and the app under test do not compete for a CPU.
#
# PERF_DETAILS=hidden (default) hides health details from anonymous callers, as the frameworks do by default
# (a kubelet sees none); shown serialises them on every probe (the samples' demo setting).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 1; }

ROUNDS="${PERF_ROUNDS:-12}"         # each round runs with and without once (order alternates: ABBA)
DURATION="${PERF_DURATION:-10s}"
WARMUP="${PERF_WARMUP:-30s}"
CONNECTIONS="${PERF_CONNECTIONS:-4}"
DETAILS="${PERF_DETAILS:-hidden}"
PATHS="${PERF_PATHS:-$READINESS_PATH}"
CPUS="$(nproc)"
if [[ "${PERF_PIN:-$(( CPUS >= 2 ))}" == 1 ]] && command -v taskset >/dev/null; then
  APP_CPUS="$((CPUS - 1))"; LOAD_CPUS="0-$((CPUS - 2))"
fi

build
start_simulator
start_app with true "$(details_option "$DETAILS")"; PID_WITH=$APP_PID
start_app without false "$(details_option "$DETAILS")"; PID_WITHOUT=$APP_PID
P_WITH="$(await_port with 180)" || { echo "with: no port"; tail -30 "$WORK/with.log"; exit 1; }
P_WITHOUT="$(await_port without 180)" || { echo "without: no port"; tail -30 "$WORK/without.log"; exit 1; }
wait_status "http://127.0.0.1:$P_WITH$READINESS_PATH" 200 180 || { echo "with: not ready"; tail -30 "$WORK/with.log"; exit 1; }
wait_status "http://127.0.0.1:$P_WITHOUT$READINESS_PATH" 200 180 || { echo "without: not ready"; tail -30 "$WORK/without.log"; exit 1; }
echo "# $APP, details $DETAILS; apps on CPU ${APP_CPUS:-any}, wrk on CPU ${LOAD_CPUS:-any}; readiness bodies:"
echo "#   with:    $(curl -s "http://127.0.0.1:$P_WITH$READINESS_PATH" | head -c 400)"
echo "#   without: $(curl -s "http://127.0.0.1:$P_WITHOUT$READINESS_PATH" | head -c 400)"

cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.0f", ($14 + $15) * 1000 / hz}' "/proc/$1/stat"; }

run_wrk() { # run_wrk PORT PATH [DURATION] -> "rps avg_ms p50_ms p99_ms non2xx requests"
  local out
  out="$(${LOAD_CPUS:+taskset -c "$LOAD_CPUS"} wrk -t1 -c"$CONNECTIONS" -d"${3:-$DURATION}" --latency "http://127.0.0.1:$1$2")"
  awk '
    function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
    /Requests\/sec/ {rps=$2}
    /^    Latency/ {avg=ms($2)}
    /^     50%/ {p50=ms($2)}
    /^     99%/ {p99=ms($2)}
    /Non-2xx/ {bad=$NF}
    / requests in / {n=$1}
    END {printf "%.0f %.3f %.3f %.3f %d %d\n", rps, avg, p50, p99, bad+0, n}' <<<"$out"
}

for path in $PATHS; do
  echo "# warm-up $path (both, $WARMUP each)"
  run_wrk "$P_WITH" "$path" "$WARMUP" >/dev/null; run_wrk "$P_WITHOUT" "$path" "$WARMUP" >/dev/null
  echo
  echo "| path | round | variant | req/s | avg ms | p50 ms | p99 ms | app CPU µs/request | non-2xx | load avg before |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  : >"$WORK/with.txt"; : >"$WORK/without.txt"
  for r in $(seq 1 "$ROUNDS"); do
    if (( r % 2 )); then order="with without"; else order="without with"; fi
    for v in $order; do
      port=$P_WITH; pid=$PID_WITH; [[ $v == without ]] && { port=$P_WITHOUT; pid=$PID_WITHOUT; }
      l="$(load)"
      c0=$(cpu_ms "$pid")
      read -r rps avg p50 p99 bad n <<<"$(run_wrk "$port" "$path")"
      cpu=$(awk -v a="$c0" -v b="$(cpu_ms "$pid")" -v n="$n" 'BEGIN{printf "%.1f", (b-a)*1000/n}')
      echo "$rps $avg $p50 $p99 $cpu" >>"$WORK/$v.txt"
      echo "| $path | $r | $v | $rps | $avg | $p50 | $p99 | $cpu | $bad | $l |"
    done
  done
  for col in 1 2 3 4 5; do
    w=$(cut -d' ' -f$col "$WORK/with.txt" | median); wo=$(cut -d' ' -f$col "$WORK/without.txt" | median)
    pairs=$(paste -d' ' <(cut -d' ' -f$col "$WORK/with.txt") <(cut -d' ' -f$col "$WORK/without.txt") \
      | awk '$2 > 0 {printf "%.4f\n", $1/$2}' | median)
    name=(x req/s avg_ms p50_ms p99_ms cpu_us_per_request)
    echo "median ${name[$col]} $path: with $w, without $wo, ratio of medians $(awk -v a="$w" -v b="$wo" 'BEGIN{printf "%.3f", a/b}'), median of per-round ratios $pairs"
  done
done
echo "load average at end: $(load); $APP, details $DETAILS; wrk -t1 -c$CONNECTIONS -d$DURATION"
