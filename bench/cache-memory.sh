#!/usr/bin/env bash
# Memory per cached answer of the exact cache's memory tier, in a JVM of its own: puts N answers in a
# MemoryTier (dev.frugal.cache.CacheMemoryBench) and compares the live heap after full GCs with what
# the tier weighs them at. Prints one markdown table (see docs/benchmarks.md).
#
#   bench/cache-memory.sh [entries] [body bytes]      (default: 100000, the bench upstream's 287)
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B test-compile
./mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt >/dev/null
rm -rf target/bench-cache-classes && mkdir -p target/bench-cache-classes
cp -r target/classes target/bench-cache-classes/main && cp -r target/test-classes target/bench-cache-classes/test
cp="target/bench-cache-classes/main:target/bench-cache-classes/test:$(cat target/bench-classpath.txt)"
java -XX:+UseSerialGC -Xmx2g -cp "$cp" dev.frugal.cache.CacheMemoryBench "${1:-100000}" "${2:-287}"
