#!/usr/bin/env bash
# Frugal load benchmark: measures, side by side in one run,
#   (a) the upstreams directly: nginx :9101 (fixed chat.completion JSON), node :9102 (OpenAI SSE)
#   (b) nginx as a plain reverse proxy on :9103 in front of (a)
#   (c) Frugal on :8080 in front of (a)
#   (d) Frugal on :8080 answering the same request from its exact cache (model bench-cached: 100 % hits)
#   (e) Frugal on :8080 in front of (a), the request routed: route bench-routed (cheapest with min-quality over six
#       candidates, every filter, a shadow policy) instead of the model bench-plain; (e)−(c) is what routing adds
# Phases: 1) non-streaming throughput (wrk, CONNECTIONS/THREADS), 2) one connection latency
# (wrk -c1 -t1), 3) streaming TTFB/total (bench/sse-client.js, SSE_CONCURRENCY loops; for (d) a
# replayed stream), 4) Frugal resident memory (VmRSS/VmHWM) during and after the run, 5) memory per
# cached answer (FILL_SECONDS of distinct questions fill the cache; heap after a full GC).
# Prints a markdown report and writes it to $RESULTS_DIR/<date>-<host>.md.
# Only 127.0.0.1 is ever targeted; every process started here is stopped on exit.
#
# Knobs (env): DURATION=15 WARMUP=5 CONNECTIONS=32 THREADS=2 SSE_CONCURRENCY=8 SSE_CHUNKS=20
#   SSE_CHUNK_DELAY_MS=0 WRK_TIMEOUT=5s SKIP_FRUGAL=0 FRUGAL_JAR=target/quarkus-app/quarkus-run.jar
#   FRUGAL_WARMUP=45 FRUGAL_JAVA_OPTS= FRUGAL_READY_TIMEOUT=60 BENCH_TMP=/tmp/frugal-bench RESULTS_DIR=bench/results
#   FILL_SECONDS=10 (0 skips phase 5)
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(dirname "$BENCH_DIR")"

DURATION="${DURATION:-15}"
WARMUP="${WARMUP:-5}"
# The JVM needs far more load than nginx before its JIT has compiled the hot path: on 2 cores,
# ~30 s of traffic (measured: 2k req/s in the first 5 s, 20k+ after 25 s). Frugal alone gets
# this extra warm-up, plain and streamed, before any phase; its numbers are steady-state ones.
FRUGAL_WARMUP="${FRUGAL_WARMUP:-45}"
CONNECTIONS="${CONNECTIONS:-32}"
THREADS="${THREADS:-2}"
SSE_CONCURRENCY="${SSE_CONCURRENCY:-8}"
SSE_CHUNKS="${SSE_CHUNKS:-20}"
SSE_CHUNK_DELAY_MS="${SSE_CHUNK_DELAY_MS:-0}"
WRK_TIMEOUT="${WRK_TIMEOUT:-5s}"
SKIP_FRUGAL="${SKIP_FRUGAL:-0}"
FRUGAL_JAR="${FRUGAL_JAR:-$REPO_DIR/target/quarkus-app/quarkus-run.jar}"
# Serial GC: on 2 cores it matches G1 in throughput and keeps the resident set ~80 MiB smaller.
FRUGAL_JAVA_OPTS="${FRUGAL_JAVA_OPTS--XX:+UseSerialGC}"
FRUGAL_READY_TIMEOUT="${FRUGAL_READY_TIMEOUT:-60}"
BENCH_TMP="${BENCH_TMP:-/tmp/frugal-bench}"
RESULTS_DIR="${RESULTS_DIR:-$BENCH_DIR/results}"
FILL_SECONDS="${FILL_SECONDS:-10}"

BENCH_KEY_VALUE="frg-bench-key"
PLAIN_PORT=9101
SSE_PORT=9102
PROXY_PORT=9103
FRUGAL_PORT=8080
CHAT_PATH="/v1/chat/completions"

# shellcheck source=bench/lib.sh
. "$BENCH_DIR/lib.sh"

check_int DURATION "$DURATION" 1 600
check_int WARMUP "$WARMUP" 0 600
check_int FRUGAL_WARMUP "$FRUGAL_WARMUP" 0 1200
check_int CONNECTIONS "$CONNECTIONS" 1 10000
check_int THREADS "$THREADS" 1 "$CONNECTIONS"
check_int SSE_CONCURRENCY "$SSE_CONCURRENCY" 1 1000
check_int SSE_CHUNKS "$SSE_CHUNKS" 0 100000
check_int SSE_CHUNK_DELAY_MS "$SSE_CHUNK_DELAY_MS" 0 10000
check_int FRUGAL_READY_TIMEOUT "$FRUGAL_READY_TIMEOUT" 1 600
check_int FILL_SECONDS "$FILL_SECONDS" 0 600
[[ "$WRK_TIMEOUT" =~ ^[0-9]+(ms|s)?$ ]] || die "WRK_TIMEOUT must look like 5s, got '$WRK_TIMEOUT'"

