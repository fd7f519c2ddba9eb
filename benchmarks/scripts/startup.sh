#!/usr/bin/env bash
# Target 6: start-up cost of the starter. Starts a sample app (PERF_APP=micronaut, the default, or spring) N times with role-probe enabled and N
# times with role-probe.enabled=false (the same jar), alternating ABBA, in the simulated EKS pod (association
# effective at once). Per run: wall time from launch to the first HTTP answer (liveness path, any status),
# the process's CPU time (user + system) at that moment, which a loaded machine inflates less than wall time,
# the framework's own logged start-up time, the wall time from launch to readiness 200 (with role-probe: the
# verifier's first attempt done, which the starters begin once the application has started; polled every 50 ms),
# then: heap used after a full GC (jcmd GC.run + GC.heap_info), loaded classes and RSS.
#
#   benchmarks/scripts/startup.sh               # PERF_RUNS=8 by default
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
command -v jcmd >/dev/null || { echo "needs jcmd (a JDK)" >&2; exit 1; }
RUNS="${PERF_RUNS:-8}"

build
start_simulator

# first_answer NAME: polls every 10 ms until app NAME has written its port file (sets port) and that port answers
# HTTP at all. The app writes the file right after it bound the port (Micronaut's ServerStartupEvent, Spring Boot's
# WebServerInitializedEvent), in both variants alike.
first_answer() {
  local deadline=$(( $(now_ms) + 120000 ))
  port=""
  while [[ $(now_ms) -lt $deadline ]]; do
    [[ -z "$port" ]] && port="$(port_of "$1")"
    [[ -n "$port" && "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$port$LIVENESS_PATH" \
      2>/dev/null || true)" != 000 ]] && return 0
    sleep 0.01
  done
  return 1
}

echo "# $APP sample"
echo "| run | variant | first HTTP answer ms | process CPU ms at first answer | framework start-up ms | readiness 200 ms | heap used after full GC KiB | loaded classes | RSS KiB | load avg before |"
echo "|---|---|---|---|---|---|---|---|---|---|"
: >"$WORK/true.txt"; : >"$WORK/false.txt"
for r in $(seq 1 "$RUNS"); do
  if (( r % 2 )); then order="true false"; else order="false true"; fi
  for enabled in $order; do
    l="$(load)"
    t0=$(now_ms)
    start_app "run$r-$enabled" "$enabled"
    pid=$APP_PID
    first_answer "run$r-$enabled" || { tail -30 "$WORK/run$r-$enabled.log"; exit 1; }
    t1=$(now_ms)
    cpu=$(awk -v hz="$(getconf CLK_TCK)" '{printf "%.0f", ($14 + $15) * 1000 / hz}' "/proc/$pid/stat")
    wait_status "http://127.0.0.1:$port$READINESS_PATH" 200 60 || { tail -30 "$WORK/run$r-$enabled.log"; exit 1; }
    t2=$(now_ms)
    sleep 1
    jcmd "$pid" GC.run >/dev/null
    used=$(jcmd "$pid" GC.heap_info | awk '/garbage-first heap|def new generation|PSYoungGen|total/ && /used/ {for(i=1;i<=NF;i++) if ($i=="used") {v=$(i+1); gsub(/K,?/,"",v); print v; exit}}')
    classes=$(jcmd "$pid" PerfCounter.print | awk -F= '/java.cls.loadedClasses=/ {l=$2} /java.cls.unloadedClasses=/ {u=$2} END {print l-u}')
    rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
    mn=$(startup_ms "$WORK/run$r-$enabled.log")
    stop_app "$pid"
    echo "$((t1 - t0)) $cpu ${mn:-0} $((t2 - t0)) $used $classes $rss" >>"$WORK/$enabled.txt"
    echo "| $r | $([[ $enabled == true ]] && echo with || echo without) | $((t1 - t0)) | $cpu | ${mn:-?} | $((t2 - t0)) | $used | $classes | $rss | $l |"
  done
done
echo
names=(x first_answer_ms cpu_ms_at_first_answer framework_startup_ms readiness_200_ms heap_used_KiB loaded_classes rss_KiB)
for col in 1 2 3 4 5 6 7; do
  w=$(cut -d' ' -f$col "$WORK/true.txt" | median); wo=$(cut -d' ' -f$col "$WORK/false.txt" | median)
  echo "median ${names[$col]}: with $w, without $wo, difference $(awk -v a="$w" -v b="$wo" 'BEGIN{printf "%.1f", a-b}'), ratio $(awk -v a="$w" -v b="$wo" 'BEGIN{printf "%.3f", a/b}')"
done
echo "load average at end: $(load); JVM options: ${PERF_JVM_OPTS:--Xms256m -Xmx256m}"
