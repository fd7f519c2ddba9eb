# Shared by http-probe.sh and startup.sh: builds a sample app (PERF_APP=micronaut, the default, or spring),
# runs the simulated EKS pod and starts sample-app instances in it. Source it; it sets ROOT, APP_JAR,
# READINESS_PATH, LIVENESS_PATH, SIM_ENV_FILE and a cleanup trap. Everything listens on 127.0.0.1 only.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
APP="${PERF_APP:-micronaut}"
case "$APP" in
  micronaut)
    APP_MODULE="samples/micronaut-app"
    APP_JAR="$ROOT/$APP_MODULE/target/role-probe-sample-micronaut-app-0.1.0-SNAPSHOT-all.jar"
    READINESS_PATH="/health/readiness"; LIVENESS_PATH="/health/liveness"
    STARTUP_LOG_RE='Startup completed in [0-9]*ms' ;;
  spring)
    APP_MODULE="samples/spring-boot-app"
    APP_JAR="$ROOT/$APP_MODULE/target/role-probe-sample-spring-boot-app-0.1.0-SNAPSHOT.jar"
    READINESS_PATH="/actuator/health/readiness"; LIVENESS_PATH="/actuator/health/liveness"
    STARTUP_LOG_RE='Started [A-Za-z]* in [0-9.]* seconds' ;;
  *) echo "PERF_APP must be micronaut or spring" >&2; exit 2 ;;
esac
CP_FILE="$ROOT/testkit/target/testkit-runtime-classpath.txt"
ROLE_ARN="arn:aws:iam::111122223333:role/orders"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/role-probe-perf.XXXXXX")"
SIM_PID=""
APP_PIDS=()

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  for pid in "${APP_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${APP_PIDS[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  exec 3>&- 2>/dev/null || true
  if [[ -n "$SIM_PID" ]]; then
    for _ in $(seq 1 50); do kill -0 "$SIM_PID" 2>/dev/null || break; sleep 0.1; done
    kill "$SIM_PID" 2>/dev/null || true
  fi
  wait 2>/dev/null || true
  if [[ "${PERF_KEEP_LOGS:-0}" == 1 ]]; then echo "logs kept in $WORK" >&2; else rm -rf "$WORK"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

now_ms() { date +%s%3N; }

# CPU pinning for the HTTP comparison (http-probe.sh sets these; empty: no pinning). With at least 2 CPUs the
# apps run on the last CPU and the load tool on the others, so that they do not take CPU from each other.
APP_CPUS="${APP_CPUS:-}"; LOAD_CPUS="${LOAD_CPUS:-}"
load() { cut -d' ' -f1-3 /proc/loadavg; }

build() {
  cd "$ROOT"
  if [[ "${PERF_SKIP_BUILD:-0}" != 1 || ! -f "$APP_JAR" || ! -f "$CP_FILE" ]]; then
    echo "==> building the $APP sample and the testkit (mvnw -DskipTests install) ..." >&2
    ./mvnw -q -B -DskipTests install -pl "testkit,$APP_MODULE" -am
    ./mvnw -q -B -pl testkit dependency:build-classpath -DincludeScope=runtime -Dmdep.outputFile="$CP_FILE"
  fi
}

# Starts the simulated pod (association effective at once); writes its env to $SIM_ENV_FILE.
start_simulator() {
  local testkit_jar
  testkit_jar="$(ls "$ROOT"/testkit/target/role-probe-testkit-*.jar | grep -v -e '-sources' -e '-javadoc' -e '-tests' | head -1)"
  SIM_ENV_FILE="$WORK/pod.env"
  mkfifo "$WORK/sim.stdin"
  "$JAVA" -Dsun.net.httpserver.nodelay=true -cp "$testkit_jar:$(cat "$CP_FILE")" io.github.roleprobe.testkit.SimulatorMain \
    --scenario pod-identity --consistent-after 0s --role-arn "$ROLE_ARN" --env-file "$SIM_ENV_FILE" \
    <"$WORK/sim.stdin" >"$WORK/simulator.log" 2>&1 &
  SIM_PID=$!
  exec 3>"$WORK/sim.stdin"
  for _ in $(seq 1 300); do
    grep -q '^role-probe simulator ready$' "$WORK/simulator.log" 2>/dev/null && return 0
    kill -0 "$SIM_PID" 2>/dev/null || { cat "$WORK/simulator.log" >&2; return 1; }
    sleep 0.1
  done
  echo "simulator not ready" >&2; cat "$WORK/simulator.log" >&2; return 1
}