NGINX="$(command -v nginx || true)"
[ -n "$NGINX" ] || NGINX=/usr/sbin/nginx
for tool in wrk curl node; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool not found; run bench/setup.sh first"
done
[ -x "$NGINX" ] || die "nginx not found; run bench/setup.sh first"

TARGETS=(a b c d e)
if [ "$SKIP_FRUGAL" = "1" ]; then
  TARGETS=(a b)
else
  command -v java >/dev/null 2>&1 || die "java not found (set SKIP_FRUGAL=1 to skip Frugal)"
fi

# ---------------------------------------------------------------- process bookkeeping
FRUGAL_PID=""

# Fail fast if a previous run (or something else) still holds our ports.
busy=()
for p in "$PLAIN_PORT" "$SSE_PORT" "$PROXY_PORT"; do
  if port_open "$p"; then busy+=("$p"); fi
done
if [ "$SKIP_FRUGAL" != "1" ] && port_open "$FRUGAL_PORT"; then busy+=("$FRUGAL_PORT"); fi
[ "${#busy[@]}" -eq 0 ] || die "port(s) ${busy[*]} on 127.0.0.1 already in use; stop whatever listens there"

mkdir -p "$BENCH_TMP" "$RESULTS_DIR"
RUN_TMP="$(mktemp -d "$BENCH_TMP/run.XXXXXX")"
log "scratch dir (nginx prefixes, logs, raw output): $RUN_TMP"

# ---------------------------------------------------------------- start upstreams and proxy
start_nginx upstream nginx-upstream.conf "$PLAIN_PORT"
log "nginx upstream (a) on 127.0.0.1:$PLAIN_PORT"

SSE_HOST=127.0.0.1 SSE_PORT="$SSE_PORT" SSE_CHUNKS="$SSE_CHUNKS" SSE_CHUNK_DELAY_MS="$SSE_CHUNK_DELAY_MS" \
  node "$BENCH_DIR/sse-upstream.js" >"$RUN_TMP/sse-upstream.log" 2>&1 &
PIDS+=("$!")
wait_port "$SSE_PORT" "$!" 10 "sse-upstream.js"
log "node SSE upstream (a) on 127.0.0.1:$SSE_PORT ($SSE_CHUNKS chunks, ${SSE_CHUNK_DELAY_MS}ms apart)"

start_nginx proxy nginx-proxy.conf "$PROXY_PORT"
log "nginx reverse proxy (b) on 127.0.0.1:$PROXY_PORT"

# ---------------------------------------------------------------- start Frugal
MEM_FILE="$RUN_TMP/frugal-mem.tsv"
PHASE_FILE="$RUN_TMP/phase"
echo "startup" >"$PHASE_FILE"

