#!/usr/bin/env bash
# Overload benchmark: steps the load on Frugal past saturation and records, per step, how much
# was served, how much was shed (503 + Retry-After) and the latency of what was served.
# The deployment (bench/frugal-overload.yaml) is a simulated slow box: 100 ms per answer and a
# bulkhead of 64, so it saturates at ~640 req/s whatever the machine. Only 127.0.0.1 is used.
# Latencies are over all answers, served and shed alike (wrk cannot split them by status).
# Env: STEPS="16 64 128 256 512 1024" (connections), DURATION=10, FRUGAL_JAVA_OPTS=-XX:+UseSerialGC
set -euo pipefail
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(dirname "$BENCH_DIR")"
STEPS="${STEPS:-16 64 128 256 512 1024}"
DURATION="${DURATION:-10}"
FRUGAL_JAVA_OPTS="${FRUGAL_JAVA_OPTS--XX:+UseSerialGC}"
JAR="$REPO_DIR/target/quarkus-app/quarkus-run.jar"
command -v wrk >/dev/null || { echo "wrk missing: run bench/setup.sh" >&2; exit 1; }
[ -f "$JAR" ] || (cd "$REPO_DIR" && ./mvnw -q -B -DskipTests package)
if (exec 3<>/dev/tcp/127.0.0.1/8080) 2>/dev/null; then echo "port 8080 is taken" >&2; exit 1; fi
TMP="$(mktemp -d /tmp/frugal-overload.XXXX)"
# shellcheck disable=SC2086
FRUGAL_CONFIG="$BENCH_DIR/frugal-overload.yaml" BENCH_KEY=frg-bench-key \
  java $FRUGAL_JAVA_OPTS -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port=8080 -jar "$JAR" >"$TMP/frugal.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null || true' EXIT
for _ in $(seq 1 240); do curl -sf http://127.0.0.1:8080/q/health/ready >/dev/null && break; sleep 0.25; done
cat >"$TMP/count.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"model":"bench-plain","messages":[{"role":"user","content":"Hello"}]}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer frg-bench-key"
local counts = {}
function setup(thread) table.insert(counts, thread) end
function init(args) ok = 0; shed = 0; other = 0 end
function response(status, headers, body)
  if status == 200 then ok = ok + 1 elseif status == 503 then shed = shed + 1 else other = other + 1 end
end
function done(summary, latency, requests)
  local o, s, x = 0, 0, 0
  for _, t in ipairs(counts) do o = o + t:get("ok"); s = s + t:get("shed"); x = x + t:get("other") end
  io.write(string.format("OVERLOAD ok=%d shed=%d other=%d secs=%.1f p50_ms=%.1f p99_ms=%.1f max_ms=%.1f\n",
    o, s, x, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
LUA
wrk -t2 -c64 -d5s -s "$TMP/count.lua" http://127.0.0.1:8080/v1/chat/completions >/dev/null # warm-up
echo "| connections | served req/s | shed req/s (503) | other errors | p50 ms | p99 ms | max ms |"
echo "|---:|---:|---:|---:|---:|---:|---:|"
for c in $STEPS; do
  line="$(wrk -t2 -c"$c" -d"${DURATION}s" --timeout 10s -s "$TMP/count.lua" http://127.0.0.1:8080/v1/chat/completions | grep OVERLOAD)"
  eval "$(echo "$line" | sed 's/OVERLOAD //')"
  printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$c" "$(awk -v a="$ok" -v s="$secs" 'BEGIN{printf "%.0f", a/s}')" \
    "$(awk -v a="$shed" -v s="$secs" 'BEGIN{printf "%.0f", a/s}')" "$other" "$p50_ms" "$p99_ms" "$max_ms"
done
echo
echo "Frugal RSS at the end: $(awk '/VmRSS/{printf "%.0f MiB", $2/1024}' /proc/$PID/status); JAVA_OPTS='$FRUGAL_JAVA_OPTS'; $(nproc) cores"
