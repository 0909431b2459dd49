#!/usr/bin/env bash
# Pairing solver vs scipy.optimize.linear_sum_assignment on identical dense instances, plus the
# large sparse shortlist case. Each case solves RUNS times (default 3) per side, alternating; the
# figures are medians of the solve alone, CPU time beside wall (tests/bench/lib/measure.sh).
# Prints one line per case and, last, the worst ratios.
#   usage: tests/bench/pairing_vs_scipy.sh [sizes...]   (default: 1000 2000 5000)
# Environment: BENCH_DIR (scratch, default /tmp/pairing-bench), SKIP_SPARSE=1, RUNS.
# Last line: ratio=<worst ours/scipy wall> cpu_ratio=<worst ours/scipy CPU>
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
work=${BENCH_DIR:-/tmp/pairing-bench}
sizes=("$@")
[[ ${#sizes[@]} -gt 0 ]] || sizes=(1000 2000 5000)
mkdir -p "$work"
. "$repo/tests/bench/lib/measure.sh"
# python3 in PATH may be a pyenv build without scipy: always use Debian's.
py=/usr/bin/python3

if ! "$py" -c 'import scipy.optimize, numpy' 2>/dev/null; then
  echo "installing python3-scipy from Debian..." >&2
  apt-get install -y -qq python3-scipy python3-numpy >/dev/null 2>&1 ||
    { apt-get update -qq && apt-get install -y -qq python3-scipy python3-numpy >/dev/null; }
fi

# The release preset's driver: CMake's Release flags are plain -O3 -DNDEBUG (no -march), so the
# figures hold on whatever machine runs CI. (A hand-written g++ line here fell behind the pairing
# module's dependencies.)
(cd "$repo" && cmake --preset release >/dev/null && cmake --build --preset release -j2 --target pairing_bench >/dev/null)
driver=$repo/build/release/bin/pairing_bench

cat >"$work/scipy_lsa.py" <<'PY'
import sys, time
import numpy as np
from scipy.optimize import linear_sum_assignment
path, n = sys.argv[1], int(sys.argv[2])
costs = np.fromfile(path, dtype=np.float64).reshape(n, n)  # loading is not timed
start, cpu_start = time.perf_counter(), time.process_time()
rows, cols = linear_sum_assignment(costs)
elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
print(f"seconds={elapsed:.6f} cpu_s={cpu:.6f} total={costs[rows, cols].sum():.17g}")
PY

field() { sed -n "s/.*$1=\([^ ]*\).*/\1/p" <<<"$2"; }

bench_begin
trap 'rm -rf "$bench_dir"' EXIT
worst=0 worst_cpu=0
for kind in uniform integer realistic; do
  for n in "${sizes[@]}"; do
    matrix=$work/${kind}_$n.bin
    [[ -f $matrix ]] || "$driver" generate "$kind" "$n" 42 "$matrix"
    for _ in $(seq "$RUNS"); do
      bench_run --section "ours_${kind}_$n" "$driver" dense "$matrix" "$n" >/dev/null
      ours=$(cat "$bench_out")
      bench_run --section "scipy_${kind}_$n" "$py" "$work/scipy_lsa.py" "$matrix" "$n" >/dev/null
      theirs=$(cat "$bench_out")
      # Same optimum: totals equal up to floating-point summation order.
      same=$("$py" - "$(field total "$ours")" "$(field total "$theirs")" <<'PY'
import sys
ours_t, scipy_t = map(float, sys.argv[1:])
print("yes" if abs(ours_t - scipy_t) <= 1e-9 * max(1.0, abs(scipy_t)) else "no")
PY
)
      [[ $same == yes ]] || break
    done
    ratio=$(bench_ratio "ours_${kind}_$n" "scipy_${kind}_$n" wall)
    cpu_ratio=$(bench_ratio "ours_${kind}_$n" "scipy_${kind}_$n" cpu)
    echo "n=$n ours_s=$(bench_median "ours_${kind}_$n" wall) scipy_s=$(bench_median "scipy_${kind}_$n" wall)" \
      "ratio=$ratio ours_cpu_s=$(bench_median "ours_${kind}_$n" cpu) scipy_cpu_s=$(bench_median "scipy_${kind}_$n" cpu)" \
      "cpu_ratio=$cpu_ratio same_optimum=$same kind=$kind" \
      "path=$(field path "$ours") searches=$(field searches "$ours")" \
      "gap_bound=$(field gap_bound "$ours") deterministic=$(field deterministic "$ours")"
    worst=$("$py" -c "print(max($worst, $ratio))")
    worst_cpu=$("$py" -c "print(max($worst_cpu, $cpu_ratio))")
  done
done
bench_end

if [[ -z ${SKIP_SPARSE:-} ]]; then
  # Optimality check against the dense solver on a smaller instance of the same generator,
  # then the full-size run with its dual certificate (gap ~ 0 and no violation = optimal).
  "$driver" sparse-check 3000 1500 2 30 7
  /usr/bin/time -f "sparse_wall_s=%e sparse_user_s=%U sparse_sys_s=%S sparse_peak_rss_kb=%M" "$driver" sparse 100000 50000 2 30 7
fi
echo "ratio=$worst cpu_ratio=$worst_cpu"