# port_of NAME: the port app NAME listens on, from the port file it writes once it listens; nothing while it has
# not. start_app gives every app port 0: the kernel picks a free port as the app binds it, where a port picked
# here and bound later could be taken in between (for example as the local port of another outgoing connection).
port_of() {
  local f="$WORK/$1.port" p
  [[ -s "$f" ]] || return 0   # Spring Boot creates the file, then writes it
  p="$(tr -d '[:space:]' <"$f")"
  [[ "$p" =~ ^[1-9][0-9]*$ ]] && echo "$p"
  return 0
}

# await_port NAME TIMEOUT_S: prints the port of app NAME once it listens; fails after TIMEOUT_S.
await_port() {
  local deadline=$(( $(now_ms) + $2 * 1000 )) p
  while [[ $(now_ms) -lt $deadline ]]; do
    p="$(port_of "$1")"
    [[ -n "$p" ]] && { echo "$p"; return 0; }
    sleep 0.01
  done
  return 1
}

# details_option VALUE: the -D option that sets health details visibility; VALUE is hidden or shown.
details_option() {
  if [[ "$APP" == spring ]]; then
    [[ "$1" == shown ]] && echo "-Dmanagement.endpoint.health.show-details=always" || echo "-Dmanagement.endpoint.health.show-details=never"
  else
    [[ "$1" == shown ]] && echo "-Dendpoints.health.details-visible=ANONYMOUS" || echo "-Dendpoints.health.details-visible=AUTHENTICATED"
  fi
}

# startup_ms LOGFILE: the framework's own start-up time in ms, from its log line.
startup_ms() {
  grep -o "$STARTUP_LOG_RE" "$1" | head -1 | awk '{for (i=1;i<=NF;i++) if ($i ~ /^[0-9.]+(ms)?$/) {v=$i; sub(/ms$/,"",v); if ($0 ~ /seconds/) v=v*1000; printf "%.0f\n", v; exit}}'
}

# start_app NAME ENABLED [extra -D options...]: starts the sample in the simulated pod's environment, on port 0
# (port_of NAME tells the port once it listens); sets APP_PID. ENABLED=false sets role-probe.enabled=false (the
# same jar, role-probe switched off).
start_app() {
  local name="$1" enabled="$2"; shift 2
  (
    while IFS= read -r v; do unset "$v"; done < <(compgen -e | grep -E '^(AWS_|KUBERNETES_SERVICE_)' || true)
    while IFS='=' read -r key value; do [[ -n "$key" ]] && export "$key=$value"; done <"$SIM_ENV_FILE"
    export ROLE_PROBE_ROLE_ARN="$ROLE_ARN"
    if [[ "$APP" == spring ]]; then
      server=(-Dserver.address=127.0.0.1 -Dserver.port=0)
    else
      server=(-Dmicronaut.server.host=127.0.0.1 -Dmicronaut.server.port=0)
    fi
    server+=("-Dsample.port-file=$WORK/$name.port")
    exec ${APP_CPUS:+taskset -c "$APP_CPUS"} "$JAVA" ${PERF_JVM_OPTS:--Xms256m -Xmx256m} "${server[@]}" \
      -Drole-probe.enabled="$enabled" "$@" -jar "$APP_JAR" </dev/null
  ) >"$WORK/$name.log" 2>&1 &
  APP_PID=$!
  APP_PIDS+=("$APP_PID")
}

# wait_status URL CODE TIMEOUT_S: polls until URL answers CODE.
wait_status() {
  local url="$1" code="$2" deadline=$(( $(now_ms) + $3 * 1000 ))
  while [[ $(now_ms) -lt $deadline ]]; do
    [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" 2>/dev/null || true)" == "$code" ]] && return 0
    sleep 0.05
  done
  return 1
}

stop_app() {
  local pid="$1"
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

median() { sort -n | awk '{a[NR]=$1} END {if (NR==0) {print "nan"} else if (NR%2) {print a[(NR+1)/2]} else {printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}}'; }