if [ "$SKIP_FRUGAL" != "1" ]; then
  if [ ! -f "$FRUGAL_JAR" ]; then
    log "$FRUGAL_JAR missing: building Frugal (mvn -q -DskipTests package)"
    if [ -x "$REPO_DIR/mvnw" ]; then
      (cd "$REPO_DIR" && ./mvnw -q -DskipTests package)
    else
      (cd "$REPO_DIR" && mvn -q -DskipTests package)
    fi
    [ -f "$FRUGAL_JAR" ] || die "build finished but $FRUGAL_JAR is still missing"
  fi
  # shellcheck disable=SC2086 # FRUGAL_JAVA_OPTS is a list of JVM flags
  (cd "$REPO_DIR" && exec env FRUGAL_CONFIG=bench/frugal-bench.yaml BENCH_KEY="$BENCH_KEY_VALUE" \
    java $FRUGAL_JAVA_OPTS -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$FRUGAL_PORT" \
    -jar "$FRUGAL_JAR") >"$RUN_TMP/frugal.log" 2>&1 &
  FRUGAL_PID="$!"
  PIDS+=("$FRUGAL_PID")
  log "Frugal (c) starting, pid $FRUGAL_PID, log $RUN_TMP/frugal.log"
  ready=0
  for i in $(seq 1 $((FRUGAL_READY_TIMEOUT * 4))); do
    if curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$FRUGAL_PORT/q/health/ready" 2>/dev/null; then
      ready=1
      break
    fi
    if ! kill -0 "$FRUGAL_PID" 2>/dev/null; then
      tail -n 40 "$RUN_TMP/frugal.log" >&2 || true
      die "Frugal exited during startup"
    fi
    sleep 0.25
  done
  if [ "$ready" != 1 ]; then
    tail -n 40 "$RUN_TMP/frugal.log" >&2 || true
    die "Frugal not ready on /q/health/ready within ${FRUGAL_READY_TIMEOUT}s"
  fi
  log "Frugal ready after ~$((i / 4))s"

  # Memory sampler: one line per 0.5s: epoch phase VmRSS_kB VmHWM_kB.
  (
    while kill -0 "$FRUGAL_PID" 2>/dev/null; do
      st="$(cat "/proc/$FRUGAL_PID/status" 2>/dev/null)" || break
      rss="$(printf '%s\n' "$st" | awk '/^VmRSS:/{print $2}')"
      hwm="$(printf '%s\n' "$st" | awk '/^VmHWM:/{print $2}')"
      printf '%s\t%s\t%s\t%s\n' "$(date +%s)" "$(cat "$PHASE_FILE")" "$rss" "$hwm"
      sleep 0.5
    done
  ) >"$MEM_FILE" 2>/dev/null &
  PIDS+=("$!")
fi

# ---------------------------------------------------------------- targets
declare -A NAME URL SSE_URL MODEL SSE_MODEL
NAME[a]="(a) upstream direct"
NAME[b]="(b) nginx proxy"
NAME[c]="(c) Frugal"
NAME[d]="(d) Frugal, cache hit"
NAME[e]="(e) Frugal, routed"
URL[a]="http://127.0.0.1:$PLAIN_PORT$CHAT_PATH"
URL[b]="http://127.0.0.1:$PROXY_PORT$CHAT_PATH"
URL[c]="http://127.0.0.1:$FRUGAL_PORT$CHAT_PATH"
URL[d]="http://127.0.0.1:$FRUGAL_PORT$CHAT_PATH"
URL[e]="http://127.0.0.1:$FRUGAL_PORT$CHAT_PATH"
SSE_URL[a]="http://127.0.0.1:$SSE_PORT$CHAT_PATH"
SSE_URL[b]="http://127.0.0.1:$PROXY_PORT/sse$CHAT_PATH"
SSE_URL[c]="http://127.0.0.1:$FRUGAL_PORT$CHAT_PATH"
SSE_URL[d]="http://127.0.0.1:$FRUGAL_PORT$CHAT_PATH"
SSE_URL[e]="http://127.0.0.1:$FRUGAL_PORT$CHAT_PATH"
URL[e]="http://127.0.0.1:$FRUGAL_PORT$CHAT_PATH"
# (d) asks bench-cached, whose one answer is stored by the preflight: every request after it is a hit,
# streamed ones replayed from the plain answer.
for t in a b c; do MODEL[$t]=bench-plain; SSE_MODEL[$t]=bench-stream; done
MODEL[d]=bench-cached
SSE_MODEL[d]=bench-cached
MODEL[e]=bench-routed
SSE_MODEL[e]=bench-routed-stream

PLAIN_BODY='{"model":"bench-plain","messages":[{"role":"user","content":"Hello"}]}'
STREAM_BODY='{"model":"bench-stream","messages":[{"role":"user","content":"Hello"}],"stream":true}'

# One request per target and mode before measuring: a 401/404/502 should stop the run, not
# be benchmarked. Every target gets the same body and headers (a and b ignore them).
preflight() { # target
  local t="$1" out code plain stream
  plain="${PLAIN_BODY/bench-plain/${MODEL[$t]}}"
  stream="${STREAM_BODY/bench-stream/${SSE_MODEL[$t]}}"
  out="$RUN_TMP/preflight-$t.json"
  code="$(curl -sS -o "$out" -w '%{http_code}' --max-time 10 -X POST "${URL[$t]}" \
    -H 'Content-Type: application/json' -H "Authorization: Bearer $BENCH_KEY_VALUE" \
    --data "$plain")" || die "preflight ${NAME[$t]}: request to ${URL[$t]} failed"
  if [ "$code" != 200 ] || ! grep -q '"choices"' "$out"; then
    die "preflight ${NAME[$t]}: HTTP $code from ${URL[$t]}: $(head -c 500 "$out")"
  fi
  if [ "$t" = d ]; then # the answer is stored a moment after it is sent: the next one must be a hit
    local cache="" i
    for i in $(seq 1 50); do
      cache="$(curl -sS -o /dev/null -D - --max-time 10 -X POST "${URL[$t]}" -H 'Content-Type: application/json' \
        -H "Authorization: Bearer $BENCH_KEY_VALUE" --data "$plain" | tr -d '\r' | awk -F': ' 'tolower($1)=="x-frugal-cache"{print $2}')"
      [ "$cache" = hit ] && break
      sleep 0.1
    done
    [ "$cache" = hit ] || die "preflight ${NAME[$t]}: the repeated request was not a cache hit (x-frugal-cache: $cache)"
  fi
  out="$RUN_TMP/preflight-$t.sse"
  code="$(curl -sS -N -o "$out" -w '%{http_code}' --max-time 10 -X POST "${SSE_URL[$t]}" \
    -H 'Content-Type: application/json' -H "Authorization: Bearer $BENCH_KEY_VALUE" \
    --data "$stream")" || die "preflight ${NAME[$t]}: request to ${SSE_URL[$t]} failed"
  if [ "$code" != 200 ] || ! grep -q '^data: \[DONE\]' "$out"; then
    die "preflight ${NAME[$t]} (stream): HTTP $code from ${SSE_URL[$t]}: $(head -c 500 "$out")"
  fi
}
for t in "${TARGETS[@]}"; do preflight "$t"; done
log "preflight OK for: ${TARGETS[*]}"

if [ -n "$FRUGAL_PID" ] && [ "$FRUGAL_WARMUP" -gt 0 ]; then
  log "Frugal JIT warm-up: ${FRUGAL_WARMUP}s (2/3 plain at -c$CONNECTIONS, 1/3 streamed)"
  echo warmup >"$PHASE_FILE"
  BENCH_MODEL=bench-plain BENCH_AUTH_KEY="$BENCH_KEY_VALUE" BENCH_STREAM=0 \
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$((FRUGAL_WARMUP * 2 / 3))s" --timeout "$WRK_TIMEOUT" -s "$BENCH_DIR/post.lua" \
    "http://127.0.0.1:$FRUGAL_PORT$CHAT_PATH" >"$RUN_TMP/wrk-frugal-warmup.txt" 2>&1 || die "Frugal warm-up failed"
  node "$BENCH_DIR/sse-client.js" --url "http://127.0.0.1:$FRUGAL_PORT$CHAT_PATH" --concurrency "$SSE_CONCURRENCY" \
    --duration "$((FRUGAL_WARMUP / 3))" --warmup 0 --model bench-stream --key "$BENCH_KEY_VALUE" \
    >"$RUN_TMP/sse-frugal-warmup.txt" 2>&1 || die "Frugal streaming warm-up failed"
  BENCH_MODEL=bench-cached BENCH_AUTH_KEY="$BENCH_KEY_VALUE" BENCH_STREAM=0 \
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$((FRUGAL_WARMUP / 3))s" --timeout "$WRK_TIMEOUT" -s "$BENCH_DIR/post.lua" \
    "http://127.0.0.1:$FRUGAL_PORT$CHAT_PATH" >"$RUN_TMP/wrk-frugal-warmup-cached.txt" 2>&1 || die "Frugal cache warm-up failed"
fi

# ---------------------------------------------------------------- measurement helpers
declare -A R  # results: R[phase.target.key]=value

set_phase() { echo "$1" >"$PHASE_FILE"; }

# Parse "k=v k=v ..." into R[prefix.k].
store_kv() { # prefix text
  local kv
  for kv in $2; do
    case "$kv" in *=*) R["$1.${kv%%=*}"]="${kv#*=}" ;; esac
  done
}

