#!/usr/bin/env bash
# role-probe demo: a simulated EKS pod (Pod Identity agent, IMDS with the node role, STS, all on
# 127.0.0.1) and the sample service, with a timeline of its readiness and liveness probes.
#
#   samples/demo.sh [micronaut | spring | spring3] [pod-identity | not-injected | stuck-on-node-role | stuck-client]
#
# Without an app argument it runs the Micronaut sample; `spring` runs the Spring Boot 4 sample, `spring3` the
# Spring Boot 3.5 sample with Spring Cloud AWS.
#
# Exits 0 only when the scenario ends as expected. Needs a JDK 17+ and curl; jq is used when present.
# Environment knobs:
#   DEMO_SKIP_BUILD=1   reuse the jars and classpath built by an earlier run
#   DEMO_TIMEOUT=60     seconds to wait for the expected outcome
#   DEMO_KEEP_LOGS=1    keep the temporary directory with the simulator and app logs
#   DEMO_CONSISTENT_AFTER=<seconds>  when the association becomes effective (default 5; 8 for
#                       stuck-on-node-role, where the agent also fails the app's first request)
#   DEMO_NO_JQ=1        read the health JSON with grep/sed even when jq is installed
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"

usage() {
  cat >&2 <<'EOF'
usage: samples/demo.sh [app] [scenario]

apps:
  micronaut           (default) samples/micronaut-app, probes /health/readiness and /health/liveness
  spring              samples/spring-boot-app (Spring Boot 4), probes /actuator/health/readiness and
                      /actuator/health/liveness
  spring3             samples/spring-boot3-app (Spring Boot 3.5, Spring Cloud AWS 3.4: its credentialsProvider
                      and SQS client), the same probes; processed ahead of time, run with
                      -Dspring.aot.enabled=true. In pod-identity it runs with AWS_EC2_METADATA_DISABLED=true, as
                      the kit's Deployments do: Spring Cloud AWS's credentialsProvider is one chain for the whole
                      JVM, so a resolution before the association is effective would keep the node role (that is
                      stuck-on-node-role).

scenarios:
  pod-identity        (default) the Pod Identity association becomes effective 5 s after the pod
                      starts; readiness stays DOWN until STS confirms the pod role, then goes UP.
  not-injected        the pod was admitted without Pod Identity env; readiness stays DOWN with
                      NOT_INJECTED and a remedy, liveness stays UP (a restart would not help).
  stuck-on-node-role  the app resolves credentials once at startup, before the association is
                      effective, and its chain sticks on the node role; readiness stays DOWN with
                      WRONG_IDENTITY/NODE_ROLE and liveness goes DOWN after the grace period.
  stuck-client        the app has no credentials provider bean; its own STS client (its own default
                      chain) calls STS at startup, before the association is effective, and sticks on
                      the node role. role-probe's own chain gets the pod's role later, but its request
                      guard saw the client: readiness stays DOWN with WRONG_IDENTITY/NODE_ROLE naming
                      the client, and liveness goes DOWN after the grace period. With spring3 the
                      client is Spring Cloud AWS's SQS client, which sends a message at startup with
                      Spring Cloud AWS's credentialsProvider; the reason names the sqs client.
EOF
}

# ---------------------------------------------------------------------------------------------
# Arguments: an optional app, then an optional scenario.
APP_NAME="micronaut"
case "${1:-}" in
  spring|spring3|micronaut) APP_NAME="$1"; shift ;;
esac
SCENARIO="${1:-pod-identity}"
if [[ $# -gt 1 ]]; then usage; exit 2; fi
case "$SCENARIO" in
  pod-identity|not-injected|stuck-on-node-role|stuck-client) ;;
  -h|--help|help) usage; exit 0 ;;
  *) echo "unknown scenario: $SCENARIO" >&2; usage; exit 2 ;;
esac

