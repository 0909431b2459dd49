#!/usr/bin/env bash
# Issue 7's sync benchmark: a full sync of 1,000,000 people and 200,000 leave
# requests from a loopback BambooHR, paged as the real API pages (cursor-paged
# /api/v1/employees, /api/v1/time_off/requests in date windows), through the
# real bamboohr.so (loader + the host's libcurl HTTP service), against only
# fetching and JSON-parsing the same pages with libcurl + nlohmann, in the same
# run. Server and both clients are separate processes: each peak is its own.
#   tests/bench/sync_bamboohr.sh [people] [leave]        (PAGE_SIZE=1000 by default)
# Last line: ratio=<adapter/baseline wall> records_per_s=<adapter> peak_mb=<adapter peak RSS>
set -euo pipefail
cd "$(dirname "$0")/../.."
people="${1:-1000000}"
leave="${2:-200000}"
page_size="${PAGE_SIZE:-1000}"
cmake --preset release >/dev/null
cmake --build --preset release -j2 --target sync_bench_server sync_bench_client mentoring_adapter_bamboohr >/dev/null
bin=build/release/bin
work=$(mktemp -d)
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

"$bin/sync_bench_server" --port 0 --people "$people" --leave "$leave" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 600); do grep -q '^listening' "$work/server.log" && break; sleep 0.1; done
port=$(sed -n 's/^listening port=\([0-9]*\).*/\1/p' "$work/server.log")
[ -n "$port" ] || { cat "$work/server.log"; exit 1; }
url="http://127.0.0.1:$port"

# CPU seconds (user+sys) the server has used so far.
server_cpu() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$server_pid/stat"; }

run() {  # run <mode>: prints the client's line plus wall, user, sys, peak and the server's CPU
  local before after
  before=$(server_cpu)
  /usr/bin/time -f "wall_s=%e user_s=%U sys_s=%S peak_kb=%M" -o "$work/$1.time" \
    "$bin/sync_bench_client" --mode "$1" --url "$url" --page-size "$page_size" >"$work/$1.out"
  after=$(server_cpu)
  echo "$(cat "$work/$1.out") $(cat "$work/$1.time") server_cpu_s=$(awk -v a="$after" -v b="$before" 'BEGIN{printf "%.2f", a-b}')"
}

echo "organisation: $people people, $leave leave requests; page size $page_size; $(nproc) cores"
base=$(run baseline)
echo "$base"
ours=$(run adapter)
echo "$ours"
value() { sed -n "s/.*[ ^]$1=\([0-9.]*\).*/\1/p" <<<" $2"; }
b=$(value seconds "$base"); o=$(value seconds "$ours")
records=$(value records "$ours"); peak_kb=$(value peak_kb "$ours")
echo "baseline: ${b}s wall, $(value user_s "$base")s user + $(value sys_s "$base")s sys, peak $(( $(value peak_kb "$base") / 1024 )) MB"
echo "adapter:  ${o}s wall, $(value user_s "$ours")s user + $(value sys_s "$ours")s sys, peak $(( peak_kb / 1024 )) MB, $records records"
echo "ratio=$(awk -v o="$o" -v b="$b" 'BEGIN{printf "%.2f", o/b}') records_per_s=$(awk -v r="$records" -v o="$o" 'BEGIN{printf "%.0f", r/o}') peak_mb=$(( peak_kb / 1024 ))"