run_wrk() { # phase target connections threads
  local phase="$1" t="$2" c="$3" th="$4" raw line
  raw="$RUN_TMP/wrk-$phase-$t.txt"
  export BENCH_MODEL="${MODEL[$t]}" BENCH_AUTH_KEY="$BENCH_KEY_VALUE" BENCH_STREAM=0
  if [ "$WARMUP" -gt 0 ]; then
    log "$phase ${NAME[$t]}: warm-up ${WARMUP}s (-c$c -t$th)"
    wrk -t"$th" -c"$c" -d"${WARMUP}s" --timeout "$WRK_TIMEOUT" -s "$BENCH_DIR/post.lua" "${URL[$t]}" \
      >"$RUN_TMP/wrk-$phase-$t-warmup.txt" 2>&1 || die "wrk warm-up failed: $(tail -n 5 "$RUN_TMP/wrk-$phase-$t-warmup.txt")"
  fi
  log "$phase ${NAME[$t]}: measuring ${DURATION}s (-c$c -t$th) ${URL[$t]}"
  wrk -t"$th" -c"$c" -d"${DURATION}s" --timeout "$WRK_TIMEOUT" --latency -s "$BENCH_DIR/post.lua" "${URL[$t]}" \
    >"$raw" 2>&1 || die "wrk failed: $(tail -n 5 "$raw")"
  line="$(grep '^FRUGAL_BENCH ' "$raw" | tail -n 1)" || die "no FRUGAL_BENCH line in $raw"
  store_kv "$phase.$t" "$line"
  local e=0 k
  for k in err_connect err_read err_write err_status err_timeout; do
    e=$((e + ${R[$phase.$t.$k]:-0}))
  done
  R["$phase.$t.errors"]="$e"
}

