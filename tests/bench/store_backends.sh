#!/usr/bin/env bash
# Issue 17's store comparison, before `serve` runs on PostgreSQL: what a first sync writes for
# ORGS organisations of PEOPLE people each (every person upserted as listed by a full read, the
# cursor; one transaction per organisation), through the same repository interfaces, on SQLite
# (a file per organisation) and on PostgreSQL (one database, a throwaway cluster on loopback,
# row-level security on, one connection). The store's share of tests/bench/multihost.sh's
# work: its target is PostgreSQL within 2x of SQLite on one host.
# Each side runs RUNS times (default 3), alternating; figures are medians, CPU (user + sys)
# beside wall; PostgreSQL's CPU includes the server process serving the connection.
#   tests/bench/store_backends.sh [orgs] [people]          (default 200 x 5000)
# Last line: ratio=<postgres/sqlite wall> cpu_ratio=<postgres/sqlite CPU>
set -euo pipefail
cd "$(dirname "$0")/../.."
orgs="${1:-200}"
people="${2:-5000}"
. tests/bench/lib/measure.sh
cmake --preset release >/dev/null
cmake --build --preset release -j2 --target store_backends_bench >/dev/null
bin=build/release/bin
bench_begin
work=$bench_dir
cluster=$work/cluster
cleanup() { tests/support/postgres-cluster.sh stop "$cluster" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
tests/support/postgres-cluster.sh start "$cluster" >/dev/null

echo "organisations: $orgs x $people people"
for _ in $(seq "$RUNS"); do
  rm -rf "$work/sqlite" && mkdir -p "$work/sqlite"
  bench_run --section sqlite "$bin/store_backends_bench" --backend sqlite --orgs "$orgs" \
    --people "$people" --at "$work/sqlite"
  bench_run --section postgres "$bin/store_backends_bench" --backend postgres --orgs "$orgs" \
    --people "$people" --at "$cluster/url"
done
rm -rf "$work/sqlite"
bench_summary sqlite postgres
bench_end
echo "ratio=$(bench_ratio postgres sqlite wall) cpu_ratio=$(bench_ratio postgres sqlite cpu)"
