#!/usr/bin/env bash
# Pairing solver vs scipy.optimize.linear_sum_assignment on identical dense instances, plus the
# large sparse shortlist case. Prints one line per case and, last, the worst ratio.
#   usage: tests/bench/pairing_vs_scipy.sh [sizes...]   (default: 1000 2000 5000)
# Environment: BENCH_DIR (scratch, default /tmp/pairing-bench), SKIP_SPARSE=1.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
work=${BENCH_DIR:-/tmp/pairing-bench}
sizes=("$@")
[[ ${#sizes[@]} -gt 0 ]] || sizes=(1000 2000 5000)
mkdir -p "$work"
# python3 in PATH may be a pyenv build without scipy: always use Debian's.
py=/usr/bin/python3

if ! "$py" -c 'import scipy.optimize, numpy' 2>/dev/null; then
  echo "installing python3-scipy from Debian..." >&2
  apt-get install -y -qq python3-scipy python3-numpy >/dev/null 2>&1 ||
    { apt-get update -qq && apt-get install -y -qq python3-scipy python3-numpy >/dev/null; }
fi

# Plain -O3 (no -march): the figures must hold on whatever machine runs CI.
src=$repo/plugin/pairing
driver=$work/pairing_bench
if [[ ! -x $driver || -n $(find "$src" "$repo/tests/bench/pairing" -newer "$driver" -name '*.[ch]pp' -print -quit) ]]; then
  echo "building $driver (-O3)..." >&2
  g++ -std=c++20 -O3 -DNDEBUG -Wall -Wextra -Werror -I"$src/include" -I"$src/src" \
    "$src"/src/*.cpp "$repo/tests/bench/pairing/pairing_bench.cpp" -o "$driver"
fi

cat >"$work/scipy_lsa.py" <<'PY'
import sys, time
import numpy as np
from scipy.optimize import linear_sum_assignment
path, n = sys.argv[1], int(sys.argv[2])
costs = np.fromfile(path, dtype=np.float64).reshape(n, n)  # loading is not timed
start = time.perf_counter()
rows, cols = linear_sum_assignment(costs)
elapsed = time.perf_counter() - start
print(f"seconds={elapsed:.6f} total={costs[rows, cols].sum():.17g}")
PY

field() { sed -n "s/.*$1=\([^ ]*\).*/\1/p" <<<"$2"; }

worst=0
for kind in uniform integer realistic; do
  for n in "${sizes[@]}"; do
    matrix=$work/${kind}_$n.bin
    [[ -f $matrix ]] || "$driver" generate "$kind" "$n" 42 "$matrix"
    ours=$("$driver" dense "$matrix" "$n")
    theirs=$("$py" "$work/scipy_lsa.py" "$matrix" "$n")
    ours_s=$(field seconds "$ours")
    scipy_s=$(field seconds "$theirs")
    # Same optimum: totals equal up to floating-point summation order.
    line=$("$py" - "$ours_s" "$scipy_s" "$(field total "$ours")" "$(field total "$theirs")" <<'PY'
import sys
ours_s, scipy_s, ours_t, scipy_t = map(float, sys.argv[1:])
same = abs(ours_t - scipy_t) <= 1e-9 * max(1.0, abs(scipy_t))
print(f"{ours_s:.4f} {scipy_s:.4f} {ours_s / scipy_s:.3f} {'yes' if same else 'no'}")
PY
)
    read -r o s ratio same <<<"$line"
    echo "n=$n ours_s=$o scipy_s=$s ratio=$ratio same_optimum=$same kind=$kind" \
      "path=$(field path "$ours") searches=$(field searches "$ours")" \
      "gap_bound=$(field gap_bound "$ours") deterministic=$(field deterministic "$ours")"
    worst=$("$py" -c "print(max($worst, $ratio))")
  done
done

if [[ -z ${SKIP_SPARSE:-} ]]; then
  # Optimality check against the dense solver on a smaller instance of the same generator,
  # then the full-size run with its dual certificate (gap ~ 0 and no violation = optimal).
  "$driver" sparse-check 3000 1500 2 30 7
  /usr/bin/time -f "sparse_wall_s=%e sparse_peak_rss_kb=%M" "$driver" sparse 100000 50000 2 30 7
fi
echo "ratio=$worst"
