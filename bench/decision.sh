#!/usr/bin/env bash
# Frugal routing decision time (docs/benchmarks.md, "Decision time"): RoutePlanner over routes of 4, 6 and 10
# candidates with every filter and each objective, without the learned scorer (the priors, from memory), with
# and without a shadow policy. One thread, a warm loop; wall and CPU time per decision. Prints a markdown
# report and writes it to $RESULTS_DIR/<date>-<host>-decision.md. No network, no Quarkus.
#
# Usage: bench/decision.sh [rounds per case, default 200000]
# Knobs (env): RESULTS_DIR=bench/results SKIP_BUILD=0 BENCH_JAVA_OPTS=-Xmx512m
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(dirname "$BENCH_DIR")"
cd "$REPO_DIR"
RESULTS_DIR="${RESULTS_DIR:-$BENCH_DIR/results}"
SKIP_BUILD="${SKIP_BUILD:-0}"
BENCH_JAVA_OPTS="${BENCH_JAVA_OPTS:--Xmx512m}"
CACHE="$REPO_DIR/target/decision-bench"

if [ "$SKIP_BUILD" != 1 ]; then ./mvnw -q -B -ntp test-compile; fi
mkdir -p "$CACHE" "$RESULTS_DIR"
if [ ! -s "$CACHE/classpath.txt" ] || [ pom.xml -nt "$CACHE/classpath.txt" ]; then
  ./mvnw -q -B -ntp org.apache.maven.plugins:maven-dependency-plugin:3.6.1:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile="$CACHE/classpath.txt"
fi

HOST="$(hostname -s 2>/dev/null || uname -n)"
REPORT="$RESULTS_DIR/$(date +%Y-%m-%d-%H%M)-$HOST-decision.md"
{
  echo "# Routing decision time: $(date '+%Y-%m-%d %H:%M') on $HOST"
  echo
  echo "- git $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(java -version 2>&1 | head -1)"
  echo "- $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  java $BENCH_JAVA_OPTS -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
    -cp "target/classes:target/test-classes:$(cat "$CACHE/classpath.txt")" \
    dev.frugal.routing.DecisionBench "${1:-200000}"
  echo
  echo "- load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$REPORT"
echo "written: $REPORT" >&2
