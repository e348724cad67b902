#!/usr/bin/env bash
# Start-up time and idle memory of `./portcullis demo`, against a baseline measured in the same run:
# the JDK's built-in HTTP server answering the same health path (the floor for a JVM server here).
#
# Usage: bench/startup.sh [RUNS]   (default 5)
# Measures, per run, wall time from process launch to the first 200 from /observe/health (polled
# every 10 ms with curl), then idle RSS (VmRSS) 5 s later. Prints a Markdown table with medians.
# Binds only to 127.0.0.1. Stops every process it starts.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
RUNS="${1:-5}"
PORT_GW=18790
PORT_BASE=18791
JAVA_HOME="$("$ROOT/portcullis" java-home)"
export JAVA_HOME

"$ROOT/portcullis" build >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$JAVA_HOME/bin/javac" -d "$work" "$ROOT/bench/baseline/JdkHttpBaseline.java"

now_ms() { date +%s%3N; }

# measure NAME PORT CMD... -> prints "startup_ms rss_kb"
measure() {
  local port="$1"; shift
  local t0 t1 pid rss
  t0=$(now_ms)
  "$@" >/dev/null 2>&1 &
  pid=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$port/observe/health"; do
    if ! kill -0 "$pid" 2>/dev/null; then echo "process died" >&2; return 1; fi
    if [ $(( $(now_ms) - t0 )) -gt 30000 ]; then kill "$pid"; echo "timeout" >&2; return 1; fi
    sleep 0.01
  done
  t1=$(now_ms)
  sleep 5
  local jpid
  jpid=$(pgrep -P "$pid" java || echo "$pid")
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$jpid/status" 2>/dev/null || awk '/VmRSS/ {print $2}' "/proc/$pid/status")
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  echo "$((t1 - t0)) $rss"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# warm-up: creates the class-data-sharing archive the launcher uses
measure "$PORT_GW" env PORTCULLIS_SKIP_BUILD=1 "$ROOT/portcullis" demo --port "$PORT_GW" >/dev/null

gw_t=(); gw_r=(); b_t=(); b_r=()
for _ in $(seq "$RUNS"); do
  read -r t r < <(measure "$PORT_GW" env PORTCULLIS_SKIP_BUILD=1 "$ROOT/portcullis" demo --port "$PORT_GW")
  gw_t+=("$t"); gw_r+=("$r")
  read -r t r < <(measure "$PORT_BASE" "$JAVA_HOME/bin/java" -cp "$work" JdkHttpBaseline "$PORT_BASE")
  b_t+=("$t"); b_r+=("$r")
done

gt=$(printf '%s\n' "${gw_t[@]}" | median); gr=$(printf '%s\n' "${gw_r[@]}" | median)
bt=$(printf '%s\n' "${b_t[@]}" | median); br=$(printf '%s\n' "${b_r[@]}" | median)
echo "| measure (median of $RUNS) | portcullis demo | JDK HttpServer baseline | ratio |"
echo "|---|---|---|---|"
awk -v g="$gt" -v b="$bt" 'BEGIN {printf "| launch → healthy /observe/health | %d ms | %d ms | %.2f× |\n", g, b, g/b}'
awk -v g="$gr" -v b="$br" 'BEGIN {printf "| idle RSS after 5 s | %.0f MiB | %.0f MiB | %.2f× |\n", g/1024, b/1024, g/b}'
echo
echo "runs (ms): portcullis ${gw_t[*]}; baseline ${b_t[*]}"