# What differs between the sample apps. HOST_PORT_PROPS: 127.0.0.1, port 0 (the kernel picks a free port as the app
# binds it). STATE_PATH: where the verifier's state and details are read;
# empty means from the readiness (else liveness) answer itself. Spring Boot's probe groups answer only
# {"status": ...}, so the Spring app's details come from the roleProbe health component.
# *_ENV: the environment variable names of sample.warm-up-credentials and role-probe.liveness-grace
# (Micronaut maps ROLE_PROBE_LIVENESS_GRACE; Spring Boot's relaxed binding drops the dashes).
# CLIENT: the application client that /whoami uses and that stuck-client warms up (the reason names it).
# SIM_ARGS: more simulator options; APP_JAVA_OPTS: more JVM options; POD_IDENTITY_ENV: more app env in pod-identity.
# STUCK_FAILED_REQUESTS: in the stuck scenarios, how many agent requests fail whatever the time (see below).
SIM_ARGS=(); APP_JAVA_OPTS=(); POD_IDENTITY_ENV=()
CLIENT="sts"
STUCK_FAILED_REQUESTS=1
case "$APP_NAME" in
  micronaut)
    APP_MODULE="samples/micronaut-app"
    APP_JAR="$ROOT/$APP_MODULE/target/role-probe-sample-micronaut-app-0.1.0-SNAPSHOT-all.jar"
    READINESS_PATH="/health/readiness"
    LIVENESS_PATH="/health/liveness"
    STATE_PATH=""
    HOST_PORT_PROPS=(-Dmicronaut.server.host=127.0.0.1 -Dmicronaut.server.port=0)
    WARM_UP_ENV="SAMPLE_WARM_UP_CREDENTIALS"
    WARM_UP_CLIENT_ENV="SAMPLE_WARM_UP_CLIENT"
    GRACE_ENV="ROLE_PROBE_LIVENESS_GRACE"
    ;;
  spring|spring3)
    APP_MODULE="samples/spring-boot-app"
    APP_JAR="$ROOT/$APP_MODULE/target/role-probe-sample-spring-boot-app-0.1.0-SNAPSHOT.jar"
    READINESS_PATH="/actuator/health/readiness"
    LIVENESS_PATH="/actuator/health/liveness"
    STATE_PATH="/actuator/health/roleProbe"
    HOST_PORT_PROPS=(-Dserver.address=127.0.0.1 -Dserver.port=0)
    WARM_UP_ENV="SAMPLE_WARMUPCREDENTIALS"
    WARM_UP_CLIENT_ENV="SAMPLE_WARMUPCLIENT"
    GRACE_ENV="ROLEPROBE_LIVENESSGRACE"
    ;;
esac
# The Spring Boot 3.5 sample: the same probes and settings as the Boot 4 one, its own jar, and Spring Cloud AWS's SQS.
if [[ "$APP_NAME" == spring3 ]]; then
  APP_MODULE="samples/spring-boot3-app"
  APP_JAR="$ROOT/$APP_MODULE/target/role-probe-sample-spring-boot3-app-0.1.0-SNAPSHOT.jar"
  CLIENT="sqs"
  SIM_ARGS=(--sqs-queue orders)
  APP_JAVA_OPTS=(-Dspring.aot.enabled=true)
  POD_IDENTITY_ENV=(AWS_EC2_METADATA_DISABLED=true)
  # The SDK's container provider retries a request that fails with an IOException (a read timeout on a loaded
  # machine) up to 5 times: the start-up resolution fails for good only if all 6 fail. Seen with this app, whose
  # start-up resolution comes late; later requests come from the same JVM-wide chain, which by then is stuck.
  STUCK_FAILED_REQUESTS=6
fi
WHOAMI_PATH="/whoami"
LABEL="$SCENARIO"; [[ "$APP_NAME" != micronaut ]] && LABEL="$APP_NAME $SCENARIO"

