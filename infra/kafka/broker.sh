#!/usr/bin/env bash
# A real single-node Apache Kafka 3.9.1 broker (KRaft) for tests and local development, run with
# Java from the kafka_2.13 jars that Maven resolves (no Docker needed).
#
#   broker.sh fetch                       resolve the jars into the cache (seconds when cached)
#   broker.sh start [--port P] [--controller-port C] [--dir D] [--no-topics] [--topics FILE]
#                   [--parent-pid PID]    start in the background, wait until ready, create topics
#   broker.sh stop   [--port P] [--dir D] SIGTERM, wait, SIGKILL fallback
#   broker.sh status [--port P] [--dir D]
#
# Environment:
#   VIGIL_CACHE      cache root (default: $HOME/.cache/vigil); jars go to $VIGIL_CACHE/kafka-3.9.1/libs
#   KAFKA_HEAP_OPTS  JVM heap flags (default: -Xms128m -Xmx512m)
#   JAVA_HOME        Java 17 (11+ works); otherwise `java` on PATH
#
# The state directory (--dir, default $VIGIL_CACHE/kafka-3.9.1/run-<port>) holds broker.pid,
# server.properties (generated), data/ (log.dirs) and logs/ (server.log at WARN, jvm.log).
# --parent-pid makes a small watchdog stop the broker when that process exits (used by the test
# setup so a crashed test run leaves no broker behind on a shared machine).
set -euo pipefail

KAFKA_VERSION=3.9.1
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE_ROOT="${VIGIL_CACHE:-${HOME}/.cache/vigil}"
KAFKA_HOME="${CACHE_ROOT}/kafka-${KAFKA_VERSION}"
LIBS="${KAFKA_HOME}/libs"
CDS_ARCHIVE="${KAFKA_HOME}/kafka-cds.jsa"
HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms128m -Xmx512m}"

say() { echo "[kafka] $*"; }
die() { echo "[kafka] error: $*" >&2; exit 1; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

find_java() {
  local java
  if [[ -n "${JAVA_HOME:-}" && -x "${JAVA_HOME}/bin/java" ]]; then java="${JAVA_HOME}/bin/java"
  elif command -v java >/dev/null 2>&1; then java="$(command -v java)"
  else die "Java not found: install Java 17 (Debian: apt-get install openjdk-17-jre-headless) or set JAVA_HOME"
  fi
  local major
  major="$("$java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ { print $2 }')"
  major="${major%%.*}"
  if [[ -z "$major" || "$major" -lt 11 ]]; then
    die "Kafka ${KAFKA_VERSION} needs Java 11+ (17 recommended); ${java} is version '${major}'"
  fi
  echo "$java"
}

cmd_fetch() {
  if [[ -f "${LIBS}/.complete" ]]; then
    say "Kafka ${KAFKA_VERSION} jars already in ${LIBS}"
    return 0
  fi
  command -v mvn >/dev/null 2>&1 || die "Maven not found: install it (Debian: apt-get install maven) to resolve the Kafka ${KAFKA_VERSION} jars"
  local t0; t0="$(now)"
  say "resolving org.apache.kafka:kafka_2.13:${KAFKA_VERSION} with Maven into ${LIBS} ..."
  mkdir -p "${LIBS}"
  # -B: no colour codes or progress bars in logs; -q: only errors.
  local log="${KAFKA_HOME}/fetch.log"
  if ! mvn -B -q -f "${HERE}/pom.xml" "-Dvigil.libs.dir=${LIBS}" package > "$log" 2>&1; then
    tail -n 40 "$log" >&2
    die "Maven could not resolve the Kafka jars (is Maven Central reachable? full log: ${log})"
  fi
  ls "${LIBS}"/kafka_2.13-"${KAFKA_VERSION}".jar >/dev/null 2>&1 || die "Maven ran but ${LIBS} has no kafka_2.13 jar"
  touch "${LIBS}/.complete"
  rm -f "${CDS_ARCHIVE}"
  say "fetched $(ls "${LIBS}"/*.jar | wc -l) jars in $(elapsed "$t0")s"
}

# --- option parsing shared by start/stop/status ---------------------------------------------
PORT=19092
CONTROLLER_PORT=""
DIR=""
CREATE_TOPICS=1
TOPICS_FILE="${HERE}/topics.json"
PARENT_PID=""
parse_opts() {
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --port) PORT="$2"; shift 2 ;;
      --controller-port) CONTROLLER_PORT="$2"; shift 2 ;;
      --dir) DIR="$2"; shift 2 ;;
      --no-topics) CREATE_TOPICS=0; shift ;;
      --topics) TOPICS_FILE="$2"; shift 2 ;;
      --parent-pid) PARENT_PID="$2"; shift 2 ;;
      *) die "unknown option '$1' (see the header of broker.sh)" ;;
    esac
  done
  [[ "$PORT" =~ ^[0-9]+$ ]] || die "--port must be a number, got '${PORT}'"
  if [[ -z "$CONTROLLER_PORT" ]]; then CONTROLLER_PORT=$((PORT + 1)); fi
  [[ "$CONTROLLER_PORT" =~ ^[0-9]+$ ]] || die "--controller-port must be a number, got '${CONTROLLER_PORT}'"
  if [[ -z "$DIR" ]]; then DIR="${KAFKA_HOME}/run-${PORT}"; fi
  PID_FILE="${DIR}/broker.pid"
}

