#!/usr/bin/env bash
# Issue 14's serve benchmark: many organisations (200 x 2,000 people by default) served by ONE
# `mentoring-host serve` process; a loopback load generator sends HR's reads and writes (history,
# invitations, session_list, evaluation_report; accept, nominate, pair, kit_day_record) with one HR
# token per organisation, open loop at increasing rates, while cycles (`run`, with each
# organisation's admin token) run one organisation after another. The same requests, at the same
# rates, then go to the floor: a bare cpp-httplib server answering the same routes with a canned
# answer (tests/bench/serve/floor_server.cpp). Peak memory is the serve process's VmHWM.
# The two sides alternate (ours, floor, ours, floor, ...; --repeat times, default RUNS or 3): each
# repetition of ours starts a serve process on a copy of the state the first cycle left, so every
# repetition meets the same state; figures per rate are medians over the repetitions, and the
# servers' CPU time (user + sys, over the load) is reported beside the latencies
# (tests/bench/lib/measure.sh prints the load average).
#
#   tests/bench/serve_load.sh [--quick] [--orgs N] [--people N] [--rates 50,100,200,400]
#                             [--seconds S] [--repeat R] [--connections C] [--build-dir DIR]
#                             [--floor-only] [--open-organisations N]
#   --quick       4 organisations, rates 50 and 200, 3 s each, one run (the `bench` smoke test)
#   --repeat      repetitions of each side, alternating (default RUNS, else 3)
#   --build-dir   use this configured build tree (built here if needed) instead of the preset
#   --floor-only  measure only the floor (to check the tools; prints no ratio)
#   --open-organisations  serve's "open_organisations" (0: each request opens its organisation)
# Prints each run, the medians per rate, a table, and as its LAST line
#   ratio=<p99 ours / p99 floor at 200 req/s> p99_ms=<ours at 200 req/s> rss_mb=<serve's peak RSS>
#   cpu_ratio=<server CPU ours / floor at 200 req/s>
# Targets (issue 14): p99 under 50 ms at 200 req/s while cycles run, memory under 1 GB.
# Exit 1 if the serve process could not be measured, or answered 500 or not at all.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

orgs=200 people=2000 rates=50,100,200,400 seconds=10 repeat=${RUNS:-3} connections=8 threads=16
build_dir="" floor_only=0 open_organisations=()
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) orgs=4 rates=50,200 seconds=3 repeat=1 ;;
    --orgs) orgs=$2; shift ;;
    --people) people=$2; shift ;;
    --rates) rates=$2; shift ;;
    --seconds) seconds=$2; shift ;;
    --repeat) repeat=$2; shift ;;
    --connections) connections=$2; shift ;;
    --build-dir) build_dir=$2; shift ;;
    --floor-only) floor_only=1 ;;
    --open-organisations) open_organisations=(--open-organisations "$2"); shift ;;
    *) echo "serve_load.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
RUNS=$repeat
. tests/bench/lib/measure.sh
case ",$rates," in *,200,*) ;; *) echo "serve_load.sh: --rates must include 200 (the ratio's rate)" >&2; exit 2 ;; esac

targets=(serve_floor serve_load mentoring-host mentoring_plugin mentoring_adapter_file)
if [ -n "$build_dir" ]; then
  nice cmake --build "$build_dir" -j2 --target "${targets[@]}" >/dev/null
  bin="$(cd "$build_dir" && pwd)/bin"
else
  preset=dev
  grep -q '"name": "release"' CMakePresets.json && preset=release
  cmake --preset "$preset" >/dev/null
  nice cmake --build --preset "$preset" -j2 --target "${targets[@]}" >/dev/null
  bin="$root/build/$preset/bin"
fi
host="$bin/mentoring-host"

