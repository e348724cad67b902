# Shared helpers of the load benchmarks (sourced, not run): wrk, free ports, a work directory whose
# processes are stopped on exit, and waiting for a started server.

# require_wrk: installs wrk from Debian packages when missing and running as root, else fails clearly
require_wrk() {
  if ! command -v wrk >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
      echo "installing wrk from Debian packages" >&2
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null 2>&1 \
        || { apt-get update -qq >/dev/null 2>&1; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
    fi
    command -v wrk >/dev/null 2>&1 || { echo "wrk is required (apt-get install wrk)" >&2; exit 1; }
  fi
}

# require_free_ports PORT...: fails when something already answers on 127.0.0.1:PORT
require_free_ports() {
  local port
  for port in "$@"; do
    if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/"; then
      echo "port $port on 127.0.0.1 is in use" >&2; exit 1
    fi
  done
}

# start_workdir: sets $work and $pids; every PID appended to pids is stopped on exit (BENCH_KEEP=1 keeps $work)
start_workdir() {
  work=$(mktemp -d)
  pids=()
  trap cleanup EXIT
}

cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    kill -CONT "$pid" 2>/dev/null || true # a paused process would not act on the signal below
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "work directory kept: $work" >&2; else rm -rf "$work"; fi
}

# wait_for URL PID NAME [SECONDS]: until the URL answers at all (any status); fails with NAME's log if
# the process died or did not start in time (default 60 s)
wait_for() {
  local t0=$SECONDS limit="${4:-60}"
  until curl -s -o /dev/null --max-time 1 "$1"; do
    kill -0 "$2" 2>/dev/null || { echo "$3 died; log:" >&2; cat "$work/$3.log" >&2; exit 1; }
    [ $((SECONDS - t0)) -lt "$limit" ] || { echo "$3 did not start within $limit s" >&2; exit 1; }
    sleep 0.2
  done
}

# field NAME LINE: the number after NAME= in a RESULT line of bench/wrk-checks.lua
field() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" <<<"$2"; }

# proc_usage PID: "CPU_TICKS READ_CALLS" of a process so far (user + system clock ticks from /proc/PID/stat,
# read-type system calls from /proc/PID/io)
proc_usage() {
  local ticks reads
  ticks=$(awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null) || ticks=""
  reads=$(awk '/^syscr:/ {print $2}' "/proc/$1/io" 2>/dev/null) || reads=""
  echo "${ticks:-0} ${reads:-0}"
}

# per_call BEFORE AFTER REQUESTS: " proxy_cpu_us=U proxy_reads=R" — CPU microseconds and read system calls of a
# process per request between two proc_usage readings
per_call() {
  local t0 r0 t1 r1
  read -r t0 r0 <<<"$1"
  read -r t1 r1 <<<"$2"
  awk -v t=$(( t1 - t0 )) -v r=$(( r1 - r0 )) -v n="$3" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { if (n > 0) printf " proxy_cpu_us=%.1f proxy_reads=%.2f", t * 1e6 / hz / n, r / n }'
}

# ms MICROSECONDS: as milliseconds with two decimals
ms() { awk -v u="$1" 'BEGIN {printf "%.2f", u / 1000}'; }

# measure_cells: warms every target of TARGETS up for WARMUP seconds at the highest of CONNS (with WARMING=1
# in load's environment), then runs the
# script's own `load TARGET CONNECTIONS SECONDS` (which prints wrk-checks.lua's RESULT line) for every
# connection count and target, DURATION seconds each, each cell first run unmeasured for CELL_WARMUP_S seconds
# (default 0) in exactly the way it is then measured (same connections, same pacing); fills the global arrays RPS, P50, P99, BAD and LOAD
# (load average at the end of the cell), keyed "name,connections". Progress goes to stderr.
measure_cells() {
  local max_conns t c name out line
  declare -gA RPS P50 P99 BAD LOAD CPU READS
  max_conns=$(printf '%s\n' "${CONNS[@]}" | sort -n | tail -n 1)
  echo "warming up each target for ${WARMUP}s at $max_conns connections..." >&2
  for t in "${TARGETS[@]}"; do
    WARMING=1 load "$t" "$max_conns" "$WARMUP" >"$work/warmup-${t%%|*}.txt"
  done
  for c in "${CONNS[@]}"; do
    for t in "${TARGETS[@]}"; do
      name="${t%%|*}"
      if [ "${CELL_WARMUP_S:-0}" -gt 0 ]; then
        load "$t" "$c" "$CELL_WARMUP_S" >/dev/null
      fi
      out=$(load "$t" "$c" "$DURATION")
      line=$(grep '^RESULT' <<<"$out" || true)
      [ -n "$line" ] || { echo "no result for $name at $c connections: $out" >&2; exit 1; }
      grep '^FIRST_BAD' <<<"$out" >&2 || true
      RPS[$name,$c]=$(field rps "$line")
      P50[$name,$c]=$(field p50_us "$line")
      P99[$name,$c]=$(field p99_us "$line")
      BAD[$name,$c]=$(( $(field bad_status "$line") + $(field bad_body "$line") + $(field socket_errors "$line") ))
      CPU[$name,$c]=$(field proxy_cpu_us "$line")
      READS[$name,$c]=$(field proxy_reads "$line")
      LOAD[$name,$c]=$(cut -d' ' -f1 /proc/loadavg)
      echo "$name c=$c $line load=${LOAD[$name,$c]}" >&2
    done
  done
}

# build_fixture: builds the gateway jar and the conformance fixture server's test classes; sets FIXTURE_CP
build_fixture() {
  echo "building (gateway jar, fixture server test classes)..." >&2
  ( cd "$ROOT" && ./mvnw -q -DskipTests package dependency:build-classpath \
      -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test >/dev/null )
  FIXTURE_CP="$ROOT/conformance-tests/target/test-classes:$(cat "$ROOT/conformance-tests/target/bench.cp")"
}

# fixture_upstreams PORT: the gateway's upstreams section with the fixture on PORT registered in both eras,
# as `fixture` (session) and `fixture-modern` (stateless)
fixture_upstreams() {
  cat <<EOF
upstreams:
  - name: fixture
    url: http://127.0.0.1:$1/mcp
    era: session
  - name: fixture-modern
    url: http://127.0.0.1:$1/mcp
    era: stateless
EOF
}
