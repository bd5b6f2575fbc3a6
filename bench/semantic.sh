#!/usr/bin/env bash
# The semantic cache's cost per request, in a JVM of its own (dev.frugal.cache.SemanticBench): embedding
# time by prompt length (MiniLM), nearest-prompt lookup time at 1k, 10k and 100k entries, memory per
# entry. Prints markdown tables (see docs/benchmarks.md). Note the machine's load beside the figures.
#
#   bench/semantic.sh
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B test-compile
./mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt >/dev/null
rm -rf target/bench-semantic-classes && mkdir -p target/bench-semantic-classes
cp -r target/classes target/bench-semantic-classes/main && cp -r target/test-classes target/bench-semantic-classes/test
cp="target/bench-semantic-classes/main:target/bench-semantic-classes/test:$(cat target/bench-classpath.txt)"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores, $(date -u +%FT%TZ)"
java -XX:+UseSerialGC -Xmx3g -cp "$cp" dev.frugal.cache.SemanticBench