work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work" "${bench_dir:-}"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
peak_mb() { awk '/^VmHWM:/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
wait_ready() {  # wait_ready <url> <pid> <seconds>
  for _ in $(seq $(( $3 * 10 ))); do
    kill -0 "$2" 2>/dev/null || return 1
    curl -sf -o /dev/null "$1/readyz" && return 0
    sleep 0.1
  done
  return 1
}

has_serve=0
if [ "$floor_only" = 0 ] && "$host" serve --help >/dev/null 2>&1 && "$host" token --help >/dev/null 2>&1; then
  has_serve=1
fi
port=$(free_port)
listen=()
# With serve: its scheduler runs every organisation's cycle each minute (two at a time, its
# default cycle_threads), besides the cycles the load asks for through the API.
[ "$has_serve" = 1 ] && listen=(--listen "127.0.0.1:$port" --threads "$threads" --every-minutes 1 "${open_organisations[@]}")
start=$(date +%s.%N)
python3 tests/bench/serve/generate.py --out "$work" --orgs "$orgs" --people "$people" "${listen[@]}"
echo "generate_s=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN{printf "%.1f", e-s}')"
org_ids=$(python3 -c 'import json,sys; print(" ".join(o["id"] for o in json.load(open(sys.argv[1]))["orgs"]))' "$work/plan.json")

# Before issue 14's roles, commands named their caller in the body; the load speaks either.
legacy=()
grep -q '"recorded_by"' schemas/commands/accept.input.schema.json && legacy=(--legacy-inputs)

# One run of every rate per load process: the repetitions alternate the two sides.
load_args=(--plan "$work/plan.json" --rates "$rates" --seconds "$seconds" --repeat 1
           --connections "$connections" "${legacy[@]}")
bench_begin
echo "organisations=$orgs people_each=$people rates=$rates seconds=$seconds repeat=$repeat connections=$connections server_threads=$threads"

ours_status=0
if [ "$has_serve" = 1 ]; then
  # One HR token (the load) and one admin token (the cycles) per organisation, made as an
  # administrator makes them: `token create` prints the token alone on stdout, once. Each is made
  # with a host config naming only that organisation (same state folder, so the same token
  # store): reading all 200 organisation configs for each of 400 tokens took minutes.
  start=$(date +%s.%N)
  python3 - "$work" $org_ids <<'EOF'
import json, os, sys
work, orgs = sys.argv[1], sys.argv[2:]
host = json.load(open(os.path.join(work, "host.json")))
for org in orgs:
    one = dict(host, organisations=["orgs/%s.json" % org])
    json.dump(one, open(os.path.join(work, "host-%s.json" % org), "w"))
EOF
  token_of() {
    "$host" token create --config "$work/host-$1.json" --org "$1" --role "$2" --name bench 2>/dev/null | tail -1
  }
  { echo "{"; sep=""; for org in $org_ids; do printf '%s"%s": "%s"\n' "$sep" "$org" "$(token_of "$org" hr)"; sep=","; done; echo "}"; } >"$work/hr_tokens.json"
  { echo "{"; sep=""; for org in $org_ids; do printf '%s"%s": "%s"\n' "$sep" "$org" "$(token_of "$org" admin)"; sep=","; done; echo "}"; } >"$work/admin_tokens.json"
  if grep -q '": ""' "$work/hr_tokens.json" "$work/admin_tokens.json"; then
    echo "token create failed:"; "$host" token create --config "$work/host-${org_ids%% *}.json" --org "${org_ids%% *}" --role hr --name bench; exit 1
  fi
  echo "tokens_s=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN{printf "%.1f", e-s}') ($(( 2 * orgs )) tokens)"

  # The first cycle of every organisation (sync of every export, invitations), by the command
  # line, before serving: what the load's accepts answer.
  rc=0
  /usr/bin/time -f "%e %U %S %M" -o "$work/first.time" \
    "$host" run --config "$work/host.json" --json >"$work/first.json" 2>"$work/first.log" || rc=$?
  read -r wall user sys peak_kb < <(tail -1 "$work/first.time")
  echo "first_cycle wall_s=$wall user_s=$user sys_s=$sys peak_mb=$(( peak_kb / 1024 )) exit=$rc"
  python3 - "$work/first.json" <<'EOF' || true
import json, sys
r = json.load(open(sys.argv[1]))
invited = sum(len(o.get("modules", {}).get("enrolment", {}).get("invited", [])) for o in r.get("organisations", []))
print("first_cycle organisations=%d invited=%d" % (len(r.get("organisations", [])), invited))
EOF

  cp -a "$work/state" "$work/state.after-first-cycle"
else
  # The floor's own cycle requests keep the same cadence: stand-in tokens it only checks for.
  python3 -c 'import json,sys; json.dump({o: "floor-"+o for o in sys.argv[2:]}, open(sys.argv[1],"w"))' "$work/hr_tokens.json" $org_ids
  cp "$work/hr_tokens.json" "$work/admin_tokens.json"
fi

: >"$work/ours.out"
: >"$work/floor.out"
rss_mb=0
floor_rss_mb=0
# ours: a serve process on a copy of the state after the first cycle, under the load, stopped by
# SIGTERM (it must exit 0).
run_ours() {
  rm -rf "$work/state"
  cp -a "$work/state.after-first-cycle" "$work/state"
  "$host" serve --config "$work/host.json" >"$work/serve.log" 2>&1 &
  server_pid=$!
  url="http://127.0.0.1:$port"
  if ! wait_ready "$url" "$server_pid" 300; then
    echo "serve did not become ready on $url:"; tail -20 "$work/serve.log"; exit 1
  fi
  echo "serve ready pid=$server_pid rss_mb_at_start=$(peak_mb "$server_pid") load=$(bench_loadavg)"
  metric_sum() { curl -sf "$url/metrics" | awk -v m="$1" '$1 ~ "^"m"([{]|$)" {s += $NF} END {printf "%d", s}'; }
  local cycles_before failed_before rss term_rc=0
  cycles_before=$(metric_sum mentoring_cycles_run_total); failed_before=$(metric_sum mentoring_cycles_failed_total)
  "$bin/serve_load" --label ours --url "$url" --tokens "$work/hr_tokens.json" \
    --admin-tokens "$work/admin_tokens.json" --server-pid "$server_pid" "${load_args[@]}" | tee -a "$work/ours.out"
  rss=$(peak_mb "$server_pid")
  [ "$rss" -gt "$rss_mb" ] && rss_mb=$rss
  echo "cycles during the load (serve's /metrics): run=$(( $(metric_sum mentoring_cycles_run_total) - cycles_before )) failed=$(( $(metric_sum mentoring_cycles_failed_total) - failed_before ))"
  kill -TERM "$server_pid"
  for _ in $(seq 300); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
  wait "$server_pid" || term_rc=$?
  server_pid=""
  echo "serve stopped by SIGTERM: exit=$term_rc peak_rss_mb=$rss"
  [ "$term_rc" = 0 ] || { echo "serve exited $term_rc on SIGTERM (expected 0):"; tail -20 "$work/serve.log"; ours_status=1; }
}
run_floor() {
  local floor_port rss
  floor_port=$(free_port)
  "$bin/serve_floor" --port "$floor_port" --threads "$threads" >"$work/floor.log" 2>&1 &
  server_pid=$!
  url="http://127.0.0.1:$floor_port"
  wait_ready "$url" "$server_pid" 30 || { echo "floor did not start:"; cat "$work/floor.log"; exit 1; }
  "$bin/serve_load" --label floor --url "$url" --tokens "$work/hr_tokens.json" \
    --admin-tokens "$work/admin_tokens.json" --server-pid "$server_pid" "${load_args[@]}" | tee -a "$work/floor.out"
  rss=$(peak_mb "$server_pid")
  [ "$rss" -gt "$floor_rss_mb" ] && floor_rss_mb=$rss
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
  server_pid=""
}
for run in $(seq "$repeat"); do
  echo "repetition $run of $repeat: load average $(bench_loadavg)"
  [ "$has_serve" = 1 ] && run_ours
  run_floor
done
if [ "$has_serve" = 1 ] && grep -E '^ours rate=' "$work/ours.out" | grep -qE ' status_(0|500)='; then
  echo "serve answered 500 or not at all (see above)"; ours_status=1
fi
bench_end

value() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<" $2"; }
# The medians over the repetitions of one side at one rate, as the load generator's own
# "median" line: throughput, p50_ms, p99_ms, server_cpu_s, errors (not-200 answers by status).
median_line() {
  awk -v side="$1" -v rate="$2" '
    function median(list,   n, v, i, j, t) {
      n = split(list, v, " ")
      for (i = 2; i <= n; i++) for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
      return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
    }
    $1 == side && $2 == "rate=" rate {
      runs++
      for (i = 3; i <= NF; i++) {
        split($i, kv, "=")
        if (kv[1] ~ /^(throughput|p50_ms|p99_ms|server_cpu_s)$/) figures[kv[1]] = figures[kv[1]] " " kv[2]
        else if (kv[1] ~ /^status_/ && kv[1] != "status_200") errors[substr(kv[1], 8)] += kv[2]
      }
    }
    END {
      if (!runs) exit
      e = ""
      for (s in errors) e = e (e == "" ? "" : ",") s "x" errors[s]
      printf "median %s rate=%s runs=%d throughput=%.1f p50_ms=%.2f p99_ms=%.2f server_cpu_s=%.2f errors=%s\n",
        side, rate, runs, median(figures["throughput"]), median(figures["p50_ms"]),
        median(figures["p99_ms"]), median(figures["server_cpu_s"]), e == "" ? "none" : e
    }' "$work/$1.out" 2>/dev/null || true
}
echo
echo "| rate req/s | ours req/s | ours p50 ms | ours p99 ms | ours CPU s | ours errors | floor req/s | floor p50 ms | floor p99 ms | floor CPU s | floor errors |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for rate in ${rates//,/ }; do
  o=$(median_line ours "$rate"); f=$(median_line floor "$rate")
  cell() { [ -n "$2" ] && value "$1" "$2" || echo "-"; }
  echo "| $rate | $(cell throughput "$o") | $(cell p50_ms "$o") | $(cell p99_ms "$o") | $(cell server_cpu_s "$o") | $(cell errors "$o") | $(cell throughput "$f") | $(cell p50_ms "$f") | $(cell p99_ms "$f") | $(cell server_cpu_s "$f") | $(cell errors "$f") |"
