#!/usr/bin/env bash
# The gateway's own CPU on one benchmark stream, without HTTP: bench/StreamRelayMicro.java (the SSE decoder and the
# OpenAI stream mapper over bench/sse-upstream.js's 23 events), nanoseconds a stream. A change that is a few per
# cent of a stream's CPU is lost in the noise of the end-to-end runs on a shared machine; this isolates it.
#   bench/stream-relay.sh [APP_DIR ...]   (default target/quarkus-app; with several, their runs alternate)
# Knobs (env): PASSES=2 (runs of each build) ROUNDS=8 (measured rounds a run) STREAMS=200000 (a round)
#   JAVA_OPTS="-XX:+UseSerialGC -Xmn32m" BENCH_TMP=/tmp/frugal-bench
set -euo pipefail
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(dirname "$BENCH_DIR")"
. "$BENCH_DIR/lib.sh"
PASSES="${PASSES:-2}"; ROUNDS="${ROUNDS:-8}"; STREAMS="${STREAMS:-200000}"
JAVA_OPTS="${JAVA_OPTS:--XX:+UseSerialGC -Xmn32m}"; BENCH_TMP="${BENCH_TMP:-/tmp/frugal-bench}"
check_int PASSES "$PASSES" 1 50; check_int ROUNDS "$ROUNDS" 1 100; check_int STREAMS "$STREAMS" 1 100000000
[ $# -gt 0 ] || set -- "$REPO_DIR/target/quarkus-app"
for tool in java javac; do command -v "$tool" >/dev/null 2>&1 || die "$tool not found"; done
i=0
for app in "$@"; do
  jar="$(ls "$app"/app/*.jar 2>/dev/null | head -n1)"
  [ -n "$jar" ] || die "no application jar in $app/app (build with ./mvnw -DskipTests package)"
  out="$BENCH_TMP/stream-relay-$i"; rm -rf "$out"; mkdir -p "$out"
  javac -d "$out" -cp "$jar:$app/lib/main/*" "$BENCH_DIR/StreamRelayMicro.java"
  i=$((i + 1))
done
for pass in $(seq 1 "$PASSES"); do
  i=0
  for app in "$@"; do
    jar="$(ls "$app"/app/*.jar | head -n1)"
    # shellcheck disable=SC2086 # JAVA_OPTS is a list of JVM flags
    ns="$(java $JAVA_OPTS -Drounds="$ROUNDS" -Dstreams="$STREAMS" -cp "$BENCH_TMP/stream-relay-$i:$jar:$app/lib/main/*" \
      dev.frugal.provider.openaiwire.StreamRelayMicro 2> >(grep -v "SLF4J\|org.slf4j" >&2) | awk '/ns\/stream/ {print $3}' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
    echo "pass $pass  $app  median $ns ns a stream"
    i=$((i + 1))
  done
done
