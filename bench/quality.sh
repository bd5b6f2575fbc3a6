#!/usr/bin/env bash
# Frugal learned-quality benchmark (docs/benchmarks.md, "Learned quality"): offline evaluations of the
# quality estimator on the shared routing data with MiniLM embeddings, its time per request, and
# MiniLM's time per prompt. Prints a markdown report and writes it to $RESULTS_DIR/<date>-<host>-quality.md.
#
# Usage: bench/quality.sh [all|gsm8k|mmlu|timing|cv gsm8k|cv mmlu|embed]   (default: all)
# Knobs (env): ROUTING_EVAL_DATA=../shared/data/routing-eval RESULTS_DIR=bench/results SKIP_BUILD=0
#   BENCH_JAVA_OPTS=-Xmx3g (add -Dfrugal.bench.k=…, .prior, .sharpness, .size, .points for the cv grid)
# The first run embeds every prompt with MiniLM (about 20 minutes for MMLU-Pro's 11 156 on 2 cores) and
# caches the vectors in target/quality-bench/ (about 17 MB, not committed); later runs take minutes.
# Nothing leaves the machine: the model is inside a Maven artifact.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(dirname "$BENCH_DIR")"
cd "$REPO_DIR"

ROUTING_EVAL_DATA="${ROUTING_EVAL_DATA:-$REPO_DIR/../shared/data/routing-eval}"
[ -d "$ROUTING_EVAL_DATA" ] && ROUTING_EVAL_DATA="$(cd "$ROUTING_EVAL_DATA" && pwd)"
RESULTS_DIR="${RESULTS_DIR:-$BENCH_DIR/results}"
SKIP_BUILD="${SKIP_BUILD:-0}"
BENCH_JAVA_OPTS="${BENCH_JAVA_OPTS:--Xmx3g}"
CACHE="$REPO_DIR/target/quality-bench"

[ -d "$ROUTING_EVAL_DATA" ] || { echo "no routing data at $ROUTING_EVAL_DATA (set ROUTING_EVAL_DATA)" >&2; exit 1; }
if [ "$SKIP_BUILD" != 1 ]; then ./mvnw -q -B -ntp test-compile; fi
mkdir -p "$CACHE" "$RESULTS_DIR"
if [ ! -s "$CACHE/classpath.txt" ] || [ pom.xml -nt "$CACHE/classpath.txt" ]; then
  ./mvnw -q -B -ntp org.apache.maven.plugins:maven-dependency-plugin:3.6.1:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile="$CACHE/classpath.txt"
fi

HOST="$(hostname -s 2>/dev/null || uname -n)"
REPORT="$RESULTS_DIR/$(date +%Y-%m-%d-%H%M)-$HOST-quality.md"
{
  echo "# Learned quality: $(date '+%Y-%m-%d %H:%M') on $HOST"
  echo
  echo "- git $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(java -version 2>&1 | head -1)"
  echo "- $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- data: $ROUTING_EVAL_DATA"
  echo
  # JBoss logging complains once when a plain main touches Quarkus's log manager: harmless, kept out of the report
  java $BENCH_JAVA_OPTS -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
    -Dfrugal.bench.data="$ROUTING_EVAL_DATA" \
    -cp "target/classes:target/test-classes:$(cat "$CACHE/classpath.txt")" \
    dev.frugal.routing.quality.QualityBench "${@:-all}"
  echo "- load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$REPORT"
echo "written: $REPORT" >&2
