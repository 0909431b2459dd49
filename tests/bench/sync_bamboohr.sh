#!/usr/bin/env bash
# Issue 7's sync benchmark: a full sync of 1,000,000 people and 200,000 leave
# requests from a loopback BambooHR, paged as the real API pages (cursor-paged
# /api/v1/employees, /api/v1/time_off/requests in date windows), through the
# real bamboohr.so (loader + the host's libcurl HTTP service), against only
# fetching and JSON-parsing the same pages with libcurl + nlohmann, in the same
# run. Server and both clients are separate processes: each peak is its own.
# Each side runs RUNS times (default 3), alternating, and every figure is the median, CPU time
# (user + sys) beside wall (tests/bench/lib/measure.sh).
#   tests/bench/sync_bamboohr.sh [people] [leave]        (PAGE_SIZE=1000 by default)
# Last line: ratio=<adapter/baseline wall> records_per_s=<adapter> peak_mb=<adapter peak RSS>
#            cpu_ratio=<adapter/baseline CPU>
set -euo pipefail
cd "$(dirname "$0")/../.."
people="${1:-1000000}"
leave="${2:-200000}"
page_size="${PAGE_SIZE:-1000}"
. tests/bench/lib/measure.sh
cmake --preset release >/dev/null
cmake --build --preset release -j2 --target sync_bench_server sync_bench_client mentoring_adapter_bamboohr >/dev/null
bin=build/release/bin
bench_begin
work=$bench_dir
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

"$bin/sync_bench_server" --port 0 --people "$people" --leave "$leave" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 600); do grep -q '^listening' "$work/server.log" && break; sleep 0.1; done
port=$(sed -n 's/^listening port=\([0-9]*\).*/\1/p' "$work/server.log")
[ -n "$port" ] || { cat "$work/server.log"; exit 1; }
url="http://127.0.0.1:$port"

# CPU seconds (user+sys) the server has used so far: it serves both sides the same pages.
server_cpu() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$server_pid/stat"; }
run() {  # run <mode>: one timed client run (its own section: seconds=, cpu_s=) and the server's CPU
  local before
  before=$(server_cpu)
  bench_run --section "$1" "$bin/sync_bench_client" --mode "$1" --url "$url" --page-size "$page_size"
  echo "  $(cat "$bench_out") server_cpu_s=$(awk -v a="$(server_cpu)" -v b="$before" 'BEGIN {printf "%.2f", a - b}')"
}

echo "organisation: $people people, $leave leave requests; page size $page_size"
for _ in $(seq "$RUNS"); do
  run baseline
  run adapter
done
bench_summary baseline adapter
bench_end
value() { sed -n "s/.*[ ^]$1=\([0-9.]*\).*/\1/p" <<<" $2"; }
records=$(value records "$(cat "$bench_out")")
o=$(bench_median adapter wall)
echo "cpu_ratio: the clients' CPU over their timed section (the server's, the same pages for both, is printed per run)"
echo "ratio=$(bench_ratio adapter baseline wall) records_per_s=$(awk -v r="$records" -v o="$o" 'BEGIN{printf "%.0f", r/o}') peak_mb=$(bench_peak_mb adapter) cpu_ratio=$(bench_ratio adapter baseline cpu)"
