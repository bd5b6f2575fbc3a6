#!/usr/bin/env bash
# Loads 5 million ledger rows (30 days, 20 teams, 200 keys, 10 models, 5 providers) and their daily
# rollups into H2 (a file under target/bench-ledger) and/or PostgreSQL (schema bench_ledger of the
# database `test` on 127.0.0.1:5432, user postgres), then times the report queries through the real
# dev.frugal.ledger.Reports code. Prints one markdown table per database (see docs/benchmarks.md).
#
#   bench/ledger-report.sh [h2|postgresql|both] [rows]      (default: both, 5000000)
#
# Needs ~2 GB of disk for both databases; takes several minutes. Do not run it with the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
which="${1:-both}"
rows="${2:-5000000}"

./mvnw -q -B test-compile
./mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt >/dev/null
# a private copy of the classes, so a build during the run cannot pull them away
rm -rf target/bench-ledger-classes && mkdir -p target/bench-ledger-classes
cp -r target/classes target/bench-ledger-classes/main && cp -r target/test-classes target/bench-ledger-classes/test
cp="target/bench-ledger-classes/main:target/bench-ledger-classes/test:$(cat target/bench-classpath.txt)"

run() {
  java -Xmx2g -cp "$cp" -Dorg.jboss.logging.provider=slf4j dev.frugal.ledger.LedgerReportBench "$1" "$rows"
}
case "$which" in
  h2|postgresql) run "$which" ;;
  both) run h2; run postgresql ;;
  *) echo "usage: $0 [h2|postgresql|both] [rows]" >&2; exit 2 ;;
esac
if [ "$which" != h2 ]; then
  psql -q -h 127.0.0.1 -U postgres -d test -c 'DROP SCHEMA IF EXISTS bench_ledger CASCADE' || true
fi