ROLE_ARN="arn:aws:iam::111122223333:role/orders"
# The Pod Identity association becomes effective this long after the simulated pod starts. The app
# itself needs a few seconds to start (more on a busy machine), so on a quiet machine the window in
# which the app runs but the agent cannot serve the role yet is short; DEMO_CONSISTENT_AFTER widens it.
CONSISTENT_AFTER_S=5
LIVENESS_GRACE="5s"
TIMEOUT_S="${DEMO_TIMEOUT:-60}"
STABLE_POLLS=4          # not-injected: polls the outcome must hold for
POLL_MS=500
CONSISTENT_AFTER_REQUESTS=0
if [[ "$SCENARIO" == stuck-on-node-role || "$SCENARIO" == stuck-client ]]; then
  # The app's start-up resolution is the agent's first request and always fails, however long the
  # JVM takes to start: its long-lived chain falls through to IMDS. The outcome then has to hold
  # after the association works.
  CONSISTENT_AFTER_S=8
  CONSISTENT_AFTER_REQUESTS="$STUCK_FAILED_REQUESTS"
fi
CONSISTENT_AFTER_S="${DEMO_CONSISTENT_AFTER:-$CONSISTENT_AFTER_S}"

JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
command -v curl >/dev/null || { echo "demo.sh needs curl" >&2; exit 1; }
command -v "$JAVA" >/dev/null || { echo "demo.sh needs java 17+ (set JAVA_HOME)" >&2; exit 1; }
HAVE_JQ=0; [[ "${DEMO_NO_JQ:-0}" != 1 ]] && command -v jq >/dev/null && HAVE_JQ=1

# ---------------------------------------------------------------------------------------------
# Cleanup of everything this script starts.
WORK="$(mktemp -d "${TMPDIR:-/tmp}/role-probe-demo.XXXXXX")"
SIM_PID=""; APP_PID=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ -n "$APP_PID" ]] && kill -0 "$APP_PID" 2>/dev/null; then
    kill "$APP_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$APP_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$APP_PID" 2>/dev/null || true
  fi
  # Closing our end of the FIFO is end-of-file on the simulator's stdin: it stops by itself.
  exec 3>&-
  if [[ -n "$SIM_PID" ]]; then
    for _ in $(seq 1 50); do kill -0 "$SIM_PID" 2>/dev/null || break; sleep 0.1; done
    kill "$SIM_PID" 2>/dev/null || true
    wait "$SIM_PID" 2>/dev/null || true
  fi
  wait 2>/dev/null || true
  if [[ "${DEMO_KEEP_LOGS:-0}" == 1 ]]; then
    echo "logs kept in $WORK" >&2
  else
    rm -rf "$WORK"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

now_ms() { date +%s%3N; }
log() { printf '%s\n' "$*"; }

# ---------------------------------------------------------------------------------------------
# Build.
cd "$ROOT"
CP_FILE="$ROOT/$APP_MODULE/target/testkit-classpath.txt"
if [[ "${DEMO_SKIP_BUILD:-0}" != 1 || ! -f "$APP_JAR" || ! -f "$CP_FILE" ]]; then
  log "==> building role-probe and the $APP_NAME sample (mvnw -DskipTests install) ..."
  ./mvnw -q -B -DskipTests install -pl "testkit,$APP_MODULE" -am
  ./mvnw -q -B -pl testkit dependency:build-classpath -DincludeScope=runtime \
    -Dmdep.outputFile="$CP_FILE"
fi
TESTKIT_JAR="$(ls "$ROOT"/testkit/target/role-probe-testkit-*.jar 2>/dev/null \
  | grep -v -e '-sources' -e '-javadoc' -e '-tests' | head -1 || true)"
[[ -f "$APP_JAR" ]] || { echo "missing $APP_JAR" >&2; exit 1; }
[[ -n "$TESTKIT_JAR" ]] || { echo "missing the testkit jar under testkit/target" >&2; exit 1; }

# ---------------------------------------------------------------------------------------------
# Simulator. It runs until its stdin reaches end-of-file: feed it from a FIFO held open on fd 3,
# so it also stops if this script dies without running its trap.
SIM_SCENARIO="$SCENARIO"
[[ "$SCENARIO" == stuck-client ]] && SIM_SCENARIO="stuck-on-node-role"   # the same world; only the app differs
SIM_OUT="$WORK/simulator.log"
ENV_FILE="$WORK/pod.env"
mkfifo "$WORK/sim.stdin"
if [[ "$SCENARIO" == not-injected ]]; then
  log "==> starting the simulated EKS pod (scenario $SIM_SCENARIO: no Pod Identity env, IMDS serves the node role)"