run_sse() { # phase target
  local phase="$1" t="$2" raw model extra=()
  raw="$RUN_TMP/sse-$phase-$t.txt"
  model="${SSE_MODEL[$t]}"
  # The fake upstream sends role + N content + finish + usage + [DONE]; a and b must pass all of it.
  if [ "$t" = a ] || [ "$t" = b ]; then extra=(--expect-frames "$((SSE_CHUNKS + 4))"); fi
  log "$phase ${NAME[$t]}: streaming, warm-up ${WARMUP}s + ${DURATION}s, $SSE_CONCURRENCY concurrent ${SSE_URL[$t]}"
  node "$BENCH_DIR/sse-client.js" --url "${SSE_URL[$t]}" --concurrency "$SSE_CONCURRENCY" \
    --duration "$DURATION" --warmup "$WARMUP" --model "$model" --key "$BENCH_KEY_VALUE" "${extra[@]}" \
    >"$raw" 2>"$raw.stderr" || die "sse-client failed for ${NAME[$t]}: $(tail -n 5 "$raw.stderr")"
  store_kv "$phase.$t" "$(tr '\n' ' ' <"$raw")"
}

# ---------------------------------------------------------------- run
START_LOADAVG="$(cut -d' ' -f1-3 /proc/loadavg)"
set_phase idle-before
sleep 2

set_phase throughput
for t in "${TARGETS[@]}"; do run_wrk p1 "$t" "$CONNECTIONS" "$THREADS"; done
set_phase single
for t in "${TARGETS[@]}"; do run_wrk p2 "$t" 1 1; done
set_phase streaming
for t in "${TARGETS[@]}"; do run_sse p3 "$t"; done
set_phase idle-after
if [ -n "$FRUGAL_PID" ]; then sleep 3; fi

# Phase 5: memory per cached answer. Distinct questions for FILL_SECONDS (each a miss whose answer is
# stored), then the cache's own count and weight (/q/metrics) and the live heap after a full GC, before and after.
metric() { # name: the sum of its samples on /q/metrics
  curl -fsS --max-time 10 "http://127.0.0.1:$FRUGAL_PORT/q/metrics" | awk -v n="$1" '$1 ~ "^"n"([{ ]|$)" {s+=$NF} END{printf "%.0f", s}'
}
live_heap() { # bytes of heap in use after a full GC
  jcmd "$FRUGAL_PID" GC.run >/dev/null 2>&1 || true
  sleep 1
  curl -fsS --max-time 10 "http://127.0.0.1:$FRUGAL_PORT/q/metrics" \
    | awk '/^jvm_memory_used_bytes\{/ && /area="heap"/ {s+=$NF} END{printf "%.0f", s}'
}
if [ -n "$FRUGAL_PID" ] && [ "$FILL_SECONDS" -gt 0 ] && command -v jcmd >/dev/null 2>&1; then
  set_phase fill
  R[fill.heap0]="$(live_heap)"
  R[fill.entries0]="$(metric frugal_cache_memory_entries)"
  R[fill.bytes0]="$(metric frugal_cache_memory_bytes)"
  log "phase 5: filling the cache for ${FILL_SECONDS}s with distinct questions"
  BENCH_MODEL=bench-cached BENCH_AUTH_KEY="$BENCH_KEY_VALUE" wrk -t2 -c8 -d"${FILL_SECONDS}s" --timeout "$WRK_TIMEOUT" \
    -s "$BENCH_DIR/post-distinct.lua" "http://127.0.0.1:$FRUGAL_PORT$CHAT_PATH" >"$RUN_TMP/wrk-fill.txt" 2>&1 || die "cache fill failed"
  sleep 2 # the last answers are stored a moment after they are sent
  R[fill.heap1]="$(live_heap)"
  R[fill.entries1]="$(metric frugal_cache_memory_entries)"
  R[fill.bytes1]="$(metric frugal_cache_memory_bytes)"
  R[fill.requests]="$(awk '/^FRUGAL_FILL/{sub("requests=","",$2); print $2}' "$RUN_TMP/wrk-fill.txt")"
