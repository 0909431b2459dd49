#!/usr/bin/env bash
# Checks tests/bench/lib/measure.sh (ctest bench_measure_tests): medians of odd and even run
# counts, both ratios, the peak, CPU time of a process and of a timed section, and that a run
# with an exit code the caller did not allow stops the script with its figures and errors.
set -uo pipefail
lib=$(cd "$(dirname "$0")" && pwd)/measure.sh
failures=0
check() {  # check <what> <expected> <found>
  if [ "$2" == "$3" ]; then
    echo "ok: $1"
  else
    echo "FAILED: $1: expected '$2', found '$3'"
    failures=$((failures + 1))
  fi
}
# A script sourcing measure.sh, run in its own bash: prints its output, then "exit=<code>".
script() {
  local out rc=0
  out=$(bash -c "set -euo pipefail; . '$lib'; bench_begin; trap 'rm -rf \"\$bench_dir\"' EXIT; $1" 2>&1) || rc=$?
  printf '%s\nexit=%s\n' "$out" "$rc"
}
# A command that reports its own timed section, as the bench drivers do.
section() { echo "bash -c 'echo noise; echo \"mode=x seconds=$1 cpu_s=$2\"'"; }

out=$(script "
  bench_run --section a $(section 3 0.3); bench_run --section b $(section 1 0.2)
  bench_run --section a $(section 1 0.1); bench_run --section b $(section 1 0.2)
  bench_run --section a $(section 2 0.2); bench_run --section b $(section 1 0.2)
  echo \"median_a=\$(bench_median a wall) cpu_a=\$(bench_median a cpu)\"
  echo \"ratio=\$(bench_ratio a b wall) cpu_ratio=\$(bench_ratio a b cpu)\"
  bench_summary a b; bench_end")
check "odd count: median wall and CPU of a timed section" "median_a=2 cpu_a=0.2" "$(grep -o 'median_a=.*' <<<"$out")"
check "wall and CPU ratios of the medians" "ratio=2.00 cpu_ratio=1.00" "$(grep -o '^ratio=.*' <<<"$out")"
check "summary lists every run in order" "a: median wall_s=2 cpu_s=0.2" "$(grep -o '^a: median wall_s=[^ ]* cpu_s=[^ ]*' <<<"$out")"
check "summary runs" "runs wall_s=[3 1 2]" "$(grep '^a:' <<<"$out" | grep -o 'runs wall_s=\[[^]]*\]')"
check "load average at start and end" "2" "$(grep -cE '^load average at (start|end): [0-9.]+ [0-9.]+ [0-9.]+' <<<"$out")"
check "exit" "exit=0" "$(tail -1 <<<"$out")"

out=$(script "
  bench_run --section a $(section 10 0.1); bench_run --section a $(section 1 0.1)
  bench_run --section a $(section 3 0.1); bench_run --section a $(section 2 0.1)
  echo \"median=\$(bench_median a wall)\"")
check "even count: the mean of the middle two" "median=2.5" "$(grep -o 'median=.*' <<<"$out")"

# A process's own CPU time and peak: a busy loop of about 0.3 s holding 64 MB.
out=$(script "
  bench_run p /usr/bin/python3 -c 'import time
b = bytearray(64 << 20)
t = time.process_time()
while time.process_time() - t < 0.3: pass'
  echo \"cpu=\$(bench_median p cpu) peak=\$(bench_peak_mb p)\"")
cpu=$(sed -n 's/.*cpu=\([0-9.]*\).*/\1/p' <<<"$out")
peak=$(sed -n 's/.*peak=\([0-9]*\).*/\1/p' <<<"$out")
check "process CPU time counted (>= 0.25 s)" "yes" "$(awk -v c="$cpu" 'BEGIN {print (c >= 0.25) ? "yes" : "no"}')"
check "process peak RSS counted (>= 64 MB)" "yes" "$( [ "${peak:-0}" -ge 64 ] && echo yes || echo no)"

out=$(script "bench_run a bash -c 'echo boom >&2; exit 6'; echo not-reached")
check "an exit code not allowed stops the script" "exit=1" "$(tail -1 <<<"$out")"
check "... naming the run and its code" "1" "$(grep -c "a run 1 FAILED: .* exited 6 (expected 0)" <<<"$out")"
check "... with the command's stderr" "boom" "$(grep -x boom <<<"$out")"
check "... and nothing after it" "0" "$(grep -c not-reached <<<"$out")"

out=$(script "bench_run --ok 0,6 a bash -c 'exit 6'; echo reached")
check "an allowed exit code is a run" "reached" "$(grep -x reached <<<"$out")"

out=$(script "bench_run --section a bash -c 'echo seconds=1'")
check "a section without cpu_s stops the script" "exit=1" "$(tail -1 <<<"$out")"

for runs in 0 x; do
  out=$(RUNS=$runs script "true")
  check "RUNS=$runs refused" "exit=2" "$(tail -1 <<<"$out")"
done

[ "$failures" = 0 ] && echo "all measure.sh checks passed" || { echo "$failures check(s) failed"; exit 1; }
