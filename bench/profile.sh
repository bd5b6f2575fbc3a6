#!/usr/bin/env bash
# CPU (or allocation) profile of a running JVM with async-profiler, and where its time goes.
#   bench/profile.sh PID SECONDS [cpu|alloc|wall] [OUT]
# Resolves async-profiler from Maven Central (tools.profiler:async-profiler:$AP_VERSION, classifier linux-x64 or
# linux-arm64) with the project's Maven wrapper on first use, loads its agent into PID with jcmd, records SECONDS,
# writes the collapsed stacks to OUT (default $BENCH_TMP/profile-<pid>-<event>.txt) and prints bench/profile-summary.js
# of it. Drive the load yourself meanwhile, e.g. with wrk as bench/issue15.sh does.
#
# Why not JFR: settings=profile slowed Frugal about four times on JDK 17 here; async-profiler at 1 ms costs a
# fifth or less (13 000 → 10 800 req/s) and sees the kernel's share too (perf events; itimer where they are refused).
# An agent once loaded stays in the JVM until it exits; loading it again is harmless.
# Env: AP_VERSION=4.0 INTERVAL=1ms BENCH_TMP=/tmp/frugal-bench
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(dirname "$BENCH_DIR")"
# shellcheck source=bench/lib.sh
. "$BENCH_DIR/lib.sh"

[ $# -ge 2 ] || die "usage: bench/profile.sh PID SECONDS [cpu|alloc|wall] [OUT]"
PID="$1"; SECONDS_="$2"; EVENT="${3:-cpu}"
AP_VERSION="${AP_VERSION:-4.0}"; INTERVAL="${INTERVAL:-1ms}"; BENCH_TMP="${BENCH_TMP:-/tmp/frugal-bench}"
check_int SECONDS "$SECONDS_" 1 3600
[[ "$PID" =~ ^[0-9]+$ ]] && kill -0 "$PID" 2>/dev/null || die "no process $PID"
case "$EVENT" in cpu | wall) OPTS="event=$EVENT,interval=$INTERVAL" ;; alloc) OPTS="event=alloc" ;; *) die "event must be cpu, alloc or wall" ;; esac
OUT="${4:-$BENCH_TMP/profile-$PID-$EVENT.txt}"
case "$(uname -m)" in x86_64) ARCH=linux-x64 ;; aarch64) ARCH=linux-arm64 ;; *) die "async-profiler has no build for $(uname -m)" ;; esac
for tool in jcmd node; do command -v "$tool" >/dev/null 2>&1 || die "$tool not found"; done

JAR="$HOME/.m2/repository/tools/profiler/async-profiler/$AP_VERSION/async-profiler-$AP_VERSION-$ARCH.jar"
if [ ! -f "$JAR" ]; then
  log "fetching tools.profiler:async-profiler:$AP_VERSION:$ARCH from Maven Central"
  (cd "$REPO_DIR" && ./mvnw -q -B dependency:get -Dartifact="tools.profiler:async-profiler:$AP_VERSION:jar:$ARCH" -Dtransitive=false) \
    || die "could not fetch async-profiler $AP_VERSION"
fi
LIB_DIR="$BENCH_TMP/async-profiler-$AP_VERSION"
LIB="$LIB_DIR/$ARCH/libasyncProfiler.so"
if [ ! -f "$LIB" ]; then
  mkdir -p "$LIB_DIR"
  (cd "$LIB_DIR" && jar xf "$JAR" "$ARCH/libasyncProfiler.so") || die "could not unpack $JAR"
fi
mkdir -p "$(dirname "$OUT")"

agent() { # one agent command; jcmd reads a=b as its own option, so the agent's options go quoted
  local out
  out="$(jcmd "$PID" JVMTI.agent_load "$LIB" "\"$1\"" 2>&1)" || die "jcmd failed: $out"
  grep -q 'return code: 0' <<<"$out" || die "async-profiler refused '$1' (see the JVM's own output): $out"
}
log "profiling $PID ($EVENT) for ${SECONDS_}s"
agent "start,$OPTS"
sleep "$SECONDS_"
if [ "$EVENT" = alloc ]; then agent "stop,file=$OUT,collapsed,total"; else agent "stop,file=$OUT,collapsed"; fi
log "collapsed stacks: $OUT"
if [ "$EVENT" = alloc ]; then node "$BENCH_DIR/profile-summary.js" "$OUT" --alloc; else node "$BENCH_DIR/profile-summary.js" "$OUT"; fi