fi
END_LOADAVG="$(cut -d' ' -f1-3 /proc/loadavg)"

# ---------------------------------------------------------------- report
num() { [[ "${1:-}" =~ ^-?[0-9]+(\.[0-9]+)?$ ]]; }
us2ms() { if num "${1:-}"; then awk -v x="$1" 'BEGIN{printf "%.3f", x/1000}'; else printf 'n/a'; fi; }
fmt2() { if num "${1:-}"; then awk -v x="$1" 'BEGIN{printf "%.2f", x}'; else printf 'n/a'; fi; }
fmt0() { if num "${1:-}"; then awk -v x="$1" 'BEGIN{printf "%.0f", x}'; else printf 'n/a'; fi; }
ratio() { if num "${1:-}" && num "${2:-}" && awk -v y="$2" 'BEGIN{exit !(y!=0)}'; then awk -v x="$1" -v y="$2" 'BEGIN{printf "%.3f", x/y}'; else printf 'n/a'; fi; }
diff_us_ms() { if num "${1:-}" && num "${2:-}"; then awk -v x="$1" -v y="$2" 'BEGIN{printf "%+.3f", (x-y)/1000}'; else printf 'n/a'; fi; }
diff_ms() { if num "${1:-}" && num "${2:-}"; then awk -v x="$1" -v y="$2" 'BEGIN{printf "%+.3f", x-y}'; else printf 'n/a'; fi; }
kb2mib() { if num "${1:-}"; then awk -v x="$1" 'BEGIN{printf "%.1f", x/1024}'; else printf 'n/a'; fi; }
# max VmRSS (kB) over samples of one phase, or of all if phase is empty
mem_max() { [ -s "$MEM_FILE" ] || return 0; awk -F'\t' -v p="$1" '(p=="" || $2==p) && $3+0>m {m=$3+0} END{if (m>0) print m}' "$MEM_FILE"; }
mem_last() { [ -s "$MEM_FILE" ] || return 0; awk -F'\t' -v p="$1" -v c="$2" '$2==p && $c!="" {v=$c} END{if (v!="") print v}' "$MEM_FILE"; }

HOST="$(hostname -s 2>/dev/null || uname -n)"
STAMP="$(date +%Y-%m-%d-%H%M)"
REPORT="$RUN_TMP/report.md"
CPU_MODEL="$(awk -F': ' '/^model name/{print $2; exit}' /proc/cpuinfo)"
[ -n "$CPU_MODEL" ] || CPU_MODEL="$(lscpu 2>/dev/null | awk -F': +' '/^Model name/{print $2; exit}')"
[ -n "$CPU_MODEL" ] || CPU_MODEL=unknown
GIT_REV="$(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo 'no commit')"
GIT_DIRTY="$(git -C "$REPO_DIR" status --porcelain 2>/dev/null | wc -l | tr -d ' ')"

