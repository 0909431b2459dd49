#!/usr/bin/env bash
# Issue 16's benchmark: the embedded default at scale. Generates an organisation of N people
# with leave and course completions in the demo's CSV format (tests/bench/file_sync/generate.py:
# the demo's Northwind copied with suffixed ids, deterministic), then times
#   first:  `mentoring-host run` on it, first run, on a fresh state folder
#   rerun:  the same run again on that state, nothing changed in the files
#   floor:  sqlite3 ".mode csv" ".import" of the same three files into a fresh database
#   schema_floor: the floor, then the same rows stored by SQLite alone in the plugin's own tables
#           (the schema the first run created), mapped in SQL (file_sync/schema_floor.sql): the
#           least any first run that keeps this schema can cost
# alternating (first rerun floor) x RUNS (default 3), each figure the median, CPU (user + sys)
# beside wall (tests/bench/lib/measure.sh).
#   tests/bench/file_sync.sh [people]          (default 1000000; RUNS=3, KEEP=1 keeps the data)
# `run` must exit 0 or 6 (quarantined records); any other exit code stops the benchmark with the
# run's figures and errors. ACCEPT_EXIT=5 (a comma list) measures runs that fail with those codes
# anyway, and says so: how the issue's BEFORE figure at 1,000,000 people was taken (the old file
# adapter handed 1,575,000 course completions over as one page, over the host's limit).
# Last lines:
#   schema_floor_ratio=<schema_floor/floor CPU> cpu_vs_schema_floor=<first/schema_floor CPU>
#   cpu_ratio=<first/floor CPU> cpu_rerun_ratio=<rerun/first CPU>
#   ratio=<first/floor wall> rerun_ratio=<rerun/first wall> peak_mb=<first's peak RSS>
# Targets (issue 16): ratio <= 2, rerun_ratio <= 0.05, peak under 300 MB at 1,000,000 people.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
people="${1:-1000000}"
[[ $people =~ ^[1-9][0-9]*$ ]] || { echo "file_sync.sh: people must be a positive integer, found '$people'" >&2; exit 2; }
. tests/bench/lib/measure.sh
for tool in sqlite3 /usr/bin/python3; do
  command -v "$tool" >/dev/null || { echo "file_sync.sh: $tool is missing: run scripts/setup.sh" >&2; exit 2; }
done

cmake --preset release >/dev/null
cmake --build --preset release -j2 --target mentoring-host mentoring_plugin mentoring_adapter_file >/dev/null
host=$root/build/release/bin/mentoring-host

bench_begin
trap '[ -n "${KEEP:-}" ] && echo "kept $bench_dir" || rm -rf "$bench_dir"' EXIT
data=$bench_dir/org
start=$(date +%s.%N)
/usr/bin/python3 tests/bench/file_sync/generate.py --repo "$root" --out "$data" --people "$people"
echo "organisation: $people people, $(($(wc -l <"$data/leave.csv") - 1)) leave rows," \
  "$(($(wc -l <"$data/training.csv") - 1)) course completions;" \
  "$(du -cm "$data"/*.csv | tail -1 | cut -f1) MB of CSV;" \
  "generated in $(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN {printf "%.1f", e - s}') s"

# `run` exits 0, or 6 when some records were quarantined (README "Exit codes"): the run
# completed either way. Anything else is a failure of the run, not a figure.
ok=0,6
if [ -n "${ACCEPT_EXIT:-}" ]; then
  [[ $ACCEPT_EXIT =~ ^[0-9]+(,[0-9]+)*$ ]] || { echo "file_sync.sh: ACCEPT_EXIT is a comma list of exit codes" >&2; exit 2; }
  ok=$ok,$ACCEPT_EXIT
  echo "WARNING: ACCEPT_EXIT=$ACCEPT_EXIT: runs failing with exit $ACCEPT_EXIT are measured too; such figures are not of a complete run"
fi
run_host=("$host" run --config "$data/host.json")
floor_import=(sqlite3 "$data/floor.sqlite" ".mode csv" ".import $data/people.csv person"
              ".import $data/leave.csv leave" ".import $data/training.csv training")

for run in $(seq "$RUNS"); do
  rm -rf "$data/state"
  bench_run --ok "$ok" first "${run_host[@]}"
  # What the runs stored: the first run's sync and enrolment lines, the rerun's sync lines.
  if [ "$run" = 1 ]; then
    sed -n 's/^  \(sync\|enrolment\) */  first run: \1 /p' "$bench_out"
  fi
  bench_run --ok "$ok" rerun "${run_host[@]}"
  if [ "$run" = 1 ]; then
    sed -n 's/^  sync */  rerun: sync /p' "$bench_out"
  fi
  rm -f "$data/floor.sqlite"
  bench_run floor "${floor_import[@]}"
  if [ "$run" = 1 ]; then
    # The plugin's own tables, as the first run created them (indexes and triggers included).
    sqlite3 "$data/state/northwind/northwind.sqlite" ".schema person" ".schema leave" \
      ".schema course_completion" ".schema person_manager" >"$data/schema.sql"
    cp tests/bench/file_sync/schema_floor.sql "$data/schema_floor.sql"
  fi
  rm -f "$data/schema_floor.sqlite"*
  bench_run schema_floor bash -c 'cd "$1" && sqlite3 schema_floor.sqlite ".read schema_floor.sql" >/dev/null' _ "$data"
done
echo "schema floor rows: $(sqlite3 "$data/schema_floor.sqlite" 'SELECT (SELECT count(*) FROM person) || " people, " ||
  (SELECT count(*) FROM leave) || " leave, " || (SELECT count(*) FROM course_completion) || " completions"')"
echo "floor rows: $(sqlite3 "$data/floor.sqlite" 'SELECT (SELECT count(*) FROM person) || " people, " ||
  (SELECT count(*) FROM leave) || " leave, " || (SELECT count(*) FROM training) || " completions"')"

bench_summary first rerun floor schema_floor
bench_end
ratio=$(bench_ratio first floor wall) rerun_ratio=$(bench_ratio rerun first wall) peak_mb=$(bench_peak_mb first)
met() { awk -v v="$1" -v t="$2" 'BEGIN {print (v + 0 <= t) ? "met" : "NOT met"}'; }
echo "targets: ratio <= 2: $(met "$ratio" 2); rerun_ratio <= 0.05: $(met "$rerun_ratio" 0.05);" \
  "peak < 300 MB: $(met "$peak_mb" 299)$([ "$people" = 1000000 ] || echo " (at $people people; the targets are for 1,000,000)")"
echo "schema_floor_ratio=$(bench_ratio schema_floor floor cpu) cpu_vs_schema_floor=$(bench_ratio first schema_floor cpu)"
echo "cpu_ratio=$(bench_ratio first floor cpu) cpu_rerun_ratio=$(bench_ratio rerun first cpu)"
echo "ratio=$ratio rerun_ratio=$rerun_ratio peak_mb=$peak_mb"