else
  log "==> starting the simulated EKS pod (scenario $SIM_SCENARIO: association effective after ${CONSISTENT_AFTER_S}s, IMDS serves the node role)"
fi
"$JAVA" -cp "$TESTKIT_JAR:$(cat "$CP_FILE")" io.github.roleprobe.testkit.SimulatorMain \
  --scenario "$SIM_SCENARIO" --consistent-after "${CONSISTENT_AFTER_S}s" \
  --consistent-after-requests "$CONSISTENT_AFTER_REQUESTS" --role-arn "$ROLE_ARN" \
  --env-file "$ENV_FILE" ${SIM_ARGS[@]+"${SIM_ARGS[@]}"} <"$WORK/sim.stdin" >"$SIM_OUT" 2>&1 &
SIM_PID=$!
exec 3>"$WORK/sim.stdin"

for _ in $(seq 1 300); do
  grep -q '^role-probe simulator ready$' "$SIM_OUT" 2>/dev/null && break
  kill -0 "$SIM_PID" 2>/dev/null || { echo "simulator exited:" >&2; cat "$SIM_OUT" >&2; exit 1; }
  sleep 0.1
done
grep -q '^role-probe simulator ready$' "$SIM_OUT" || { echo "simulator not ready after 30 s:" >&2; cat "$SIM_OUT" >&2; exit 1; }
T0="$(now_ms)"   # the association's clock started (just) before this
grep '^export ' "$SIM_OUT" | sed 's/^/    /'

# ---------------------------------------------------------------------------------------------
# App. A clean environment: nothing AWS_* or KUBERNETES_SERVICE_* from the caller's shell, then
# exactly what the simulated pod would get.
# The app binds port 0 and, once it listens, writes the port it got to PORT_FILE (sample.port-file, see
# samples/README.md). A port picked here and bound later by the app could be taken in between, for example as the
# local port of another process's outgoing connection.
PORT_FILE="$WORK/app.port"
PORT=""; BASE=""
APP_OUT="$WORK/app.log"
app_port() { # sets PORT and BASE once the app has written its port file; true when they are set
  if [[ -z "$PORT" && -s "$PORT_FILE" ]]; then
    # Spring Boot creates the file, then writes it: -s skips the empty file of that moment.
    local p; p="$(tr -d '[:space:]' <"$PORT_FILE")"
    [[ "$p" =~ ^[1-9][0-9]*$ ]] && { PORT="$p"; BASE="http://127.0.0.1:$PORT"; }
  fi
  [[ -n "$PORT" ]]
}

APP_PROPS=("${HOST_PORT_PROPS[@]}" "-Dsample.port-file=$PORT_FILE" ${APP_JAVA_OPTS[@]+"${APP_JAVA_OPTS[@]}"})
APP_ENV=(ROLE_PROBE_ROLE_ARN="$ROLE_ARN")
if [[ "$SCENARIO" == pod-identity ]]; then
  APP_ENV+=(${POD_IDENTITY_ENV[@]+"${POD_IDENTITY_ENV[@]}"})
elif [[ "$SCENARIO" == stuck-on-node-role ]]; then
  APP_ENV+=("$WARM_UP_ENV=true" "$GRACE_ENV=$LIVENESS_GRACE")
elif [[ "$SCENARIO" == stuck-client ]]; then
  APP_ENV+=("$WARM_UP_CLIENT_ENV=true" "$GRACE_ENV=$LIVENESS_GRACE")
fi

log "==> starting the $APP_NAME sample on 127.0.0.1, port 0 (the kernel picks it)${APP_ENV[*]:+ with ${APP_ENV[*]}}"
(
  while IFS= read -r name; do unset "$name"; done < <(compgen -e | grep -E '^(AWS_|KUBERNETES_SERVICE_)' || true)
  while IFS='=' read -r key value; do
    [[ -n "$key" ]] && export "$key=$value"
  done <"$ENV_FILE"
  for kv in "${APP_ENV[@]}"; do export "${kv?}"; done
  exec "$JAVA" "${APP_PROPS[@]}" -jar "$APP_JAR" </dev/null
) >"$APP_OUT" 2>&1 &
APP_PID=$!