{
  echo "# Frugal benchmark — $(date '+%Y-%m-%d %H:%M %Z') on $HOST"
  echo
  echo "## Machine"
  echo
  echo '```'
  echo "nproc:        $(nproc)"
  echo "cpu:          $CPU_MODEL"
  echo "kernel:       $(uname -sr)"
  echo "loadavg:      start $START_LOADAVG, end $END_LOADAVG"
  echo "java:         $(java -version 2>&1 | head -n 1 || echo 'not found')"
  echo "nginx:        $("$NGINX" -v 2>&1 | head -n 1)"
  echo "wrk:          $(wrk -v 2>&1 | head -n 1 || true)"
  echo "node:         $(node --version)"
  echo "frugal rev:   $GIT_REV ($GIT_DIRTY uncommitted path(s))"
  echo
  free -h
  echo '```'
  echo
  echo "Settings: DURATION=${DURATION}s WARMUP=${WARMUP}s FRUGAL_WARMUP=${FRUGAL_WARMUP}s CONNECTIONS=$CONNECTIONS THREADS=$THREADS" \
    "SSE_CONCURRENCY=$SSE_CONCURRENCY SSE_CHUNKS=$SSE_CHUNKS SSE_CHUNK_DELAY_MS=$SSE_CHUNK_DELAY_MS" \
    "WRK_TIMEOUT=$WRK_TIMEOUT FRUGAL_JAVA_OPTS='${FRUGAL_JAVA_OPTS}'$([ "$SKIP_FRUGAL" = 1 ] && echo ' SKIP_FRUGAL=1')"
  echo
  echo "Targets: (a) nginx :$PLAIN_PORT fixed JSON / node :$SSE_PORT SSE; (b) nginx proxy :$PROXY_PORT → (a);" \
    "(c) Frugal :$FRUGAL_PORT → (a); (e) the same, routed (bench-routed). Load generator and servers share the machine's $(nproc) core(s)."
  echo
  echo "## 1. Non-streaming throughput (wrk -c$CONNECTIONS -t$THREADS, ${DURATION}s after ${WARMUP}s warm-up)"
  echo
  echo "| target | req/s | p50 ms | p99 ms | errors |"
  echo "|---|---:|---:|---:|---:|"
  for t in "${TARGETS[@]}"; do
    echo "| ${NAME[$t]} | $(fmt0 "${R[p1.$t.rps]:-}") | $(us2ms "${R[p1.$t.p50_us]:-}") | $(us2ms "${R[p1.$t.p99_us]:-}") | ${R[p1.$t.errors]:-n/a} |"
  done
  echo
  echo "## 2. One connection, no queueing (wrk -c1 -t1, ${DURATION}s after ${WARMUP}s warm-up)"
  echo
  echo "| target | req/s | p50 ms | p99 ms | added p50 vs (a) ms | errors |"
  echo "|---|---:|---:|---:|---:|---:|"
  for t in "${TARGETS[@]}"; do
    added="—"
    [ "$t" = a ] || added="$(diff_us_ms "${R[p2.$t.p50_us]:-}" "${R[p2.a.p50_us]:-}")"
    echo "| ${NAME[$t]} | $(fmt0 "${R[p2.$t.rps]:-}") | $(us2ms "${R[p2.$t.p50_us]:-}") | $(us2ms "${R[p2.$t.p99_us]:-}") | $added | ${R[p2.$t.errors]:-n/a} |"
  done
  echo
  echo "## 3. Streaming (sse-client.js, $SSE_CONCURRENCY concurrent, $SSE_CHUNKS content chunks, ${SSE_CHUNK_DELAY_MS}ms apart)"
  echo
  echo "| target | req/s | TTFB p50 ms | TTFB p99 ms | total p50 ms | total p99 ms | frames/resp | errors |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  for t in "${TARGETS[@]}"; do
    errs="${R[p3.$t.errors]:-n/a}"
    [ "${R[p3.$t.error_reasons]:-none}" = none ] || errs="$errs (${R[p3.$t.error_reasons]})"
    echo "| ${NAME[$t]} | $(fmt0 "${R[p3.$t.rps]:-}") | $(fmt2 "${R[p3.$t.ttfb_p50_ms]:-}") | $(fmt2 "${R[p3.$t.ttfb_p99_ms]:-}") | $(fmt2 "${R[p3.$t.total_p50_ms]:-}") | $(fmt2 "${R[p3.$t.total_p99_ms]:-}") | ${R[p3.$t.frames_per_response]:-n/a} | $errs |"
  done
  echo
  if [ -n "$FRUGAL_PID" ]; then
    echo "## 4. Frugal resident memory (pid $FRUGAL_PID, sampled every 0.5s)"
    echo
    echo "| when | VmRSS MiB |"
    echo "|---|---:|"
    echo "| idle after startup | $(kb2mib "$(mem_last idle-before 3)") |"
    echo "| peak during throughput (1) | $(kb2mib "$(mem_max throughput)") |"
    echo "| peak during one connection (2) | $(kb2mib "$(mem_max single)") |"
    echo "| peak during streaming (3) | $(kb2mib "$(mem_max streaming)") |"
    echo "| idle after the run (3s) | $(kb2mib "$(mem_last idle-after 3)") |"
    echo "| VmHWM (peak RSS of the process) | $(kb2mib "$(mem_last idle-after 4)") |"
    echo
    echo "## Ratios"
    echo
    echo "- Throughput (c)/(a): $(ratio "${R[p1.c.rps]:-}" "${R[p1.a.rps]:-}"); (c)/(b): $(ratio "${R[p1.c.rps]:-}" "${R[p1.b.rps]:-}"); (b)/(a): $(ratio "${R[p1.b.rps]:-}" "${R[p1.a.rps]:-}")"
    echo "- Added p50 latency per request, one connection: (c)−(a) $(diff_us_ms "${R[p2.c.p50_us]:-}" "${R[p2.a.p50_us]:-}") ms; (b)−(a) $(diff_us_ms "${R[p2.b.p50_us]:-}" "${R[p2.a.p50_us]:-}") ms; (c)−(b) $(diff_us_ms "${R[p2.c.p50_us]:-}" "${R[p2.b.p50_us]:-}") ms"
    echo "- Added p50 latency under load (-c$CONNECTIONS): (c)−(a) $(diff_us_ms "${R[p1.c.p50_us]:-}" "${R[p1.a.p50_us]:-}") ms; (b)−(a) $(diff_us_ms "${R[p1.b.p50_us]:-}" "${R[p1.a.p50_us]:-}") ms"
    echo "- Streaming TTFB p50 added: (c)−(a) $(diff_ms "${R[p3.c.ttfb_p50_ms]:-}" "${R[p3.a.ttfb_p50_ms]:-}") ms; (b)−(a) $(diff_ms "${R[p3.b.ttfb_p50_ms]:-}" "${R[p3.a.ttfb_p50_ms]:-}") ms; streaming throughput (c)/(b): $(ratio "${R[p3.c.rps]:-}" "${R[p3.b.rps]:-}")"
    echo "- Routing (e) against naming the model (c): p50 on one connection (e)−(c) $(diff_us_ms "${R[p2.e.p50_us]:-}" "${R[p2.c.p50_us]:-}") ms; under load (-c$CONNECTIONS) (e)−(c) $(diff_us_ms "${R[p1.e.p50_us]:-}" "${R[p1.c.p50_us]:-}") ms, throughput (e)/(c): $(ratio "${R[p1.e.rps]:-}" "${R[p1.c.rps]:-}"); streaming TTFB p50 (e)−(c) $(diff_ms "${R[p3.e.ttfb_p50_ms]:-}" "${R[p3.c.ttfb_p50_ms]:-}") ms"
    echo "- Cache hit (d) against nginx proxying (b): p50 on one connection (d)−(b) $(diff_us_ms "${R[p2.d.p50_us]:-}" "${R[p2.b.p50_us]:-}") ms, against the upstream direct (d)−(a) $(diff_us_ms "${R[p2.d.p50_us]:-}" "${R[p2.a.p50_us]:-}") ms; throughput at -c$CONNECTIONS (d)/(b): $(ratio "${R[p1.d.rps]:-}" "${R[p1.b.rps]:-}"), (d)/(c): $(ratio "${R[p1.d.rps]:-}" "${R[p1.c.rps]:-}"); replayed stream TTFB p50 (d)−(b) $(diff_ms "${R[p3.d.ttfb_p50_ms]:-}" "${R[p3.b.ttfb_p50_ms]:-}") ms"
    if [ -n "${R[fill.entries1]:-}" ]; then
      echo
      echo "## 5. Memory per cached answer (${FILL_SECONDS}s of distinct questions to bench-cached)"
      echo
      n=$(( ${R[fill.entries1]:-0} - ${R[fill.entries0]:-0} ))
      echo "| measure | value |"
      echo "|---|---:|"
      echo "| requests sent | ${R[fill.requests]:-n/a} |"
      echo "| answers added to the memory tier | $n |"
      echo "| weighed bytes per answer (frugal_cache_memory_bytes) | $(ratio "$(( ${R[fill.bytes1]:-0} - ${R[fill.bytes0]:-0} ))" "$n") |"
      echo "| live heap per answer (after a full GC, before and after) | $(ratio "$(( ${R[fill.heap1]:-0} - ${R[fill.heap0]:-0} ))" "$n") |"
    fi
  else
    echo "## Ratios"
    echo
    echo "- Frugal skipped (SKIP_FRUGAL=1). Throughput (b)/(a): $(ratio "${R[p1.b.rps]:-}" "${R[p1.a.rps]:-}")"
    echo "- Added p50 latency per request, one connection: (b)−(a) $(diff_us_ms "${R[p2.b.p50_us]:-}" "${R[p2.a.p50_us]:-}") ms"
    echo "- Streaming TTFB p50 added: (b)−(a) $(diff_ms "${R[p3.b.ttfb_p50_ms]:-}" "${R[p3.a.ttfb_p50_ms]:-}") ms"
  fi
} >"$REPORT"

OUT_FILE="$RESULTS_DIR/$STAMP-$HOST.md"
cp "$REPORT" "$OUT_FILE"
cat "$REPORT"
log "report written to $OUT_FILE (raw wrk/sse output in $RUN_TMP)"
