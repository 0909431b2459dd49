#!/usr/bin/env bash
# Issue 4's benchmark: one sync of an organisation of 1,000,000 people with
# 100,000 leave changes through the real plugin (validation, store, enrolment
# planning, outbox), against bulk-inserting the same rows into SQLite with
# prepared statements in one transaction. Each mode runs in its own process so
# peak memory is the plugin's own.
#   tests/bench/enrolment_sync.sh [people] [leave]
# Last line: ratio=<plugin/baseline> peak_mb=<plugin peak RSS> seconds=<plugin wall time>
set -euo pipefail
cd "$(dirname "$0")/../.."
people="${1:-1000000}"
leave="${2:-100000}"
scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release -j2 --target enrolment_bench mentoring_plugin >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
base=$(build/release/bin/enrolment_bench --mode baseline --people "$people" --leave "$leave" --dir "$work")
echo "$base"
ours=$(build/release/bin/enrolment_bench --mode plugin --people "$people" --leave "$leave" --dir "$work")
echo "$ours"
value() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" <<<"$2"; }
b=$(value seconds "$base"); o=$(value seconds "$ours"); mb=$(value peak_mb "$ours")
echo "ratio=$(awk -v o="$o" -v b="$b" 'BEGIN{printf "%.2f", o/b}') peak_mb=$mb seconds=$o"
