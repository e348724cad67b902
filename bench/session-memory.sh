#!/usr/bin/env bash
# Live heap a session-era session costs the gateway, with a small and a large upstream catalogue, in one run.
#
# For each catalogue size the script starts the conformance fixture (`FixtureServer --eras both
# --extra-tools N`: its own ~10 tools plus N generated ones) and one gateway (mode dev, auth off) with the
# fixture registered twice — `fixture` (session era) and `fixture-modern` (stateless era) — as
# bench/mcp-load.sh does. It opens SESSIONS sessions on the aggregated endpoint `/mcp`, each doing what an
# agent does first: initialize, notifications/initialized, tools/list, one tools/call
# (`fixture__test_simple_text`). The sessions stay open. The gateway's live heap is read after a full
# collection (`jcmd GC.run`, then the used sizes of `jcmd GC.heap_info`) before and after; the difference
# divided by SESSIONS is the cost of one session. The baseline is the default catalogue (N = 0), measured in
# the same run; the ratio says how much more a session costs when the upstreams list N more tools.
#
# Usage: bench/session-memory.sh [SESSIONS] [EXTRA_TOOLS...]   (defaults: 200 and "0 1000")
# Binds only to 127.0.0.1; stops every process it starts (by PID, on exit).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
SESSIONS="${1:-200}"
shift || true
EXTRAS=("$@")
[ ${#EXTRAS[@]} -gt 0 ] || EXTRAS=(0 1000)
PORT_UP=18821
PORT_GW=18822
JAVA_HOME="$("$ROOT/portcullis" java-home)"
export JAVA_HOME
require_free_ports $PORT_UP $PORT_GW

build_fixture
start_workdir

# live_kb PID: used heap in KB after a full collection
live_kb() {
  "$JAVA_HOME/bin/jcmd" "$1" GC.run >/dev/null
  "$JAVA_HOME/bin/jcmd" "$1" GC.heap_info | grep -oE 'used [0-9]+K' | grep -oE '[0-9]+' | awk '{s += $1} END {print s}'
}

post() { # post SESSION BODY
  curl -sf -o /dev/null -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \
    -H "Mcp-Session-Id: $1" -H 'MCP-Protocol-Version: 2025-11-25' -d "$2" "http://127.0.0.1:$PORT_GW/mcp"
}

open_session() {
  local headers="$work/init-headers" sid
  curl -sf -D "$headers" -o /dev/null -H 'Content-Type: application/json' \
    -H 'Accept: application/json, text/event-stream' \
    -d '{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"session-memory","version":"1"}}}' \
    "http://127.0.0.1:$PORT_GW/mcp"
  sid=$(awk -F': ' 'tolower($1)=="mcp-session-id" {print $2}' "$headers" | tr -d '\r')
  [ -n "$sid" ] || { echo "no Mcp-Session-Id" >&2; exit 1; }
  post "$sid" '{"jsonrpc":"2.0","method":"notifications/initialized"}'
  post "$sid" '{"jsonrpc":"2.0","id":1,"method":"tools/list"}'
  post "$sid" '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"fixture__test_simple_text","arguments":{}}}'
}

declare -A PER
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
for extra in "${EXTRAS[@]}"; do
  "$JAVA_HOME/bin/java" -cp "$FIXTURE_CP" dev.portcullis.conformance.fixture.FixtureServer \
      --port "$PORT_UP" --eras both --extra-tools "$extra" >"$work/fixture-$extra.log" 2>&1 &
  fixture=$!
  pids+=("$fixture")
  wait_for "http://127.0.0.1:$PORT_UP/mcp" "$fixture" "fixture-$extra"
  cat >"$work/gateway.yaml" <<EOF
mode: dev
server: {host: 127.0.0.1, port: $PORT_GW}
logging: {level: warning, format: text}
auth: {disabled: true}
mcp: {max-sessions: $((SESSIONS + 10))}
$(fixture_upstreams $PORT_UP)
EOF
  PORTCULLIS_SKIP_BUILD=1 "$ROOT/portcullis" serve --config "$work/gateway.yaml" >"$work/gateway-$extra.log" 2>&1 &
  launcher=$!
  pids+=("$launcher")
  wait_for "http://127.0.0.1:$PORT_GW/observe/health" "$launcher" "gateway-$extra"
  jvm=$(pgrep -f -- "$work/gateway.yaml" | while read -r p; do [ "$(cat "/proc/$p/comm" 2>/dev/null)" = java ] && echo "$p"; done | tail -1)
  [ -n "$jvm" ] || { echo "gateway JVM not found" >&2; exit 1; }
  for _ in 1 2 3; do open_session; done # warm-up: classes, JIT, the shared catalogue itself
  before=$(live_kb "$jvm")
  for _ in $(seq 1 "$SESSIONS"); do open_session; done
  after=$(live_kb "$jvm")
  PER[$extra]=$(awk -v a="$after" -v b="$before" -v n="$SESSIONS" 'BEGIN {printf "%.1f", (a - b) / n}')
  echo "extra=$extra tools: live heap ${before} KB -> ${after} KB after $SESSIONS sessions: ${PER[$extra]} KB per session" >&2
  kill "$launcher" "$fixture" 2>/dev/null || true
  wait "$launcher" "$fixture" 2>/dev/null || true
  while curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$PORT_GW/"; do sleep 0.2; done
done

echo
echo "load average before: $LOAD_START; at the end: $(cut -d' ' -f1-3 /proc/loadavg); $SESSIONS sessions per catalogue, each initialize + tools/list + one tools/call on /mcp, two upstreams"
echo
echo "| generated tools per upstream | live heap per session (KB) | vs ${EXTRAS[0]} generated tools |"
echo "|---|---|---|"
for extra in "${EXTRAS[@]}"; do
  ratio=$(awk -v x="${PER[$extra]}" -v b="${PER[${EXTRAS[0]}]}" 'BEGIN {if (b > 0) printf "%.2f×", x / b; else print "—"}')
  echo "| $extra | ${PER[$extra]} | $ratio |"
done
