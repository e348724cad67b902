#!/usr/bin/env bash
# OpenAPI → MCP benchmarks, in one run:
#  1. per-call overhead: wrk → petstore backend directly (GET /api/v3/pet/7, the baseline) against
#     wrk → portcullis (mode dev, auth.disabled) → MCP tools/call getPetById {"petId": 7} → the same backend,
#     through the per-upstream endpoint /mcp/petstore and the aggregated /mcp (petstore__getPetById);
#  2. conversion time of the largest corpus documents: cold (first conversion in a fresh JVM) and warm.
#
# Usage: bench/openapi-call.sh [DURATION_S] [CONNECTIONS...]      (defaults: 10 and "1 8")
# Environment: WARMUP_S (default 10, per target), BENCH_SKIP_CONVERT=1 (only the call benchmark),
#   BENCH_KEEP=1 (keep the work directory with logs and configs).
#
# The backend (bench/baseline/PetstoreBackend.java, Helidon SE) implements the operation of the corpus petstore
# 3.0 document that the tool calls; the gateway registers that document with base-url pointing at the backend
# and allow-private-networks (the backend is on loopback). Every response is checked by bench/openapi-call.lua.
# Binds only to 127.0.0.1. Stops every process it starts (by PID, on exit). Needs wrk.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
DURATION="${1:-10}"
shift || true
CONNS=("$@")
[ ${#CONNS[@]} -gt 0 ] || CONNS=(1 8)
WARMUP="${WARMUP_S:-10}"
PORT_UP=18821
PORT_GW=18822
JAVA_HOME="$("$ROOT/portcullis" java-home)"
export JAVA_HOME
require_wrk
require_free_ports $PORT_UP $PORT_GW

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
echo "building (gateway jar, class paths)..." >&2
( cd "$ROOT" && ./mvnw -q -DskipTests -pl openapi-to-mcp,server -am package dependency:build-classpath \
    -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test >/dev/null )
SERVER_CP="$ROOT/server/target/classes:$(cat "$ROOT/server/target/bench.cp")"
OPENAPI_CP="$ROOT/openapi-to-mcp/target/classes:$(cat "$ROOT/openapi-to-mcp/target/bench.cp")"
CORPUS="$ROOT/openapi-to-mcp/src/test/resources/corpus"

start_workdir


# ---------------------------------------------------------------------------------------- conversion
if [ "${BENCH_SKIP_CONVERT:-0}" != 1 ]; then
  echo "converting the largest corpus documents (one fresh JVM each)..." >&2
  CONVERT=()
  for f in github-ghes-3.6.json stripe-spec3.yaml openai-openapi.yaml box-openapi.json twilio_api_v2010.yaml; do
    CONVERT+=("$("$JAVA_HOME/bin/java" -cp "$OPENAPI_CP" "$ROOT/bench/baseline/OpenApiConvert.java" "$CORPUS/$f" 5 10 \
      2>"$work/convert-$f.log" | grep '^CONVERT') load=$(cut -d' ' -f1 /proc/loadavg)")
    echo "${CONVERT[-1]}" >&2
  done
fi

# ---------------------------------------------------------------------------------------- processes
"$JAVA_HOME/bin/java" -cp "$SERVER_CP" "$ROOT/bench/baseline/PetstoreBackend.java" "$PORT_UP" >"$work/backend.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$PORT_UP/api/v3/pet/1" "${pids[-1]}" backend 90

cat >"$work/gateway.yaml" <<EOF
mode: dev
server: {host: 127.0.0.1, port: $PORT_GW}
logging: {level: warning, format: text}
auth: {disabled: true}
upstreams:
  - name: petstore
    openapi:
      spec: $CORPUS/petstore-3.0.yaml
      base-url: http://127.0.0.1:$PORT_UP/api/v3
      allow-private-networks: true
EOF
PORTCULLIS_SKIP_BUILD=1 "$ROOT/portcullis" serve --config "$work/gateway.yaml" >"$work/gateway.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$PORT_GW/observe/health" "${pids[-1]}" gateway 90

initialize() { # PATH -> prints the Mcp-Session-Id (after notifications/initialized)
  local headers="$work/init-headers" sid
  curl -sf -D "$headers" -o /dev/null -H 'Content-Type: application/json' \
    -H 'Accept: application/json, text/event-stream' \
    -d '{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"openapi-call","version":"1"}}}' \
    "http://127.0.0.1:$PORT_GW$1"
  sid=$(awk -F': ' 'tolower($1)=="mcp-session-id" {print $2}' "$headers" | tr -d '\r')
  [ -n "$sid" ] || { echo "no Mcp-Session-Id from $1" >&2; exit 1; }
  curl -sf -o /dev/null -H 'Content-Type: application/json' -H "Mcp-Session-Id: $sid" \
    -H 'MCP-Protocol-Version: 2025-11-25' -d '{"jsonrpc":"2.0","method":"notifications/initialized"}' \
    "http://127.0.0.1:$PORT_GW$1"
  echo "$sid"
}
SID_UP=$(initialize /mcp/petstore)
SID_AGG=$(initialize /mcp)

# name|label|port|mode|path|tool|session
TARGETS=(
  "direct|backend directly (GET /api/v3/pet/7)|$PORT_UP|direct|/api/v3/pet/7||"
  "gw|gateway /mcp/petstore tools/call getPetById|$PORT_GW|mcp|/mcp/petstore|getPetById|$SID_UP"
  "gw-agg|gateway /mcp tools/call petstore__getPetById|$PORT_GW|mcp|/mcp|petstore__getPetById|$SID_AGG"
)

load() { # TARGET CONNECTIONS SECONDS
  local name label port mode path tool sid
  IFS='|' read -r name label port mode path tool sid <<<"$1"
  OA_MODE="$mode" OA_PATH="$path" OA_TOOL="$tool" OA_SESSION="$sid" \
    BENCH_DIR="$ROOT/bench" timeout $(( $3 + 30 )) wrk -t1 -c"$2" -d"$3"s --timeout 5s --latency -s "$ROOT/bench/openapi-call.lua" \
    "http://127.0.0.1:$port" | grep -E '^(RESULT|FIRST_BAD)'
}

measure_cells

# ---------------------------------------------------------------------------------------- tables
echo
echo "load average before: $LOAD_START; at the end: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; wrk -t1, ${DURATION}s per cell, ${WARMUP}s warm-up per target"
echo
echo "| target | conns | RPS | p50 ms | p99 ms | bad | load avg | RPS vs direct | added p50 ms | added p99 ms |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for c in "${CONNS[@]}"; do
  for t in "${TARGETS[@]}"; do
    IFS='|' read -r name label _ <<<"$t"
    if [ "$name" = direct ]; then
      ratio="—"; a50="—"; a99="—"
    else
      ratio=$(awk -v g="${RPS[$name,$c]}" -v d="${RPS[direct,$c]}" 'BEGIN {printf "%.0f %%", 100 * g / d}')
      a50=$(ms $(( ${P50[$name,$c]} - ${P50[direct,$c]} )))
      a99=$(ms $(( ${P99[$name,$c]} - ${P99[direct,$c]} )))
    fi
    printf '| %s | %s | %.0f | %s | %s | %s | %s | %s | %s | %s |\n' "$label" "$c" "${RPS[$name,$c]}" \
      "$(ms "${P50[$name,$c]}")" "$(ms "${P99[$name,$c]}")" "${BAD[$name,$c]}" "${LOAD[$name,$c]}" "$ratio" "$a50" "$a99"
  done
done
if [ "${BENCH_SKIP_CONVERT:-0}" != 1 ]; then
  echo
  echo "| document | tools | cold ms | warm median ms | warm min ms | load avg |"
  echo "|---|---|---|---|---|---|"
  for line in "${CONVERT[@]}"; do
    printf '| %s | %s | %s | %s | %s | %s |\n' "$(awk '{print $2}' <<<"$line")" "$(field tools "$line")" \
      "$(field cold_ms "$line")" "$(field warm_median_ms "$line")" "$(field warm_min_ms "$line")" "$(field load "$line")"
  done
fi