# ---------------------------------------------------------------------------------------------
# Probing.
json_field() { # json_field NAME < body : the first string value of "NAME" anywhere in the JSON
  if [[ $HAVE_JQ == 1 ]]; then
    jq -r --arg k "$1" '[.. | objects | .[$k]? | select(type == "string")] | first // empty' 2>/dev/null || true
  else
    { grep -oE "\"$1\" *: *\"([^\"\\\\]|\\\\.)*\"" || true; } | head -n 1 \
      | sed -E "s/^\"$1\" *: *\"//; s/\"\$//; s/\\\\(.)/\\1/g"
  fi
}
state_of() { # state_of FILE : sets STATE and WRONG from a health JSON body
  STATE="$(json_field state <"$1")"
  WRONG=""
  [[ "$STATE" == WRONG_IDENTITY ]] && WRONG="$(json_field wrongIdentity <"$1")"
  return 0
}
probe() { # probe PATH BODYFILE -> prints the status code, 000 when nothing answered (or the app has no port yet)
  [[ -n "$PORT" ]] || { echo 000; return 0; }
  curl -s -o "$2" -w '%{http_code}' --max-time 2 "$BASE$1" 2>/dev/null || true
}
elapsed() { local ms=$(( $(now_ms) - T0 )); printf '%3d.%01ds' $(( ms / 1000 )) $(( (ms % 1000) / 100 )); }

STATE_FILE="$WORK/readiness.json"
[[ -n "$STATE_PATH" ]] && STATE_FILE="$WORK/state.json"

log ""
log "    time  probes                        verifier state"
RESULT=1
STATE=""; WRONG=""; READY=""; LIVE=""; STREAK=0; MARKED=0; DEADLINE=$(( T0 + TIMEOUT_S * 1000 )); NEXT=$(now_ms)
while true; do
  app_port || true   # here, not in probe: that runs in a subshell
  READY="$(probe "$READINESS_PATH" "$WORK/readiness.json")"
  LIVE="$(probe "$LIVENESS_PATH" "$WORK/liveness.json")"
  STATE=""; WRONG=""
  if [[ -n "$STATE_PATH" ]]; then
    [[ "$(probe "$STATE_PATH" "$STATE_FILE")" != 000 ]] && state_of "$STATE_FILE"
  else
    [[ "$READY" != 000 ]] && state_of "$WORK/readiness.json"
    [[ -z "$STATE" && "$LIVE" != 000 ]] && state_of "$WORK/liveness.json"
  fi
  SHOWN="${STATE:--}${WRONG:+/$WRONG}"
  [[ "$READY" == 000 && "$LIVE" == 000 ]] && SHOWN="(app starting)"
  if [[ $MARKED == 0 && "$SCENARIO" != not-injected && $(( $(now_ms) - T0 )) -ge $(( CONSISTENT_AFTER_S * 1000 )) ]]; then
    printf '  %3d.0s  -- the Pod Identity association is effective from here on --\n' "$CONSISTENT_AFTER_S"
    MARKED=1
  fi
  printf '  %s  readiness=%s  liveness=%s  state=%s\n' "$(elapsed)" "$READY" "$LIVE" "$SHOWN"

  REACHED=0
  case "$SCENARIO" in
    pod-identity)
      [[ "$READY" == 200 && "$STATE" == VERIFIED ]] && REACHED=1 ;;
    not-injected)
      if [[ "$READY" == 503 && "$LIVE" == 200 && "$STATE" == NOT_INJECTED ]]; then
        STREAK=$(( STREAK + 1 )); [[ $STREAK -ge $STABLE_POLLS ]] && REACHED=1
      else
        STREAK=0
      fi ;;
    stuck-on-node-role) # ... and still so 2 s after the association became effective
      [[ "$READY" == 503 && "$LIVE" == 503 && "$STATE" == WRONG_IDENTITY && "$WRONG" == NODE_ROLE \
        && $(( $(now_ms) - T0 )) -ge $(( CONSISTENT_AFTER_S * 1000 + 2000 )) ]] && REACHED=1 ;;
    stuck-client) # the same, and the reason names the application's client (the request guard saw it)
      [[ "$READY" == 503 && "$LIVE" == 503 && "$STATE" == WRONG_IDENTITY && "$WRONG" == NODE_ROLE \
        && "$(json_field reason <"$STATE_FILE")" == *"$CLIENT client"* \
        && $(( $(now_ms) - T0 )) -ge $(( CONSISTENT_AFTER_S * 1000 + 2000 )) ]] && REACHED=1 ;;
  esac
  if [[ $REACHED == 1 ]]; then RESULT=0; DONE_AT="$(elapsed | tr -d " ")"; break; fi

  if ! kill -0 "$APP_PID" 2>/dev/null; then
    log "  the app exited; its log:"; sed 's/^/    /' "$APP_OUT"; break
  fi
  if [[ $(now_ms) -ge $DEADLINE ]]; then
    log "  timed out after ${TIMEOUT_S}s"; break
  fi
  # Next poll on the 500 ms grid (a slow poll skips ticks rather than drifting).
  NOW=$(now_ms); NEXT=$(( NEXT + POLL_MS )); while [[ $NEXT -le $NOW ]]; do NEXT=$(( NEXT + POLL_MS )); done
  sleep "$(printf '%d.%03d' $(( (NEXT - NOW) / 1000 )) $(( (NEXT - NOW) % 1000 )))"
