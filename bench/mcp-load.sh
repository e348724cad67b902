#!/usr/bin/env bash
# Load benchmark of MCP `tools/call` through the gateway against the same upstream called directly, in one run:
#   direct                 wrk → fixture MCP server (the upstream)
#   gateway, auth off      wrk → portcullis (mode dev, auth.disabled) → fixture
#   gateway, auth on       wrk → portcullis (RS256 access token validated on every request) → fixture
# for session-era requests (one initialized session, Mcp-Session-Id) and stateless-era requests (2026-07-28:
# per-request _meta, no session), at several connection counts.
#
# Usage: bench/mcp-load.sh [DURATION_S] [CONNECTIONS...]      (defaults: 10 and "1 8 32")
# Environment: WARMUP_S (default 10: per target, at the highest connection count, before any measured run),
#   BENCH_TARGETS (space-separated subset of the target names below), BENCH_JAVA_OPTS (extra JVM options
#   for the gateways, e.g. a JFR recording), BENCH_KEEP=1 (keep the work directory with logs and configs),
#   BENCH_PIN=LOAD:GATEWAY (CPU lists for taskset, e.g. 0:1: wrk, the upstream and the JWKS server run on
#   the LOAD CPUs in every cell, direct or not; the gateways on the GATEWAY CPUs, as a gateway deployed on
#   its own host or pod would. Unset: every process shares every CPU), BENCH_ISOLATE (default 1: a gateway
#   that a cell does not use is paused with SIGSTOP while the cell runs, so its background work — health
#   checks, JIT, GC — does not land in the measured gateway's latency; 0 leaves both running),
#   PACE_MS (whole milliseconds: paced load instead of saturation — every connection waits PACE_MS after each
#   answer before sending its next request, so direct and gateway are offered about the same rate, below what
#   either can serve, and the added latency is not queueing behind a saturated CPU; warm-up stays unpaced).
#   CELL_WARMUP_S (default 10: each cell first runs unmeasured this long with its own connections and pacing.
#   A JVM that has run one load pattern deoptimises and recompiles code when the pattern changes — connection
#   count, pacing, era — and keeps recompiling rarely taken branches for a minute or more; on a gateway confined
#   to one CPU the compiler threads take that CPU from the requests (a 40–85 ms C2 compile of a hot method
#   roughly halves the CPU the requests get while it runs). Measured: paced 8-connection windows of 10 s right
#   after a switch from saturation had p99 2.7, 0.75, 0.64, 0.53 ms. The cell warm-up measures closer to the
#   steady state; 0 measures the transition; WARMUP_S of 30 or more per target is advised for p99 figures).
#
#   BENCH_EXTRA_TOOLS (default 0: the upstream lists this many generated tools before its own, so that the
#   called tool comes after them in its catalogue; a gateway's cost per call should not grow with it).
#
# Gateway cells also report the gateway process's CPU time (user + system) and read system calls per call, from
# /proc/PID/stat and /proc/PID/io around the measured window: the gateway's own cost, apart from the load
# generator's and the upstream's (a noisy host still inflates the CPU time; the system-call count is exact).
#
# The upstream is the conformance fixture server (`FixtureServer --eras both`, tool `test_simple_text`). The
# auth-on gateway trusts a throw-away issuer (`bench/baseline/BenchIssuer.java`: RSA-2048 key, JWKS file served
# by the JDK's jwebserver, one RS256 token). Every response is checked by `bench/mcp-load.lua` (HTTP 200 and the
# tool's text in the body); the table reports any bad answers next to the figures.
# Binds only to 127.0.0.1. Stops every process it starts (by PID, on exit). Needs wrk (installed from Debian
# packages when missing and running as root).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
DURATION="${1:-10}"
shift || true
CONNS=("$@")
[ ${#CONNS[@]} -gt 0 ] || CONNS=(1 8 32)
WARMUP="${WARMUP_S:-10}"
export CELL_WARMUP_S="${CELL_WARMUP_S:-10}"
PORT_UP=18811
PORT_OFF=18812
PORT_ON=18813
PORT_JWKS=18814
JAVA_HOME="$("$ROOT/portcullis" java-home)"
export JAVA_HOME

require_wrk
require_free_ports $PORT_UP $PORT_OFF $PORT_ON $PORT_JWKS
pin_load=()
pin_gw=()
PINNING="every process on every CPU"
if [ -n "${BENCH_PIN:-}" ]; then
  command -v taskset >/dev/null 2>&1 || { echo "BENCH_PIN needs taskset (util-linux)" >&2; exit 1; }
  [[ $BENCH_PIN == *:* ]] || { echo "BENCH_PIN must be LOAD_CPUS:GATEWAY_CPUS, e.g. 0:1" >&2; exit 1; }
  pin_load=(taskset -c "${BENCH_PIN%%:*}")
  pin_gw=(taskset -c "${BENCH_PIN#*:}")
  "${pin_load[@]}" true && "${pin_gw[@]}" true || { echo "BENCH_PIN: no such CPUs here ($(nproc) online)" >&2; exit 1; }
  PINNING="wrk + upstream + JWKS server on CPU ${BENCH_PIN%%:*}, gateways on CPU ${BENCH_PIN#*:} (taskset)"
fi

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
build_fixture

start_workdir


# ---------------------------------------------------------------------------------------- processes
"${pin_load[@]}" "$JAVA_HOME/bin/java" -cp "$FIXTURE_CP" dev.portcullis.conformance.fixture.FixtureServer \
    --port "$PORT_UP" --eras both --extra-tools "${BENCH_EXTRA_TOOLS:-0}" >"$work/fixture.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$PORT_UP/mcp" "${pids[-1]}" fixture

ISSUER="http://127.0.0.1:$PORT_JWKS/bench-issuer"
RESOURCE="http://127.0.0.1:$PORT_ON/mcp"
mkdir -p "$work/jwks"
TOKEN=$("$JAVA_HOME/bin/java" "$ROOT/bench/baseline/BenchIssuer.java" "$ISSUER" "$RESOURCE" "$work/jwks/jwks.json")
"${pin_load[@]}" "$JAVA_HOME/bin/jwebserver" -b 127.0.0.1 -p "$PORT_JWKS" -d "$work/jwks" -o none >"$work/jwks.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$PORT_JWKS/jwks.json" "${pids[-1]}" jwks

cat >"$work/gateway-auth-off.yaml" <<EOF
mode: dev
server: {host: 127.0.0.1, port: $PORT_OFF}
logging: {level: warning, format: text}
auth: {disabled: true}
$(fixture_upstreams $PORT_UP)
EOF
cat >"$work/gateway-auth-on.yaml" <<EOF
mode: dev
server: {host: 127.0.0.1, port: $PORT_ON}
logging: {level: warning, format: text}
auth:
  resource: $RESOURCE
  required-scopes: [mcp:tools]
  issuers:
    - issuer: $ISSUER
      jwks-uri: http://127.0.0.1:$PORT_JWKS/jwks.json
      algorithms: [RS256]
$(fixture_upstreams $PORT_UP)
EOF
declare -A GATEWAY_PID
for g in off on; do
  port=$PORT_OFF; [ $g = on ] && port=$PORT_ON
  PORTCULLIS_SKIP_BUILD=1 PORTCULLIS_JAVA_OPTS="${BENCH_JAVA_OPTS:-}" \
    "${pin_gw[@]}" "$ROOT/portcullis" serve --config "$work/gateway-auth-$g.yaml" >"$work/gateway-auth-$g.log" 2>&1 &
  pids+=($!)
  GATEWAY_PID[$port]=$!
  wait_for "http://127.0.0.1:$port/observe/health" "${pids[-1]}" "gateway-auth-$g"
done

# ---------------------------------------------------------------------------------------- sessions
# initialize PORT PATH [TOKEN] -> prints the Mcp-Session-Id (after notifications/initialized)
initialize() {
  local auth=() headers sid
  [ -n "${3:-}" ] && auth=(-H "Authorization: Bearer $3")
  headers="$work/init-headers"
  curl -sf -D "$headers" -o /dev/null "${auth[@]}" -H 'Content-Type: application/json' \
    -H 'Accept: application/json, text/event-stream' \
    -d '{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"mcp-load","version":"1"}}}' \
    "http://127.0.0.1:$1$2"
  sid=$(awk -F': ' 'tolower($1)=="mcp-session-id" {print $2}' "$headers" | tr -d '\r')
  [ -n "$sid" ] || { echo "no Mcp-Session-Id from 127.0.0.1:$1$2" >&2; exit 1; }
  curl -sf -o /dev/null "${auth[@]}" -H 'Content-Type: application/json' -H "Mcp-Session-Id: $sid" \
    -H 'MCP-Protocol-Version: 2025-11-25' -d '{"jsonrpc":"2.0","method":"notifications/initialized"}' \
    "http://127.0.0.1:$1$2"
  echo "$sid"
}
SID_DIRECT=$(initialize $PORT_UP /mcp)
SID_OFF=$(initialize $PORT_OFF /mcp/fixture)
SID_ON=$(initialize $PORT_ON /mcp/fixture "$TOKEN")
SID_AGG=$(initialize $PORT_OFF /mcp)

# name|label|port|path|tool|era|session|token
TARGETS=(
  "direct|session: direct|$PORT_UP|/mcp|test_simple_text|session|$SID_DIRECT|"
  "gw-off|session: gateway, auth off|$PORT_OFF|/mcp/fixture|test_simple_text|session|$SID_OFF|"
  "gw-on|session: gateway, auth on|$PORT_ON|/mcp/fixture|test_simple_text|session|$SID_ON|$TOKEN"
  "gw-agg|session: gateway /mcp (aggregated), auth off|$PORT_OFF|/mcp|fixture__test_simple_text|session|$SID_AGG|"
  "sl-direct|stateless: direct|$PORT_UP|/mcp|test_simple_text|stateless||"
  "sl-gw-off|stateless: gateway, auth off|$PORT_OFF|/mcp/fixture-modern|test_simple_text|stateless||"
  "sl-gw-on|stateless: gateway, auth on|$PORT_ON|/mcp/fixture-modern|test_simple_text|stateless||$TOKEN"
)
if [ -n "${BENCH_TARGETS:-}" ]; then
  selected=()
  for t in "${TARGETS[@]}"; do
    for want in $BENCH_TARGETS; do [ "${t%%|*}" = "$want" ] && selected+=("$t"); done
  done
  TARGETS=("${selected[@]}")
fi

# load TARGET CONNECTIONS SECONDS -> prints the RESULT line of mcp-load.lua
load() {
  local name label port path tool era sid token p
  IFS='|' read -r name label port path tool era sid token <<<"$1"
  if [ "${BENCH_ISOLATE:-1}" = 1 ]; then
    for p in "${!GATEWAY_PID[@]}"; do
      if [ "$p" = "$port" ]; then kill -CONT "${GATEWAY_PID[$p]}"; else kill -STOP "${GATEWAY_PID[$p]}"; fi
    done
  fi
  local pace="${PACE_MS:-}"
  [ "${WARMING:-0}" = 1 ] && pace=""
  # the gateway's own CPU time and read system calls per call, from /proc: steadier than throughput on a noisy host
  local gw="${GATEWAY_PID[$port]:-}" before="" out
  [ -n "$gw" ] && before=$(proc_usage "$gw")
  out=$(MCP_PACE_MS="$pace" MCP_PATH="$path" MCP_TOOL="$tool" MCP_ERA="$era" MCP_SESSION="$sid" MCP_TOKEN="$token" \
    BENCH_DIR="$ROOT/bench" timeout $(( $3 + 30 )) "${pin_load[@]}" wrk -t1 -c"$2" -d"$3"s --timeout 5s --latency -s "$ROOT/bench/mcp-load.lua" \
    "http://127.0.0.1:$port" | grep -E '^(RESULT|FIRST_BAD)')
  if [ -n "$gw" ]; then
    local usage
    usage=$(per_call "$before" "$(proc_usage "$gw")" "$(field requests "$(grep '^RESULT' <<<"$out")")")
    out=$(sed "/^RESULT/ s/\$/$usage/" <<<"$out")
  fi
  echo "$out"
  for p in "${!GATEWAY_PID[@]}"; do kill -CONT "${GATEWAY_PID[$p]}"; done
}

measure_cells

# ---------------------------------------------------------------------------------------- table
echo
isolation="the unused gateway paused during each cell"; [ "${BENCH_ISOLATE:-1}" = 1 ] || isolation="both gateways always running"
pacing="saturating (each connection sends its next request as soon as an answer arrives)"
[ -n "${PACE_MS:-}" ] && pacing="paced: each connection waits ${PACE_MS} ms after each answer"
echo "load average before: $LOAD_START; at the end: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; $PINNING; $isolation; wrk -t1, ${DURATION}s per cell after ${CELL_WARMUP_S}s unmeasured in the same pattern, ${WARMUP}s warm-up per target; $pacing; upstream lists ${BENCH_EXTRA_TOOLS:-0} extra tools"
echo
echo "| target | conns | RPS | p50 ms | p99 ms | bad | RPS vs direct | added p50 ms | added p99 ms | gateway CPU µs/call | gateway reads/call |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for c in "${CONNS[@]}"; do
  for t in "${TARGETS[@]}"; do
    IFS='|' read -r name label _ <<<"$t"
    base=direct; [[ $name == sl-* ]] && base=sl-direct
    if [ "$name" = "$base" ] || [ -z "${RPS[$base,$c]:-}" ]; then
      ratio="—"; a50="—"; a99="—"
    else
      ratio=$(awk -v g="${RPS[$name,$c]}" -v d="${RPS[$base,$c]}" 'BEGIN {printf "%.0f %%", 100 * g / d}')
      a50=$(ms $(( ${P50[$name,$c]} - ${P50[$base,$c]} )))
      a99=$(ms $(( ${P99[$name,$c]} - ${P99[$base,$c]} )))
    fi
    printf '| %s | %s | %.0f | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$label" "$c" "${RPS[$name,$c]}" \
      "$(ms "${P50[$name,$c]}")" "$(ms "${P99[$name,$c]}")" "${BAD[$name,$c]}" "$ratio" "$a50" "$a99" \
      "${CPU[$name,$c]:-—}" "${READS[$name,$c]:-—}"
  done
done
