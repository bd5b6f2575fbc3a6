# Shared helpers of the bench/*.sh scripts that start servers: logging, argument checks, the
# processes they started (stopped on exit, Ctrl-C or failure), ports and nginx instances.
# Sourced, not run. Expects BENCH_DIR; start_nginx also expects NGINX and RUN_TMP.
# shellcheck shell=bash

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

check_int() { # name value min max
  [[ "$2" =~ ^[0-9]+$ ]] || die "$1 must be a whole number, got '$2'"
  [ "$2" -ge "$3" ] && [ "$2" -le "$4" ] || die "$1 must be in [$3, $4], got $2"
}
# ---------------------------------------------------------------- process bookkeeping
PIDS=()
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  local pid i
  for pid in "${PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    for i in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    if kill -0 "$pid" 2>/dev/null; then
      log "pid $pid did not stop in 10s, sending KILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
  done
  [ "${#PIDS[@]}" -eq 0 ] || log "stopped ${#PIDS[@]} process(es); logs in ${RUN_TMP:-?}"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
listener_pid() { ss -ltnpH "sport = :$1" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2; } # port: the process listening on it, or nothing

wait_port() { # port pid seconds what
  local i
  for i in $(seq 1 $(($3 * 10))); do
    port_open "$1" && return 0
    kill -0 "$2" 2>/dev/null || die "$4 exited during startup"
    sleep 0.1
  done
  die "$4 did not open 127.0.0.1:$1 within $3s"
}

# nginx from a config in bench/ with its own prefix under RUN_TMP; waits for its port.
start_nginx() { # name conf port
  local prefix="$RUN_TMP/$1/"
  mkdir -p "$prefix/logs" "$prefix/tmp"
  "$NGINX" -t -q -c "$BENCH_DIR/$2" -p "$prefix" -e "$prefix/logs/error.log" \
    || die "nginx config $2 failed its test (see $prefix/logs/error.log)"
  "$NGINX" -c "$BENCH_DIR/$2" -p "$prefix" -e "$prefix/logs/error.log" \
    >"$prefix/logs/stdout.log" 2>&1 &
  PIDS+=("$!")
  wait_port "$3" "$!" 10 "nginx ($2)"
}
