#!/usr/bin/env bash
# Issue 15 in one command: the cost of the gateway with metering on, side by side in one run.
#   (a) upstream direct: nginx :9101 (fixed chat.completion JSON), node :9102 (OpenAI SSE)
#   (b) nginx as a reverse proxy :9103 in front of (a)
#   (c) Frugal :8080 → (a): auth, metrics, quotas, pricing and the ledger on the embedded H2 file (the default)
#   (f) Frugal :8081 → (a): the same with the ledger on PostgreSQL (127.0.0.1:5432, database PG_DB, recreated)
#   (g) the stack's floor :8082 → (a): Vert.x alone from Frugal's own jars, same JVM options, proxying like (b)
#       (bench/StackFloor.java); the distance from (g) to (c) is Frugal's own work. FLOOR=0 leaves it out.
# Both Frugals and (g) run with the JVM options a user gets (config/jvm.options, the file the README's command,
# the container image and the Helm chart use) unless FRUGAL_JAVA_OPTS says otherwise.
# Measures: time to ready after start; throughput at CONNECTIONS (a, b, g, c, f); one connection p50/p99
# (a, b, g, c); streaming TTFB at SSE_CONCURRENCY clients (a, b, g, c), the stream sent at once and paced as a model
# generates it (a chunk every 10 ms); Frugal's RSS (VmRSS/VmHWM from /proc,
# every SAMPLE_MS); the ledger writer under the throughput load: rows/s, its thread's CPU (rows per CPU-second =
# rows/s per core), the most rows waiting (frugal_ledger_pending) and the time to drain after the load.
# FRUGAL_JFR=1 records (c) with JFR (settings=profile) during its first throughput round and prints the top frames
# (bench/jfr-top.sh); that recording slows (c) several times on JDK 17 here, so take no figure from such a run.
# Writes a markdown report to $RESULTS_DIR/<date>-<host>-issue15.md. Only 127.0.0.1; every process it
# started is stopped on exit. About 15–20 minutes with the defaults (the JIT warm-up of each JVM up to JIT_WARMUP_MAX).
#
# Every measure is taken in ROUNDS rounds that alternate the targets (a, b, g, c, f, a, b, g, c, f, …), so that a
# change in the machine's load falls on all of them alike; the report gives the median of each target and the
# median of the per-round ratios and differences (each round's figures are in the raw output).
# Knobs (env): ROUNDS=3 DURATION=10 WARMUP=3 FRUGAL_WARMUP=30 (at least; until steady: throughput within 10 % and the
#   JIT quiet, under JIT_QUIET=0.05 s of compiling in a 5 s round) JIT_WARMUP_MAX=360 CONNECTIONS=32 THREADS=2 SSE_CONCURRENCY=8 SSE_CHUNKS=20
#   FRUGAL_JAVA_OPTS=@config/jvm.options FRUGAL_JAR=target/quarkus-app/quarkus-run.jar SKIP_PG=0 PG_DB=frugal_bench
#   PG_USER=postgres FLOOR=1 FRUGAL_JFR=0 FRUGAL_READY_TIMEOUT=90 SAMPLE_MS=1000 BENCH_TMP=/tmp/frugal-bench RESULTS_DIR=bench/results
#   WAKEUPS=1 where root may use the kernel's tracer (bench/wakeups.sh on (g) and (c) after the one-connection rounds)
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(dirname "$BENCH_DIR")"
DURATION="${DURATION:-10}"
ROUNDS="${ROUNDS:-3}"
WARMUP="${WARMUP:-3}"
FRUGAL_WARMUP="${FRUGAL_WARMUP:-30}"
JIT_WARMUP_MAX="${JIT_WARMUP_MAX:-360}"
JIT_QUIET="${JIT_QUIET:-0.05}"
CONNECTIONS="${CONNECTIONS:-32}"
THREADS="${THREADS:-2}"
SSE_CONCURRENCY="${SSE_CONCURRENCY:-8}"
SSE_CHUNKS="${SSE_CHUNKS:-20}"
FRUGAL_JAVA_OPTS="${FRUGAL_JAVA_OPTS-@config/jvm.options}"
FRUGAL_JAR="${FRUGAL_JAR:-$REPO_DIR/target/quarkus-app/quarkus-run.jar}"
SKIP_PG="${SKIP_PG:-0}"
FLOOR="${FLOOR:-1}"
PG_DB="${PG_DB:-frugal_bench}"
PG_USER="${PG_USER:-postgres}"
FRUGAL_JFR="${FRUGAL_JFR:-0}"
FRUGAL_READY_TIMEOUT="${FRUGAL_READY_TIMEOUT:-90}"
SAMPLE_MS="${SAMPLE_MS:-1000}"
# the kernel's view of one connection (bench/wakeups.sh): on by default where it can run (root, tracefs)
WAKEUPS="${WAKEUPS:-$([ "$(id -u)" -eq 0 ] && { [ -f /sys/kernel/tracing/trace ] || [ -d /sys/kernel/tracing ]; } && echo 1 || echo 0)}"
BENCH_TMP="${BENCH_TMP:-/tmp/frugal-bench}"
RESULTS_DIR="${RESULTS_DIR:-$BENCH_DIR/results}"
KEY="frg-bench-key"
CHAT=/v1/chat/completions