# Is $1 a live Kafka JVM (guards against a recycled pid)?
is_broker_pid() {
  local pid="$1"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && tr '\0' ' ' < "/proc/${pid}/cmdline" 2>/dev/null | grep -q 'kafka\.Kafka'
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

cmd_start() {
  parse_opts "$@"
  if [[ -f "$PID_FILE" ]] && is_broker_pid "$(cat "$PID_FILE")"; then
    say "Kafka ${KAFKA_VERSION} broker already running on 127.0.0.1:${PORT} (pid $(cat "$PID_FILE"), dir ${DIR})"
    return 0
  fi
  if port_open "$PORT"; then die "port ${PORT} is already in use (another broker? try: broker.sh status --port ${PORT})"; fi
  if port_open "$CONTROLLER_PORT"; then die "controller port ${CONTROLLER_PORT} is already in use (use --controller-port)"; fi

  local t0; t0="$(now)"
  local java; java="$(find_java)"
  cmd_fetch
  mkdir -p "${DIR}/data" "${DIR}/logs"

  # Generate this broker's properties: the checked-in file with ports and data dir replaced.
  local props="${DIR}/server.properties"
  sed -e "s#^controller.quorum.voters=.*#controller.quorum.voters=1@127.0.0.1:${CONTROLLER_PORT}#" \
      -e "s#^listeners=.*#listeners=PLAINTEXT://127.0.0.1:${PORT},CONTROLLER://127.0.0.1:${CONTROLLER_PORT}#" \
      -e "s#^advertised.listeners=.*#advertised.listeners=PLAINTEXT://127.0.0.1:${PORT}#" \
      -e "s#^log.dirs=.*#log.dirs=${DIR}/data#" \
      "${HERE}/server.properties" > "$props"

  local jvm_common=(-cp "${LIBS}/*" -Djava.awt.headless=true
    "-Dlog4j.configuration=file:${HERE}/log4j.properties" "-Dkafka.logs.dir=${DIR}/logs")

  # KRaft storage must be formatted once with a cluster id (16 random bytes, base64url, no padding,
  # which is Kafka's Uuid text form). --ignore-formatted keeps an existing data dir as it is.
  if [[ ! -f "${DIR}/data/meta.properties" ]]; then
    local cluster_id=''
    # An id starting with "-" is read as an option by kafka-storage's argument parser ("argument
    # --cluster-id/-t: expected one argument"; 1 start in 64): draw again.
    while [[ -z "$cluster_id" || "$cluster_id" == -* ]]; do
      cluster_id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
    done
    say "formatting KRaft storage in ${DIR}/data (cluster id ${cluster_id})"
    local fmt_cds=()
    if [[ -f "${CDS_ARCHIVE}" ]]; then fmt_cds=(-XX:SharedArchiveFile="${CDS_ARCHIVE}" -Xshare:auto); fi
    "$java" -Xmx256m -XX:TieredStopAtLevel=1 "${fmt_cds[@]}" "${jvm_common[@]}" kafka.tools.StorageTool \
      format -t "$cluster_id" -c "$props" --ignore-formatted > "${DIR}/logs/format.log" 2>&1 \
      || { cat "${DIR}/logs/format.log" >&2; die "storage format failed"; }
  fi

  # Class-data sharing (JDK 13+ dynamic archive) halves JVM start-up (about 3.5 s -> 1.5 s to
  # ready here). The first broker records an archive when it exits; `stop` moves it into the
  # cache; later brokers map it. -Xshare:auto ignores an archive that does not match the JVM.
  local cds=(-XX:ArchiveClassesAtExit="${DIR}/kafka.jsa")
  if [[ -f "${CDS_ARCHIVE}" ]]; then cds=(-XX:SharedArchiveFile="${CDS_ARCHIVE}" -Xshare:auto); fi

  say "starting Kafka ${KAFKA_VERSION} (KRaft, node 1) on 127.0.0.1:${PORT}, controller :${CONTROLLER_PORT}, dir ${DIR}"
  # SerialGC and a small heap: a test broker on a shared 2-core machine (Kafka's own script uses
  # G1 with 1 GiB, tuned for production). setsid detaches the JVM from this shell's session.
  # shellcheck disable=SC2086
  setsid "$java" -server $HEAP_OPTS -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError "${cds[@]}" \
    "${jvm_common[@]}" kafka.Kafka "$props" > "${DIR}/logs/jvm.log" 2>&1 < /dev/null &
  local pid=$!
  echo "$pid" > "$PID_FILE"

  # Wait for the port (or for the JVM to die), then for metadata answers.
  local deadline=$(( $(date +%s) + 90 ))
  until port_open "$PORT"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$PID_FILE"
      tail -n 30 "${DIR}/logs/jvm.log" "${DIR}/logs/server.log" >&2 2>/dev/null || true
      die "the broker exited during startup (logs in ${DIR}/logs)"
    fi
    if (( $(date +%s) > deadline )); then
      cmd_stop_pid "$pid"; die "the broker did not open port ${PORT} within 90 s (logs in ${DIR}/logs)"
    fi
    sleep 0.2
  done
  local topic_args=(--wait-only)
  if [[ "$CREATE_TOPICS" == 1 ]]; then topic_args=(--file "$TOPICS_FILE"); fi
  if ! node "${HERE}/create-topics.mjs" --brokers "127.0.0.1:${PORT}" --timeout-ms 60000 "${topic_args[@]}" \
       | sed 's/^/[kafka] /'; then
    cmd_stop_pid "$pid"; die "the broker did not become ready (logs in ${DIR}/logs)"
  fi
  if [[ -n "$PARENT_PID" ]]; then
    # Watchdog: stop the broker when the parent (e.g. the vitest process) is gone.
    setsid bash -c "while kill -0 ${PARENT_PID} 2>/dev/null && kill -0 ${pid} 2>/dev/null; do sleep 2; done
      if kill -0 ${pid} 2>/dev/null; then kill -TERM ${pid}; sleep 20; kill -KILL ${pid} 2>/dev/null; fi" \
      > /dev/null 2>&1 < /dev/null &
  fi
  say "Kafka ${KAFKA_VERSION} broker started on 127.0.0.1:${PORT} in $(elapsed "$t0")s (pid ${pid})"
}

# SIGTERM (controlled shutdown), wait up to 30 s, then SIGKILL.
cmd_stop_pid() {
  local pid="$1" i
  is_broker_pid "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 150; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.2
  done
  say "broker (pid ${pid}) still running after 30 s; sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
}

cmd_stop() {
  parse_opts "$@"
  if [[ ! -f "$PID_FILE" ]]; then say "no broker running for ${DIR}"; return 0; fi
  local pid; pid="$(cat "$PID_FILE")"
  if ! is_broker_pid "$pid"; then say "broker (pid ${pid}) is not running"; rm -f "$PID_FILE"; return 0; fi
  local t0; t0="$(now)"
  cmd_stop_pid "$pid"
  rm -f "$PID_FILE"
  # Keep the class-data archive the JVM wrote at exit (copy, then an atomic rename in the cache).
  if [[ -s "${DIR}/kafka.jsa" && ! -f "${CDS_ARCHIVE}" ]]; then
    cp "${DIR}/kafka.jsa" "${CDS_ARCHIVE}.tmp.$$" && mv -f "${CDS_ARCHIVE}.tmp.$$" "${CDS_ARCHIVE}" || rm -f "${CDS_ARCHIVE}.tmp.$$"
  fi
  rm -f "${DIR}/kafka.jsa"
  say "Kafka broker on 127.0.0.1:${PORT} stopped in $(elapsed "$t0")s"
}

cmd_status() {
  parse_opts "$@"
  if [[ -f "$PID_FILE" ]] && is_broker_pid "$(cat "$PID_FILE")"; then
    local state="port not answering"
    if port_open "$PORT"; then state="serving"; fi
    say "running: pid $(cat "$PID_FILE"), 127.0.0.1:${PORT} (${state}), dir ${DIR}"
  else
    say "not running (dir ${DIR})"
    return 3
  fi
}

case "${1:-}" in
  fetch) shift; cmd_fetch "$@" ;;
  start) shift; cmd_start "$@" ;;
  stop) shift; cmd_stop "$@" ;;
  status) shift; cmd_status "$@" ;;
  *) sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