done
floor_p99=$(value p99_ms "$(median_line floor 200)")
echo "floor peak_rss_mb=$floor_rss_mb"
if [ "$has_serve" = 1 ]; then
  ours_p99=$(value p99_ms "$(median_line ours 200)")
  [ -n "$ours_p99" ] && [ -n "$floor_p99" ] || { echo "no p99 at 200 req/s: the load did not finish"; exit 1; }
  met() { awk -v v="$1" -v t="$2" 'BEGIN{print (v < t) ? "met" : "NOT met"}'; }
  echo "targets: p99 < 50 ms at 200 req/s while cycles run: $(met "$ours_p99" 50) ($ours_p99 ms); memory < 1 GB: $(met "$rss_mb" 1024) ($rss_mb MB)"
  ours_cpu=$(value server_cpu_s "$(median_line ours 200)") floor_cpu=$(value server_cpu_s "$(median_line floor 200)")
  echo "ratio=$(awk -v o="$ours_p99" -v f="$floor_p99" 'BEGIN{printf "%.2f", (f > 0 ? o / f : 0)}') p99_ms=$ours_p99 rss_mb=$rss_mb" \
    "cpu_ratio=$(awk -v o="$ours_cpu" -v f="$floor_cpu" 'BEGIN{printf "%.2f", (f > 0 ? o / f : 0)}')"
  exit "$ours_status"
fi
echo "mentoring-host has no serve / token subcommand here (or --floor-only): measured the floor only"
echo "ratio=n/a p99_ms=n/a rss_mb=n/a floor_p99_ms=$floor_p99"
[ "$floor_only" = 1 ] && exit 0
exit 1
