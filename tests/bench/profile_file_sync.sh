#!/usr/bin/env bash
# Where the first run's time goes (issue 16, item 3): the organisation of tests/bench/file_sync.sh
# (tests/bench/file_sync/generate.py, N people), one `mentoring-host run` on a fresh state folder
# under `perf record -g`, then the self time per library and the top 40 functions:
#   perf report --no-children --sort dso,symbol
#   tests/bench/profile_file_sync.sh [people]     (default 100000; KEEP=1 keeps data and perf.data)
# Needs perf (Debian: apt-get install linux-perf) and the right to use it: root, or
# /proc/sys/kernel/perf_event_paranoid <= 2 for one's own processes. Without it, the fallback is
# valgrind's callgrind (apt-get install valgrind) on at most 20,000 people (callgrind runs the
# program some 50x slower), printed by callgrind_annotate. PROFILER=perf|callgrind forces one.
# The release build has no debug information: functions are named from the symbol tables, and
# what the compiler inlined is counted in its caller.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
people="${1:-100000}"
[[ $people =~ ^[1-9][0-9]*$ ]] || { echo "profile_file_sync.sh: people must be a positive integer, found '$people'" >&2; exit 2; }

perf_works() {
  command -v perf >/dev/null || return 1
  perf record -q -o /dev/null -- true >/dev/null 2>&1
}
profiler=${PROFILER:-}
if [ -z "$profiler" ]; then
  if perf_works; then
    profiler=perf
  elif command -v valgrind >/dev/null; then
    profiler=callgrind
    echo "perf is missing or not allowed here (perf_event_paranoid=$(cat /proc/sys/kernel/perf_event_paranoid)," \
      "uid $(id -u)): using valgrind's callgrind instead"
  else
    echo "profile_file_sync.sh: neither perf (apt-get install linux-perf; perf_event_paranoid <= 2 or root)" \
      "nor valgrind (apt-get install valgrind) is usable here" >&2
    exit 2
  fi
fi
case "$profiler" in
  perf) perf_works || { echo "profile_file_sync.sh: perf does not work here (perf_event_paranoid=$(cat /proc/sys/kernel/perf_event_paranoid))" >&2; exit 2; } ;;
  callgrind)
    command -v valgrind >/dev/null || { echo "profile_file_sync.sh: valgrind is missing (apt-get install valgrind)" >&2; exit 2; }
    if [ "$people" -gt 20000 ]; then
      echo "callgrind: profiling 20000 people instead of $people (it runs some 50x slower)"
      people=20000
    fi
    ;;
  *) echo "profile_file_sync.sh: PROFILER is perf or callgrind, found '$profiler'" >&2; exit 2 ;;
esac

cmake --preset release >/dev/null
cmake --build --preset release -j2 --target mentoring-host mentoring_plugin mentoring_adapter_file >/dev/null
host=$root/build/release/bin/mentoring-host

work=$(mktemp -d "${TMPDIR:-/tmp}/profile.XXXXXX")
trap '[ -n "${KEEP:-}" ] && echo "kept $work" || rm -rf "$work"' EXIT
/usr/bin/python3 tests/bench/file_sync/generate.py --repo "$root" --out "$work/org" --people "$people"
echo "organisation: $people people, $(($(wc -l <"$work/org/leave.csv") - 1)) leave rows," \
  "$(($(wc -l <"$work/org/training.csv") - 1)) course completions; load average $(cut -d' ' -f1-3 /proc/loadavg)"

# The first run, as file_sync.sh's "first": exit 0, or 6 (records quarantined) is a complete run.
check_exit() {
  case "$1" in
    0 | 6) ;;
    *) echo "profile_file_sync.sh: mentoring-host run exited $1 (expected 0 or 6):"; grep -iE 'fail|error' "$work/run.out" | head -20 || true
       tail -20 "$work/run.err"; exit 1 ;;
  esac
}
rc=0
if [ "$profiler" = perf ]; then
  /usr/bin/time -f "wall_s=%e user_s=%U sys_s=%S peak_kb=%M" -o "$work/time" \
    perf record -g -q -o "$work/perf.data" -- "$host" run --config "$work/org/host.json" \
    >"$work/run.out" 2>"$work/run.err" || rc=$?
  check_exit "$rc"
  echo "first run under perf: $(cat "$work/time") (perf's own cost included)"
  sed -n 's/^  sync */  sync /p' "$work/run.out"
  report=(perf report -i "$work/perf.data" --no-children --stdio -g none --percent-limit 0.3)
  # perf pads every row to its widest symbol (nlohmann's run to a thousand characters).
  tidy() { grep -vE '^(#|$)' | sed -E 's/[ -]+$//' | cut -c1-180; }
  echo
  echo "== self time by library (perf report --no-children --sort dso)"
  "${report[@]}" --sort dso 2>/dev/null | tidy | head -15
  echo
  echo "== top 40 functions by self time (perf report --no-children --sort dso,symbol)"
  "${report[@]}" --sort dso,symbol 2>/dev/null | tidy | head -40
  if [ -n "${KEEP:-}" ]; then
    echo "call graphs: perf report -i $work/perf.data --no-children --sort dso,symbol"
  fi
else
  valgrind --tool=callgrind --callgrind-out-file="$work/callgrind.out" --trace-children=no \
    "$host" run --config "$work/org/host.json" >"$work/run.out" 2>"$work/run.err" || rc=$?
  check_exit "$rc"
  sed -n 's/^  sync */  sync /p' "$work/run.out"
  echo
  echo "== top 40 functions by own instructions (callgrind_annotate)"
  callgrind_annotate --threshold=99 "$work/callgrind.out" 2>/dev/null |
    sed -n '/^Ir/,$p' | grep -vE '^(-|$)' | cut -c1-180 | head -42
fi
