#!/usr/bin/env bash
# Where a running gateway's CPU goes, thread by thread, under load: for each thread that worked, microseconds of
# user and system CPU a request and context switches a request (voluntary: it waited; involuntary: it was
# preempted), from /proc/<pid>/task/*/{stat,status} before and after one wrk run. The same for the whole process
# and the collector (jstat's GC time). Works on any JVM target of bench/issue15.sh — Frugal or the floor — while
# the upstreams run (start them as issue15.sh does, or let issue15.sh's targets be).
#   bench/threads.sh PORT [SECONDS] [PATH]
# PORT: the target's port on 127.0.0.1 (its process is found with ss); PATH defaults to /v1/chat/completions.
# Load: wrk -t2 -c$CONNECTIONS with bench/post.lua and the bench key (BENCH_MODEL as post.lua reads it).
# Env: CONNECTIONS=32 KEY=frg-bench-key. Linux only; needs wrk, ss, awk and jstat (the JDK's).
set -euo pipefail
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=bench/lib.sh
. "$BENCH_DIR/lib.sh"
[ $# -ge 1 ] || die "usage: bench/threads.sh PORT [SECONDS] [PATH]"
PORT="$1"; SECONDS_="${2:-10}"; URL_PATH="${3:-/v1/chat/completions}"
CONNECTIONS="${CONNECTIONS:-32}"; KEY="${KEY:-frg-bench-key}"
check_int PORT "$PORT" 1 65535
check_int SECONDS "$SECONDS_" 1 600
check_int CONNECTIONS "$CONNECTIONS" 1 10000
for tool in wrk ss awk; do command -v "$tool" >/dev/null 2>&1 || die "$tool not found"; done
PID="$(listener_pid "$PORT")"
[ -n "$PID" ] || die "nothing listens on 127.0.0.1:$PORT"
HZ="$(getconf CLK_TCK)"

# one line a thread: tid name voluntary involuntary utime stime (clock ticks)
snapshot() {
  local t
  for t in /proc/"$PID"/task/*; do
    printf '%s %s %s %s\n' "${t##*/}" "$(tr ' ' '_' <"$t/comm")" \
      "$(awk '/^voluntary_ctxt_switches/ {v=$2} /^nonvoluntary_ctxt_switches/ {n=$2} END {print v, n}' "$t/status")" \
      "$(sed 's/.*) //' "$t/stat" | awk '{print $12, $13}')" # utime, stime: after the name, which may hold spaces
  done 2>/dev/null | sort
}
gc_seconds() { command -v jstat >/dev/null 2>&1 && jstat -gc "$PID" | awk 'NR == 2 {print $NF}' || echo 0; }

before="$(snapshot)"; gc0="$(gc_seconds)"
out="$(BENCH_AUTH_KEY="$KEY" wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_}s" -s "$BENCH_DIR/post.lua" "http://127.0.0.1:$PORT$URL_PATH" 2>&1)"
after="$(snapshot)"; gc1="$(gc_seconds)"
requests="$(printf '%s\n' "$out" | awk '/requests in/ {print $1}')"
[ -n "$requests" ] && [ "$requests" -gt 0 ] || die "wrk served no request: $out"
errors="$(printf '%s\n' "$out" | awk '/Non-2xx/ {print $NF}')"
printf 'port %s, pid %s: %s requests in %ss (%s req/s), non-2xx %s; GC %.1f µs a request\n' "$PORT" "$PID" "$requests" \
  "$SECONDS_" "$(printf '%s\n' "$out" | awk '/Requests\/sec/ {print $2}')" "${errors:-0}" \
  "$(awk -v a="$gc0" -v b="$gc1" -v n="$requests" 'BEGIN {print (b - a) * 1e6 / n}')"
printf '%-22s %9s %9s %11s %13s\n' thread user_µs sys_µs voluntary involuntary
join <(printf '%s\n' "$before") <(printf '%s\n' "$after") | awk -v n="$requests" -v hz="$HZ" '
  { u = ($10 - $5) * 1e6 / hz / n; s = ($11 - $6) * 1e6 / hz / n; tu += u; ts += s
    if (u + s >= 0.1) printf "%-22s %9.1f %9.1f %11.3f %13.3f\n", $2, u, s, ($8 - $3) / n, ($9 - $4) / n }
  END { printf "%-22s %9.1f %9.1f\n", "(process)", tu, ts }'
