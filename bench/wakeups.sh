#!/usr/bin/env bash
# One connection taken apart by the kernel's own clock: wrk -c1 against a JVM target of bench/issue15.sh (Frugal or
# the floor) while the kernel's tracer records, for every process, the scheduler's wakeups and switches and the
# network system calls; bench/wakeups.js then says how long each leg of a request took, from the client's write
# through the proxy and the upstream to the client's read of the answer, how long the proxy's event loop went on
# after each of its writes, how long each wakeup between the client, the proxy and the upstream took (on the waker's
# CPU or on the other one), and the client's latency by how many of its wakeups crossed CPUs.
# PACED=1 traces bench/sse-client.js's 8 paced streams (a chunk every 10 ms) instead, each to its first chunk.
#   bench/wakeups.sh PORT [SECONDS] [OUT]
# Needs root and the kernel's tracefs (mounted here if it is not), wrk and node; the upstreams running (as
# issue15.sh starts them). The trace itself costs some 10 µs a request: compare targets traced the same way.
# Env: WARMUP=3 (seconds of load before the trace), KEY=frg-bench-key, BENCH_MODEL (as post.lua reads it),
#      LOOP=vert.x-eventloo (the proxy threads' name as the kernel shows it, 15 characters at most);
#      PACED=0, STREAM_PATH=/v1/chat/completions STREAM_MODEL=bench-stream-paced (the floor: /sse/v1/chat/completions
#      and paced-upstream-model), the streaming upstream on 127.0.0.1:9102.
set -euo pipefail
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=bench/lib.sh
. "$BENCH_DIR/lib.sh"
[ $# -ge 1 ] || die "usage: bench/wakeups.sh PORT [SECONDS] [OUT]"
PORT="$1"; SECONDS_="${2:-2}"; OUT="${3:-${BENCH_TMP:-/tmp/frugal-bench}/wakeups-$PORT.trace}"
WARMUP="${WARMUP:-3}"; KEY="${KEY:-frg-bench-key}"; LOOP="${LOOP:-vert.x-eventloo}"; PACED="${PACED:-0}"
STREAM_PATH="${STREAM_PATH:-/v1/chat/completions}"; STREAM_MODEL="${STREAM_MODEL:-bench-stream-paced}"
check_int PORT "$PORT" 1 65535
check_int SECONDS "$SECONDS_" 1 30
check_int WARMUP "$WARMUP" 0 600
for tool in wrk node; do command -v "$tool" >/dev/null 2>&1 || die "$tool not found"; done
[ "$(id -u)" -eq 0 ] || die "the kernel's tracer needs root"
port_open "$PORT" || die "nothing listens on 127.0.0.1:$PORT"
T=/sys/kernel/tracing
[ -f "$T/trace" ] || mount -t tracefs nodev "$T" 2>/dev/null || die "no tracefs at $T"
mkdir -p "$(dirname "$OUT")"

EVENTS="sched:sched_switch sched:sched_waking sched:sched_wakeup"
for call in sendto writev recvfrom read write epoll_wait epoll_pwait epoll_pwait2; do
  [ -d "$T/events/syscalls/sys_enter_$call" ] && EVENTS+=" syscalls:sys_enter_$call syscalls:sys_exit_$call"
done
# the kernel's trace buffer, per CPU ("7 (expanded: 1408)" before first use): given back as it was
BUFFER_KB="$(sed -E 's/.*expanded: ([0-9]+).*/\1/; s/^([0-9]+).*/\1/' "$T/buffer_size_kb")"
stop_tracing() { echo 0 >"$T/tracing_on"; : >"$T/set_event"; : >"$T/trace"; echo "${BUFFER_KB:-1408}" >"$T/buffer_size_kb"; }
trap 'stop_tracing; cleanup' EXIT
echo 0 >"$T/tracing_on"; : >"$T/trace"; echo 65536 >"$T/buffer_size_kb"
for e in $EVENTS; do echo "$e" >>"$T/set_event"; done

ROLES=()
if [ "$PACED" = 1 ]; then
  UPSTREAM_PID="$(listener_pid 9102)"
  [ -n "$UPSTREAM_PID" ] || die "nothing listens on 127.0.0.1:9102 (the streaming upstream)"
  node "$BENCH_DIR/sse-client.js" --url "http://127.0.0.1:$PORT$STREAM_PATH" --concurrency 8 --duration "$((WARMUP + SECONDS_ + 1))" \
    --warmup 0 --model "$STREAM_MODEL" --key "$KEY" >"$OUT.client" 2>&1 &
  PIDS+=($!)
  ROLES=(--client "$!" --upstream "$UPSTREAM_PID")
else
  BENCH_AUTH_KEY="$KEY" wrk -t1 -c1 -d"$((WARMUP + SECONDS_ + 1))s" -s "$BENCH_DIR/post.lua" "http://127.0.0.1:$PORT/v1/chat/completions" >"$OUT.wrk" 2>&1 &
  PIDS+=($!)
fi
sleep "$WARMUP"
echo 1 >"$T/tracing_on"; sleep "$SECONDS_"; echo 0 >"$T/tracing_on"
cp "$T/trace" "$OUT"
stop_tracing
wait "${PIDS[@]}" 2>/dev/null || true
PIDS=()
log "trace of $SECONDS_ s: $OUT ($(wc -l <"$OUT") lines)"
node "$BENCH_DIR/wakeups.js" "$OUT" "$LOOP" "${ROLES[@]}"