# shellcheck source=bench/lib.sh
. "$BENCH_DIR/lib.sh"

check_int DURATION "$DURATION" 1 600
check_int ROUNDS "$ROUNDS" 1 50
check_int WARMUP "$WARMUP" 0 600
check_int FRUGAL_WARMUP "$FRUGAL_WARMUP" 0 1200
check_int JIT_WARMUP_MAX "$JIT_WARMUP_MAX" 0 3600
[[ "$JIT_QUIET" =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "JIT_QUIET must be seconds, e.g. 0.05"
check_int CONNECTIONS "$CONNECTIONS" 1 10000
check_int THREADS "$THREADS" 1 "$CONNECTIONS"
check_int SSE_CONCURRENCY "$SSE_CONCURRENCY" 1 1000
check_int FRUGAL_READY_TIMEOUT "$FRUGAL_READY_TIMEOUT" 1 600
check_int SAMPLE_MS "$SAMPLE_MS" 100 10000
[[ "$PG_DB" =~ ^[a-z_][a-z0-9_]*$ ]] || die "PG_DB must be a plain lower-case name, got '$PG_DB'"
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
for tool in wrk curl node java; do command -v "$tool" >/dev/null 2>&1 || die "$tool not found; run bench/setup.sh first"; done
[ -x "$NGINX" ] || die "nginx not found; run bench/setup.sh first"
[ "$SKIP_PG" = 1 ] || command -v psql >/dev/null 2>&1 || die "psql not found (SKIP_PG=1 leaves PostgreSQL out)"
[ -f "$FRUGAL_JAR" ] || (cd "$REPO_DIR" && ./mvnw -q -B -DskipTests package)
for p in 9101 9102 9103 8080 8081 8082; do port_open "$p" && die "127.0.0.1:$p is already in use"; done

mkdir -p "$BENCH_TMP" "$RESULTS_DIR"
RUN_TMP="$(mktemp -d "$BENCH_TMP/issue15.XXXXXX")"
log "scratch dir: $RUN_TMP"

start_nginx upstream nginx-upstream.conf 9101
SSE_HOST=127.0.0.1 SSE_PORT=9102 SSE_CHUNKS="$SSE_CHUNKS" SSE_CHUNK_DELAY_MS=0 node "$BENCH_DIR/sse-upstream.js" >"$RUN_TMP/sse-upstream.log" 2>&1 &
PIDS+=("$!")
wait_port 9102 "$!" 10 "sse-upstream.js"
start_nginx proxy nginx-proxy.conf 9103
declare -A R PID PORT
PORT[g]=8082
PORT[c]=8080
PORT[f]=8081
BASES=(a b) # the targets without Frugal: the upstream direct, nginx, and (FLOOR=1) the stack's floor
if [ "$FLOOR" = 1 ]; then
  # shellcheck disable=SC2086 # FRUGAL_JAVA_OPTS is a list of JVM flags
  (cd "$REPO_DIR" && exec java $FRUGAL_JAVA_OPTS -cp "$(dirname "$FRUGAL_JAR")/lib/main/*:$(dirname "$FRUGAL_JAR")/lib/boot/*" \
    "$BENCH_DIR/StackFloor.java" "${PORT[g]}" 9101 9102) >"$RUN_TMP/floor.log" 2>&1 &
  PIDS+=("$!"); PID[g]="$!"
  wait_port "${PORT[g]}" "$!" 60 "the stack's floor (bench/StackFloor.java)"
  BASES+=(g)
fi

FRUGALS=(c)
if [ "$SKIP_PG" != 1 ]; then
  FRUGALS+=(f)
  psql -q -h 127.0.0.1 -U "$PG_USER" -d postgres -c "DROP DATABASE IF EXISTS $PG_DB" -c "CREATE DATABASE $PG_DB" >/dev/null \
    || die "could not recreate database $PG_DB on 127.0.0.1:5432 as $PG_USER"
fi

now_ms() { date +%s%3N; }

start_frugal() { # target; sets PID[t] and R[ready.t] (ms from launch to /q/health/ready)
  local t="$1" env=(FRUGAL_CONFIG=bench/frugal-bench.yaml BENCH_KEY="$KEY" FRUGAL_DATA_DIR="$RUN_TMP/data-$1")
  [ "$t" = f ] && env+=(FRUGAL_DB_URL="jdbc:postgresql://127.0.0.1:5432/$PG_DB" FRUGAL_DB_USER="$PG_USER")
  local t0 t1
  t0="$(now_ms)"
  # shellcheck disable=SC2086 # FRUGAL_JAVA_OPTS is a list of JVM flags
  (cd "$REPO_DIR" && exec env "${env[@]}" java $FRUGAL_JAVA_OPTS -Dquarkus.http.host=127.0.0.1 \
    -Dquarkus.http.port="${PORT[$t]}" -jar "$FRUGAL_JAR") >"$RUN_TMP/frugal-$t.log" 2>&1 &
  PID[$t]="$!"
  PIDS+=("$!")
  until curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:${PORT[$t]}/q/health/ready" 2>/dev/null; do
    kill -0 "${PID[$t]}" 2>/dev/null || { tail -n 30 "$RUN_TMP/frugal-$t.log" >&2; die "Frugal ($t) exited during startup"; }
    [ $(($(now_ms) - t0)) -lt $((FRUGAL_READY_TIMEOUT * 1000)) ] || die "Frugal ($t) not ready within ${FRUGAL_READY_TIMEOUT}s"
    sleep 0.05
  done
  t1="$(now_ms)"
  R[ready.$t]=$((t1 - t0))
  log "Frugal ($t) ready after ${R[ready.$t]} ms, pid ${PID[$t]}"
}
for t in "${FRUGALS[@]}"; do start_frugal "$t"; done

# The sampler, per Frugal, every SAMPLE_MS: epoch_ms phase VmRSS_kB VmHWM_kB writer_cpu_ticks ledger_pending rows_written.
# Light on purpose (one /proc read per value, one /q/metrics request): it shares the cores with what it measures.
PHASE_FILE="$RUN_TMP/phase"
echo idle >"$PHASE_FILE"
metric() { # port name: the sum of its samples on /q/metrics
  curl -fsS --max-time 2 "http://127.0.0.1:$1/q/metrics" 2>/dev/null | awk -v n="$2" '$1 ~ "^"n"([{ ]|$)" {s+=$NF} END{printf "%.0f", s}'
}
writer_stat() { # pid: the stat file of its thread frugal-ledger-writer (comm is cut to 15 characters)
  grep -lx frugal-ledger-w /proc/"$1"/task/*/comm 2>/dev/null | head -n 1 | sed 's/comm$/stat/'
}
for t in "${FRUGALS[@]}"; do
  (
    stat="$(writer_stat "${PID[$t]}")"
    while kill -0 "${PID[$t]}" 2>/dev/null; do
      st="$(</proc/"${PID[$t]}"/status)" || break
      m="$(curl -fsS --max-time 2 "http://127.0.0.1:${PORT[$t]}/q/metrics" 2>/dev/null \
        | awk '/^frugal_ledger_pending /{p=$NF} /^frugal_ledger_rows_written_total /{w=$NF} END{printf "%.0f\t%.0f", p, w}')"
      rss="${st#*VmRSS:}"; hwm="${st#*VmHWM:}"
      ticks="$(awk '{sub(/^.*\) /, ""); print $12 + $13}' "$stat" 2>/dev/null || echo 0)"
      printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$(now_ms)" "$(<"$PHASE_FILE")" "$(awk '{print $1; exit}' <<<"$rss")" \
        "$(awk '{print $1; exit}' <<<"$hwm")" "$ticks" "$m"
      sleep "$(awk -v m="$SAMPLE_MS" 'BEGIN{print m / 1000}')"
    done
  ) >"$RUN_TMP/mem-$t.tsv" 2>/dev/null &
  PIDS+=("$!")
done

url() { case "$1" in a) echo "http://127.0.0.1:9101$CHAT" ;; b) echo "http://127.0.0.1:9103$CHAT" ;; *) echo "http://127.0.0.1:${PORT[$1]}$CHAT" ;; esac; }
sse_url() { case "$1" in a) echo "http://127.0.0.1:9102$CHAT" ;; b) echo "http://127.0.0.1:9103/sse$CHAT" ;; g) echo "http://127.0.0.1:${PORT[g]}/sse$CHAT" ;; *) url "$1" ;; esac; }

wrk_run() { # out connections seconds url [--latency]: stores nothing, fails loudly
  BENCH_MODEL=bench-plain BENCH_AUTH_KEY="$KEY" BENCH_STREAM=0 wrk -t"$([ "$2" -lt "$THREADS" ] && echo "$2" || echo "$THREADS")" \
    -c"$2" -d"$3s" --timeout 5s ${5:+"$5"} -s "$BENCH_DIR/post.lua" "$4" >"$1" 2>&1 || die "wrk failed: $(tail -n 5 "$1")"
}
measure() { # phase target connections
  local raw="$RUN_TMP/wrk-$1-$2.txt" kv
  [ "$WARMUP" -gt 0 ] && wrk_run "$raw.warmup" "$3" "$WARMUP" "$(url "$2")"
  log "$1 ($2): ${DURATION}s at -c$3"
  wrk_run "$raw" "$3" "$DURATION" "$(url "$2")" --latency
  for kv in $(grep '^FRUGAL_BENCH ' "$raw" | tail -n 1); do case "$kv" in *=*) R["$1.$2.${kv%%=*}"]="${kv#*=}" ;; esac; done
  local e=0 k
  for k in err_connect err_read err_write err_status err_timeout; do e=$((e + ${R[$1.$2.$k]:-0})); done
  R[$1.$2.errors]=$e
}
sse() { # target warmup duration out [paced]: the stream at once, or paced (a chunk every 10 ms) with a 5th argument
  local model=bench-stream
  [ -n "${5:-}" ] && case "$1" in a | b | g) model=paced-upstream-model ;; *) model=bench-stream-paced ;; esac
  node "$BENCH_DIR/sse-client.js" --url "$(sse_url "$1")" --concurrency "$SSE_CONCURRENCY" --duration "$3" --warmup "$2" \
    --model "$model" --key "$KEY" >"$4" 2>"$4.stderr" || die "sse-client failed for ($1): $(tail -n 5 "$4.stderr")"
}
preflight() { # target
  local out="$RUN_TMP/preflight-$1.json" code
  code="$(curl -sS -o "$out" -w '%{http_code}' --max-time 10 -X POST "$(url "$1")" -H 'Content-Type: application/json' \
    -H "Authorization: Bearer $KEY" --data '{"model":"bench-plain","messages":[{"role":"user","content":"Hello"}]}')" || true
  [ "$code" = 200 ] && grep -q '"choices"' "$out" || die "preflight ($1): HTTP $code: $(head -c 300 "$out")"
}
jit_time() { # pid: seconds the JVM's JIT has spent compiling so far (jstat), or nothing where jstat cannot tell
  jstat -compiler "$1" 2>/dev/null | awk 'NR == 2 && $4 ~ /^[0-9.]+$/ {print $4}' || true
}
jit_warmup() { # target: JIT warm-up until steady: 5 s rounds of load until two in a row are within 10 % and the JIT
  # compiled less than JIT_QUIET s in the last (a steady state, not one where the compiler still takes a share of the two
  # cores: Frugal's JIT keeps compiling the ledger's and H2's code for minutes at this load), after at least
  # FRUGAL_WARMUP s and at most JIT_WARMUP_MAX s (on a loaded machine the JIT gets little CPU per second)
  [ "$FRUGAL_WARMUP" -gt 0 ] || return 0
  local t0 prev=0 rps i=0 steady=0 j0 j1 jit=0 quiet
  t0="$(now_ms)"
  sse "$1" 0 5 "$RUN_TMP/warmup-sse-$1.txt"
  sse "$1" 0 5 "$RUN_TMP/warmup-paced-$1.txt" paced # the paced path too: its rounds are only some 1 300 streams
  while :; do
    i=$((i + 1))
    j0="$(jit_time "${PID[$1]}")"
    wrk_run "$RUN_TMP/warmup-$1-$i.txt" "$CONNECTIONS" 5 "$(url "$1")"
    j1="$(jit_time "${PID[$1]}")"
    jit="$(awk -v a="$j0" -v b="$j1" 'BEGIN{printf "%.2f", (a != "" && b != "") ? b - a : 0}')"
    quiet="$(awk -v j="$jit" -v q="$JIT_QUIET" 'BEGIN{print (j < q) ? 1 : 0}')"
    rps="$(grep -o 'rps=[0-9.]*' "$RUN_TMP/warmup-$1-$i.txt" | cut -d= -f2)"
    awk -v a="$rps" -v b="$prev" 'BEGIN{exit !(b > 0 && a < b * 1.1 && a > b * 0.9)}' && [ "$quiet" = 1 ] && steady=$((steady + 1)) || steady=0
    prev="$rps"
    [ $(($(now_ms) - t0)) -ge $((JIT_WARMUP_MAX * 1000)) ] && break
    [ "$steady" -ge 1 ] && [ $(($(now_ms) - t0)) -ge $((FRUGAL_WARMUP * 1000)) ] && break
  done
  R[warmup.$1]="$(( ($(now_ms) - t0) / 1000 ))s, last round ${rps%.*} req/s, JIT ${jit} s in it$([ "$quiet" = 1 ] || echo ' (still compiling)')"
  log "($1): warmed up in ${R[warmup.$1]}"
}
# the ledger during one target's throughput phase, from its samples: rows/s, writer CPU, peak pending
ledger_window() { # target from_ms to_ms
  awk -F'\t' -v a="$2" -v b="$3" -v hz="$(getconf CLK_TCK)" '
    $1 >= a && $1 <= b && $7 != "" { if (n == 0) { t0 = $1; c0 = $5; w0 = $7 } t1 = $1; c1 = $5; w1 = $7; if ($6 + 0 > p) p = $6 + 0; n++ }
    END { s = (t1 - t0) / 1000; cpu = (c1 - c0) / hz; rows = w1 - w0
          rps = (s > 0) ? rows / s : 0; pct = (s > 0) ? 100 * cpu / s : 0; rpc = (cpu > 0) ? rows / cpu : 0
          printf "rows=%d secs=%.1f rows_per_s=%.0f writer_cpu_s=%.2f writer_cpu_pct=%.1f rows_per_cpu_s=%.0f peak_pending=%d",
                 rows, s, rps, cpu, pct, rpc, p }' \
    "$RUN_TMP/mem-$1.tsv"
}
drain_ms() { # target: ms from now until nothing waits in its ledger
  local t0 i
  t0="$(now_ms)"
  for i in $(seq 1 300); do
    [ "$(metric "${PORT[$1]}" frugal_ledger_pending)" = 0 ] && { echo $(($(now_ms) - t0)); return; }
    sleep 0.1
  done
  echo ">30000"
}

for t in "${BASES[@]}" "${FRUGALS[@]}"; do preflight "$t"; done
START_LOAD="$(cut -d' ' -f1-3 /proc/loadavg)"

echo throughput >"$PHASE_FILE"
for t in "${BASES[@]}" "${FRUGALS[@]}"; do case "$t" in a | b) ;; *) jit_warmup "$t" ;; esac; done # the JVMs
for r in $(seq 1 "$ROUNDS"); do
  for t in "${BASES[@]}" "${FRUGALS[@]}"; do
    jfr=0
    [ "$r" = 1 ] && [ "$t" = c ] && [ "$FRUGAL_JFR" = 1 ] && jcmd "${PID[c]}" JFR.start name=issue15 settings=profile >/dev/null && jfr=1
    from="$(now_ms)"
    measure "p1r$r" "$t" "$CONNECTIONS"
    to="$(now_ms)"
    [ "$jfr" = 1 ] && { jcmd "${PID[c]}" JFR.stop name=issue15 filename="$RUN_TMP/frugal-c.jfr" >/dev/null || log "JFR dump failed"; }
    case "$t" in c | f) # the ledger in the first round: its rows/s, writer CPU, lag, and the time to drain after it
      [ "$r" = 1 ] && R[drain.$t]="$(drain_ms "$t")" && for kv in $(ledger_window "$t" "$from" "$to"); do R["ledger.$t.${kv%%=*}"]="${kv#*=}"; done ;;
    esac
  done
done
echo single >"$PHASE_FILE"
for r in $(seq 1 "$ROUNDS"); do for t in "${BASES[@]}" c; do measure "p2r$r" "$t" 1; done; done
if [ "$WAKEUPS" = 1 ]; then # one connection through the kernel's tracer (bench/wakeups.sh), after the rounds: it costs its own time
  for t in $([ "$FLOOR" = 1 ] && echo g) c; do
    log "wakeups ($t): 2 s of wrk -c1 traced"
    (cd "$REPO_DIR" && KEY="$KEY" BENCH_MODEL=bench-plain BENCH_TMP="$RUN_TMP" "$BENCH_DIR/wakeups.sh" "${PORT[$t]}" 2 "$RUN_TMP/wakeups-$t.trace") \
      >"$RUN_TMP/wakeups-$t.txt" 2>&1 || log "wakeups ($t) failed: $(tail -n 3 "$RUN_TMP/wakeups-$t.txt")"
  done
fi
echo streaming >"$PHASE_FILE"
streams() { # phase what [paced]: ROUNDS alternating rounds of sse() on (a), (b), (g), (c), their figures kept as R[<phase>r<round>.<target>.*]
  local r t out
  for r in $(seq 1 "$ROUNDS"); do
    for t in "${BASES[@]}" c; do
      log "$1r$r ($t): $2, $SSE_CONCURRENCY clients, ${WARMUP}s + ${DURATION}s"
      out="$RUN_TMP/$1-$t-r$r.txt"
      sse "$t" "$WARMUP" "$DURATION" "$out" ${3:-}
      for kv in $(tr '\n' ' ' <"$out"); do case "$kv" in *=*) R["$1r$r.$t.${kv%%=*}"]="${kv#*=}" ;; esac; done
    done
  done
}
streams p3 streaming
streams p4 "paced streaming (a chunk every 10 ms)" paced
echo after >"$PHASE_FILE"
sleep 1
END_LOAD="$(cut -d' ' -f1-3 /proc/loadavg)"
for t in "${FRUGALS[@]}"; do
  R[started.$t]="$(grep -o 'started in [0-9.]*s' "$RUN_TMP/frugal-$t.log" | head -n 1 | grep -o '[0-9.]\+s$' || echo n/a)"
  R[codecache.$t]="$(jcmd "${PID[$t]}" Compiler.codecache 2>/dev/null | awk -F'used=' '/used=/ {split($2, a, "Kb"); s += a[1]} END {if (s) print s}' || true)"
done

# ---------------------------------------------------------------- report
median() { # numbers on stdin, one per line: their median (n/a when none)
  sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "n/a"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
rounds() { # phase target key [minus-target] [scale]: that key's value in each round (minus the other target's, / scale), one per line
  local r x y
  for r in $(seq 1 "$ROUNDS"); do
    x="${R[$1r$r.$2.$3]:-}"; y="${4:+${R[$1r$r.$4.$3]:-}}"
    [[ "$x" =~ ^[0-9.]+$ ]] || continue
    if [ -n "${4:-}" ]; then [[ "$y" =~ ^[0-9.]+$ ]] && awk -v x="$x" -v y="$y" -v k="${5:-1}" 'BEGIN{printf "%.4f\n", (x - y) / k}'
    else awk -v x="$x" -v k="${5:-1}" 'BEGIN{printf "%.4f\n", x / k}'; fi
  done
}
ratios() { # phase target base: 100 × target / base in each round, one per line
  local r x y
  for r in $(seq 1 "$ROUNDS"); do
    x="${R[$1r$r.$2.rps]:-}"; y="${R[$1r$r.$3.rps]:-}"
    [[ "$x" =~ ^[0-9.]+$ && "$y" =~ ^[0-9.]+$ ]] && awk -v x="$x" -v y="$y" 'BEGIN{ if (y > 0) printf "%.1f\n", 100 * x / y }'
  done
}
f3() { awk '{ if ($1 ~ /^-?[0-9.]+$/) printf "%.3f", $1; else printf "%s", $1 }'; } # one number, 3 decimals
signed() { awk '{ if ($1 ~ /^-?[0-9.]+$/) printf "%+.3f", $1; else printf "%s", $1 }'; }
each() { tr '\n' ' ' | sed 's/ $//; s/ / · /g'; } # the rounds' values on one line
errs() { local r e=0; for r in $(seq 1 "$ROUNDS"); do e=$((e + ${R[$1r$r.$2.errors]:-0})); done; echo "$e"; }
mib() { awk -F'\t' -v p="$2" -v c="$3" '(p == "" || $2 == p) && $c + 0 > m { m = $c + 0 } END { if (m) printf "%.1f", m / 1024; else printf "n/a" }' "$RUN_TMP/mem-$1.tsv"; }

REPORT="$RESULTS_DIR/$(date +%Y-%m-%d-%H%M)-$(hostname -s 2>/dev/null || uname -n)-issue15.md"
{
  echo "# Issue 15 benchmark — $(date '+%Y-%m-%d %H:%M %Z')"
  echo
  echo "- $(nproc) cores, $(awk -F': ' '/^model name/{print $2; exit}' /proc/cpuinfo); load average $START_LOAD at the start, $END_LOAD at the end"
  echo "- $(java -version 2>&1 | head -n 1); frugal $(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null) ($(git -C "$REPO_DIR" status --porcelain 2>/dev/null | wc -l | tr -d ' ') uncommitted paths)"
  echo "- JVM options: \`${FRUGAL_JAVA_OPTS:-none}\`$([ "${FRUGAL_JAVA_OPTS:-}" = @config/jvm.options ] && printf ' = `%s`' "$(grep -v '^#' "$REPO_DIR/config/jvm.options" | tr '\n' ' ' | sed 's/ *$//')")$([ "$FRUGAL_JFR" = 1 ] && echo '; (c) recorded with JFR')"
  echo "- DURATION=${DURATION}s WARMUP=${WARMUP}s FRUGAL_WARMUP=${FRUGAL_WARMUP}s CONNECTIONS=$CONNECTIONS THREADS=$THREADS SSE_CONCURRENCY=$SSE_CONCURRENCY SSE_CHUNKS=$SSE_CHUNKS"
  echo
  echo "## Throughput at $CONNECTIONS connections ($ROUNDS rounds, alternating; medians)"
  echo
  echo "| target | req/s | of (b) nginx proxy: median of the rounds' ratios | each round's ratio | p50 ms | p99 ms | errors |"
  echo "|---|---:|---:|---|---:|---:|---:|"
  for t in "${BASES[@]}" "${FRUGALS[@]}"; do
    case "$t" in a) n="(a) upstream direct" ;; b) n="(b) nginx proxy" ;; g) n="(g) Vert.x alone: the stack's floor" ;; c) n="(c) Frugal, H2 ledger (default)" ;; f) n="(f) Frugal, PostgreSQL ledger" ;; esac
    echo "| $n | $(rounds p1 "$t" rps | median | awk '{printf "%.0f", $1}') | $(ratios p1 "$t" b | median | awk '{printf "%.1f", $1}') % | $(ratios p1 "$t" b | each) | $(rounds p1 "$t" p50_us "" 1000 | median | f3) | $(rounds p1 "$t" p99_us "" 1000 | median | f3) | $(errs p1 "$t") |"
  done
  if [ "$FLOOR" = 1 ]; then
    echo
    echo "(g) is Vert.x alone from Frugal's jars with the same JVM options (bench/StackFloor.java; JIT warm-up ${R[warmup.g]:-none});"
    echo "(c) against (g): $(ratios p1 c g | median | awk '{printf "%.1f", $1}') % (each round: $(ratios p1 c g | each)). What separates them is Frugal's own work."
  fi
  echo
  echo "## One connection ($ROUNDS rounds, alternating; medians)"
  echo
  echo "| target | p50 ms | p99 ms | added p50 vs (a) ms: median of the rounds' differences | each round's | added p99 vs (a) ms |"
  echo "|---|---:|---:|---:|---|---:|"
  for t in "${BASES[@]}" c; do
    echo "| ($t) | $(rounds p2 "$t" p50_us "" 1000 | median | f3) | $(rounds p2 "$t" p99_us "" 1000 | median | f3) | $(rounds p2 "$t" p50_us a 1000 | median | signed) | $(rounds p2 "$t" p50_us a 1000 | each) | $(rounds p2 "$t" p99_us a 1000 | median | signed) |"
  done
  for t in g c; do
    [ -s "$RUN_TMP/wakeups-$t.txt" ] || continue
    echo
    echo "One connection to ($t) through the kernel's tracer (\`bench/wakeups.sh\`, 2 s; the trace adds its own time):"
    echo
    echo '```'
    grep -v '^\[bench\|^## ' "$RUN_TMP/wakeups-$t.txt" | sed '/^$/d'
    echo '```'
  done
  echo
  echo "## Streaming, $SSE_CONCURRENCY clients, $SSE_CHUNKS chunks ($ROUNDS rounds, alternating; medians)"
  echo
  echo "| target | req/s | TTFB p50 ms | TTFB p99 ms | added TTFB p50 vs (a) ms: median of the rounds' differences | each round's | errors |"
  echo "|---|---:|---:|---:|---:|---|---:|"
  for t in "${BASES[@]}" c; do
    echo "| ($t) | $(rounds p3 "$t" rps | median | awk '{printf "%.0f", $1}') | $(rounds p3 "$t" ttfb_p50_ms | median | f3) | $(rounds p3 "$t" ttfb_p99_ms | median | f3) | $(rounds p3 "$t" ttfb_p50_ms a | median | signed) | $(rounds p3 "$t" ttfb_p50_ms a | each) | $(errs p3 "$t") |"
  done
  echo
  echo "## Streaming paced as a model generates (a chunk every 10 ms), $SSE_CONCURRENCY clients ($ROUNDS rounds, alternating; medians)"
  echo
  echo "The first byte a user waits for when the upstream streams at a model's pace: here the gateway's CPU per stream"
  echo "is spread over the stream's 230 ms, so this is its latency to relay the first chunk, not its throughput."
  echo
  echo "| target | streams/s | TTFB p50 ms | TTFB p99 ms | added TTFB p50 vs (a) ms: median of the rounds' differences | each round's | errors |"
  echo "|---|---:|---:|---:|---:|---|---:|"
  for t in "${BASES[@]}" c; do
    echo "| ($t) | $(rounds p4 "$t" rps | median | awk '{printf "%.1f", $1}') | $(rounds p4 "$t" ttfb_p50_ms | median | f3) | $(rounds p4 "$t" ttfb_p99_ms | median | f3) | $(rounds p4 "$t" ttfb_p50_ms a | median | signed) | $(rounds p4 "$t" ttfb_p50_ms a | each) | $(errs p4 "$t") |"
  done
  echo
  echo "## Frugal: start and resident memory"
  echo
  echo "| | (c) H2 | (f) PostgreSQL |"
  echo "|---|---:|---:|"
  echo "| launch → /q/health/ready | ${R[ready.c]} ms | ${R[ready.f]:-n/a} ms |"
  echo "| Quarkus \"started in\" | ${R[started.c]} | ${R[started.f]:-n/a} |"
  echo "| JIT warm-up before measuring | ${R[warmup.c]:-none} | ${R[warmup.f]:-none} |"
  echo "| code cache used at the end, KiB | ${R[codecache.c]:-n/a} | ${R[codecache.f]:-n/a} |"
  echo "| VmRSS idle after start, MiB | $(mib c idle 3) | $([ -n "${PID[f]:-}" ] && mib f idle 3 || echo n/a) |"
  echo "| VmRSS peak, throughput phase, MiB | $(mib c throughput 3) | $([ -n "${PID[f]:-}" ] && mib f throughput 3 || echo n/a) |"
  echo "| VmRSS peak, streaming phase, MiB | $(mib c streaming 3) | — |"
  echo "| VmHWM (peak of the process), MiB | $(mib c "" 4) | $([ -n "${PID[f]:-}" ] && mib f "" 4 || echo n/a) |"
  echo
  echo "## The ledger writer during its Frugal's throughput phase"
  echo
  echo "| | (c) H2 | (f) PostgreSQL |"
  echo "|---|---:|---:|"
  for k in rows_per_s writer_cpu_pct rows_per_cpu_s peak_pending; do
    echo "| $k | ${R[ledger.c.$k]:-n/a} | ${R[ledger.f.$k]:-n/a} |"
  done
  echo "| drained after the load, ms | ${R[drain.c]:-n/a} | ${R[drain.f]:-n/a} |"
  echo
  echo "rows_per_cpu_s: rows written per second of the writer thread's CPU (utime+stime, /proc), i.e. what one core"
  echo "sustains; for PostgreSQL the server's own CPU (another process) is not in it. peak_pending: the most rows"
  echo "queued and not yet committed (frugal_ledger_pending, sampled every ${SAMPLE_MS} ms): the lag, in rows."
  if [ "$FRUGAL_JFR" = 1 ] && [ -s "$RUN_TMP/frugal-c.jfr" ]; then
    echo
    echo "## Where (c)'s time goes (JFR, its throughput phase)"
    echo
    "$BENCH_DIR/jfr-top.sh" "$RUN_TMP/frugal-c.jfr" 25 || echo "(jfr-top.sh failed)"
  fi
} >"$REPORT"
cat "$REPORT"
log "report: $REPORT (raw output in $RUN_TMP)"
