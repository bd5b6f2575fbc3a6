#!/usr/bin/env bash
# Frugal learned routing, live (docs/benchmarks.md, "Learned routing, live"): what the learned scorer adds
# to a routed request, end to end through the packaged gateway, one request at a time:
#   - bench-direct: the cheap model by name (no decision);
#   - bench-cheapest: a route whose objective reads no quality (the scorer does not run);
#   - bench-learned, a repeated prompt: the scorer runs, its embedding comes from memory;
#   - bench-learned, a new prompt every request of 10 / 100 / 500 / 2000 words: MiniLM embeds each one.
# The route learns from the shipped GSM8K outcomes (src/test/resources/routing-eval, 1 319 rows), uploaded
# through the admin API; the upload's embedding time is reported too. The upstream is bench/sse-upstream.js
# (answers at once). Prints a markdown report and writes it to $RESULTS_DIR/<date>-<host>-learned.md.
# Only 127.0.0.1 is targeted; every process started here is stopped on exit.
#
# Knobs (env): REQUESTS=200 WARMUP=20 (per target) JIT_WARMUP=1000 (per route, before any target) FRUGAL_JAR=target/quarkus-app/quarkus-run.jar FRUGAL_JAVA_OPTS=-XX:+UseSerialGC
#   BENCH_TMP=/tmp/frugal-learned-bench RESULTS_DIR=bench/results EMBED_TIMEOUT=10s (generous, so that the
#   embedding's own time is measured, not the fallback's)
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(dirname "$BENCH_DIR")"
REQUESTS="${REQUESTS:-200}"
WARMUP="${WARMUP:-20}"
JIT_WARMUP="${JIT_WARMUP:-1000}"
FRUGAL_JAR="${FRUGAL_JAR:-$REPO_DIR/target/quarkus-app/quarkus-run.jar}"
FRUGAL_JAVA_OPTS="${FRUGAL_JAVA_OPTS--XX:+UseSerialGC}"
BENCH_TMP="${BENCH_TMP:-/tmp/frugal-learned-bench}"
RESULTS_DIR="${RESULTS_DIR:-$BENCH_DIR/results}"
EMBED_TIMEOUT="${EMBED_TIMEOUT:-10s}"
PORT=18480
GW="http://127.0.0.1:$PORT"
KEY="frg-bench-learned-key"
ADMIN_KEY="frg-bench-admin-key-5b1d9e0c7a3f48e2a6c4"
DATA="$REPO_DIR/src/test/resources/routing-eval/routellm_gsm8k_mixtral_gpt4.csv"

log() { printf '[learned %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
[ -f "$FRUGAL_JAR" ] || die "no $FRUGAL_JAR: run ./mvnw package -DskipTests first"
command -v node >/dev/null || die "node is needed (the upstream and the client)"
rm -rf "$BENCH_TMP"; mkdir -p "$BENCH_TMP" "$RESULTS_DIR"

PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

SSE_PORT=19102 node "$BENCH_DIR/sse-upstream.js" > "$BENCH_TMP/upstream.log" 2>&1 &
PIDS+=($!)
FRUGAL_CONFIG="$BENCH_DIR/frugal-learned.yaml" BENCH_KEY="$KEY" FRUGAL_ADMIN_KEY="$ADMIN_KEY" FRUGAL_DATA_DIR="$BENCH_TMP/data" \
  FRUGAL_ROUTING_QUALITY_EMBED_TIMEOUT="$EMBED_TIMEOUT" QUARKUS_HTTP_PORT=$PORT \
  java $FRUGAL_JAVA_OPTS -jar "$FRUGAL_JAR" > "$BENCH_TMP/frugal.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 120); do curl -sf "$GW/q/health/ready" >/dev/null 2>&1 && break; sleep 1; done
curl -sf "$GW/q/health/ready" >/dev/null || die "Frugal did not start: $BENCH_TMP/frugal.log"

log "uploading $(($(wc -l < "$DATA") - 1)) GSM8K examples"
t0=$(date +%s.%N)
curl -sf "$GW/admin/routes/bench-learned/examples" -H "Authorization: Bearer $ADMIN_KEY" -H 'Content-Type: text/csv' \
  --data-binary @"$DATA" > "$BENCH_TMP/upload.json" || die "upload refused: $(cat "$BENCH_TMP/upload.json")"
rows=0
while :; do
  status="$(curl -sf "$GW/admin/routes/bench-learned/examples" -H "Authorization: Bearer $ADMIN_KEY")"
  state="$(echo "$status" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s);console.log(j.upload.status+" "+j.upload.embedded+" "+j.upload.rows)})')"
  set -- $state
  [ "$1" = ready ] && { rows=$3; break; }
  [ "$1" = failed ] && die "upload failed: $status"
  sleep 2
done
upload_s=$(echo "$(date +%s.%N) - $t0" | bc)

run() { # label model words
  LABEL="$1" MODEL="$2" PROMPT_WORDS="$3" KEY="$KEY" TARGET="$GW/v1/chat/completions" REQUESTS="$REQUESTS" WARMUP="$WARMUP" \
    node "$BENCH_DIR/latency-client.js"
}
# the JIT first: without this the first target measured pays the warm-up the others do not
log "warming up ($JIT_WARMUP requests per route)"
for t in mixtral-8x7b-instruct bench-cheapest bench-learned; do
  LABEL=warm MODEL=$t PROMPT_WORDS=0 KEY="$KEY" TARGET="$GW/v1/chat/completions" REQUESTS="$JIT_WARMUP" WARMUP=0 \
    node "$BENCH_DIR/latency-client.js" >/dev/null
done
LINES=()
LINES+=("$(run direct mixtral-8x7b-instruct 0)")
LINES+=("$(run cheapest-no-scorer bench-cheapest 0)")
LINES+=("$(run learned-repeated bench-learned 0)")
for w in 10 100 500 2000; do LINES+=("$(run "learned-new-$w-words" bench-learned "$w")"); done
timeouts="$(curl -sf "$GW/q/metrics" | grep '^frugal_routing_quality_predictions_total' || true)"

HOST="$(hostname -s 2>/dev/null || uname -n)"
REPORT="$RESULTS_DIR/$(date +%Y-%m-%d-%H%M)-$HOST-learned.md"
{
  echo "# Learned routing, live: $(date '+%Y-%m-%d %H:%M') on $HOST"
  echo
  echo "- git $(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo '?'), $(java -version 2>&1 | head -1)"
  echo "- $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), load average: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- upload: $rows examples embedded and stored in ${upload_s%.*} s ($(echo "scale=1; $upload_s * 1000 / $rows" | bc) ms a row)"
  echo "- one connection, $REQUESTS requests after $WARMUP warm-up, upstream answers at once"
  echo
  echo "| target | p50 ms | p90 ms | p99 ms | mean ms | served by |"
  echo "|---|---:|---:|---:|---:|---|"
  for l in "${LINES[@]}"; do
    echo "$l" | sed -E 's/LATENCY label=([^ ]+) n=[0-9]+ p50=([^ ]+) p90=([^ ]+) p99=([^ ]+) mean=([^ ]+) models=(.*)/| \1 | \2 | \3 | \4 | \5 | \6 |/'
  done
  echo
  echo '```'
  echo "$timeouts"
  echo '```'
  echo "- load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$REPORT"
log "written: $REPORT"