done

# ---------------------------------------------------------------------------------------------
# Outcome.
detail() { json_field "$1" <"$STATE_FILE"; }
WHOAMI=""
app_port && WHOAMI="$(curl -s --max-time 5 "$BASE$WHOAMI_PATH" 2>/dev/null || true)"
log ""
[[ -n "$BASE" ]] && log "  the app listened on $BASE"
log "  GET $WHOAMI_PATH (the app's own ${CLIENT^^} client): ${WHOAMI:-no answer}"
[[ -n "$(detail reason)" ]] && log "  reason: $(detail reason)"
[[ "$STATE" != VERIFIED && -n "$(detail remedy)" ]] && log "  remedy: $(detail remedy)"
[[ -n "$(detail credentialSource)" ]] && log "  credential source: $(detail credentialSource)"
log ""

if [[ $RESULT != 0 ]]; then
  log "FAIL [$LABEL]: expected outcome not reached; last readiness=$READY liveness=$LIVE state=${STATE:--}${WRONG:+/$WRONG}"
  [[ -z "$PORT" ]] && log "  the app wrote no port to $PORT_FILE (a jar built before sample.port-file existed? run without DEMO_SKIP_BUILD)"
  log "--- app log (tail) ---"; tail -n 40 "$APP_OUT" | sed 's/^/    /'
  log "--- simulator log (tail) ---"; tail -n 20 "$SIM_OUT" | sed 's/^/    /'
  exit 1
fi

case "$SCENARIO" in
  pod-identity)
    log "OK [$LABEL] at $DONE_AT: readiness=200 state=VERIFIED as $(detail callerArn) (expected role $ROLE_ARN)" ;;
  not-injected)
    log "OK [$LABEL] at $DONE_AT: readiness=503 liveness=200 state=NOT_INJECTED for $STABLE_POLLS polls: out of service, no restart (only a new pod gets the env)" ;;
  stuck-on-node-role)
    log "OK [$LABEL] at $DONE_AT: readiness=503 liveness=503 state=WRONG_IDENTITY/NODE_ROLE as $(detail callerArn) (expected role $ROLE_ARN): a kubelet would restart the container" ;;
  stuck-client)
    log "OK [$LABEL] at $DONE_AT: readiness=503 liveness=503 state=WRONG_IDENTITY/NODE_ROLE: the app's own ${CLIENT^^} client signs with the node role (expected role $ROLE_ARN), and readiness stays DOWN although the association is effective; a kubelet would restart the container" ;;
esac
exit 0
