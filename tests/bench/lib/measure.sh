# shellcheck shell=bash
# Shared timing for tests/bench/*.sh (issue 16: figures that survive a busy machine).
# Source it; every figure is the median of RUNS runs (default 3, env override), each side of a
# comparison run alternately (a b a b a b) so a burst of other work hits both sides, with CPU
# time (user + sys) beside wall time: on a shared machine wall time grows with the load, CPU
# time much less.
#
#   bench_begin                          scratch dir $bench_dir; prints machine and load average
#   bench_run [--ok CODES] [--section] LABEL CMD...
#                                        runs CMD once under /usr/bin/time; stdout and stderr go
#                                        to $bench_dir/LABEL.N.out/.err (N counts LABEL's runs),
#                                        $bench_out names the stdout file. An exit code outside
#                                        CODES (comma list, default 0) prints the run's figures,
#                                        the failures its output names and its stderr's end, and
#                                        exits the script 1. --section: CMD times its own section
#                                        and prints seconds=<wall> cpu_s=<user+sys> on its last
#                                        line; those replace the process's wall and CPU.
#   bench_median LABEL wall|cpu|user|sys   median over LABEL's runs, seconds
#   bench_peak_mb LABEL                  the largest peak RSS of LABEL's runs, MB
#   bench_ratio NUM DEN wall|cpu         median(NUM) / median(DEN), two decimals
#   bench_summary LABEL...               one line per label: medians and every run
#   bench_end                            prints the load average again
# The caller removes $bench_dir (its EXIT trap).
#
# Example (a sees the same load as b):
#   for _ in $(seq "$RUNS"); do bench_run a cmd_a; bench_run b cmd_b; done
#   bench_summary a b; bench_end
#   echo "ratio=$(bench_ratio a b wall) cpu_ratio=$(bench_ratio a b cpu)"

RUNS=${RUNS:-3}
if ! [[ $RUNS =~ ^[1-9][0-9]*$ ]]; then
  echo "measure.sh: RUNS must be a positive integer, found '$RUNS'" >&2
  exit 2
fi
[ "$RUNS" -ge 3 ] || echo "measure.sh: RUNS=$RUNS: medians of fewer than 3 runs do not survive a busy machine" >&2
[ -x /usr/bin/time ] || { echo "measure.sh: /usr/bin/time is missing (Debian package 'time', scripts/setup.sh)" >&2; exit 2; }

bench_loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

bench_begin() {
  bench_dir=$(mktemp -d "${TMPDIR:-/tmp}/bench.XXXXXX")
  bench_results=$bench_dir/results  # one line per run: label wall cpu user sys peak_kb
  : >"$bench_results"
  bench_load_start=$(bench_loadavg)
  echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo);" \
    "$(date -u '+%Y-%m-%d %H:%M UTC'); RUNS=$RUNS alternating"
  echo "load average at start: $bench_load_start"
}

bench_end() {
  bench_load_end=$(bench_loadavg)
  echo "load average at end: $bench_load_end (at start: $bench_load_start)"
}

bench_run() {
  local ok=0 section=0
  while :; do
    case "$1" in
      --ok) ok=$2; shift 2 ;;
      --section) section=1; shift ;;
      *) break ;;
    esac
  done
  local label=$1
  shift
  local n
  n=$(($(awk -v l="$label" '$1 == l' "$bench_results" | wc -l) + 1))
  local base=$bench_dir/$label.$n
  # shellcheck disable=SC2034 # read by the caller
  bench_out=$base.out
  local rc=0
  /usr/bin/time -f "%e %U %S %M" -o "$base.time" "$@" >"$base.out" 2>"$base.err" || rc=$?
  local wall user sys peak_kb cpu
  read -r wall user sys peak_kb < <(tail -1 "$base.time")
  cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN {printf "%.2f", u + s}')
  if ! [[ ",$ok," == *",$rc,"* ]]; then
    {
      echo "bench: $label run $n FAILED: '$*' exited $rc (expected ${ok//,/ or }) after wall_s=$wall" \
        "cpu_s=$cpu peak_mb=$((peak_kb / 1024)); its output's failures and its stderr's end:"
      grep -iE 'fail|error|refused|limit' "$base.out" | head -20 | cut -c1-400 || true
      tail -20 "$base.err" | cut -c1-400
    } >&2
    exit 1
  fi
  if [ "$section" = 1 ]; then
    local last
    last=" $(tail -1 "$base.out")"
    wall=$(sed -n 's/.* seconds=\([0-9.]*\).*/\1/p' <<<"$last")
    cpu=$(sed -n 's/.* cpu_s=\([0-9.]*\).*/\1/p' <<<"$last")
    if [ -z "$wall" ] || [ -z "$cpu" ]; then
      echo "bench: $label run $n: --section, but its last line has no seconds= and cpu_s=: $last" >&2
      exit 1
    fi
  fi
  echo "$label $wall $cpu $user $sys $peak_kb" >>"$bench_results"
  echo "run $label#$n: wall_s=$wall cpu_s=$cpu (process: user_s=$user sys_s=$sys)" \
    "peak_mb=$(awk -v k="$peak_kb" 'BEGIN {printf "%.0f", k / 1024}') exit=$rc load=$(bench_loadavg)"
}

bench_median() {  # bench_median LABEL wall|cpu|user|sys
  local column
  case "$2" in
    wall) column=2 ;; cpu) column=3 ;; user) column=4 ;; sys) column=5 ;;
    *) echo "bench_median: unknown figure $2" >&2; exit 2 ;;
  esac
  awk -v l="$1" -v c="$column" '$1 == l {print $c}' "$bench_results" | sort -g |
    awk '{ v[NR] = $1 }
         END { if (NR == 0) print "nan"; else print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

bench_peak_mb() {
  awk -v l="$1" '$1 == l && $6 > max {max = $6} END {printf "%.0f\n", max / 1024}' "$bench_results"
}

bench_ratio() {  # bench_ratio NUM DEN wall|cpu
  awk -v n="$(bench_median "$1" "$3")" -v d="$(bench_median "$2" "$3")" \
    'BEGIN {if (d + 0 > 0) printf "%.2f", n / d; else printf "nan"}'
}

bench_summary() {
  local label
  for label in "$@"; do
    echo "$label: median wall_s=$(bench_median "$label" wall) cpu_s=$(bench_median "$label" cpu)" \
      "(user_s=$(bench_median "$label" user) sys_s=$(bench_median "$label" sys))" \
      "peak_mb=$(bench_peak_mb "$label");" \
      "runs wall_s=[$(awk -v l="$label" '$1 == l {printf "%s%s", s, $2; s = " "}' "$bench_results")]" \
      "cpu_s=[$(awk -v l="$label" '$1 == l {printf "%s%s", s, $3; s = " "}' "$bench_results")]"
  done
}
