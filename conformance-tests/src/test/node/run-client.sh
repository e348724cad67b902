#!/usr/bin/env bash
# run-client.sh - run one of the MCP client checks in this directory against an MCP URL, with the official
# TypeScript SDK pinned by package-lock.json. Node 22 and the packages are installed (like deploy/mcp-tools/*.sh do)
# into $MCP_TOOLS_HOME (default ~/.cache/mcp-tools) on first use, keyed by the lockfile's hash.
#
# Usage:  run-client.sh SCRIPT.mjs URL
# Output: the script's JSON report on stdout (last line); progress on stderr. Exit 2 on installation errors.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SCRIPT="${1:?usage: run-client.sh SCRIPT.mjs URL}"
URL="${2:?usage: run-client.sh SCRIPT.mjs URL}"
TOOLS_HOME="${MCP_TOOLS_HOME:-$HOME/.cache/mcp-tools}"
NODE_SPEC="${MCP_NODE_SPEC:-22}"

die() { echo "run-client: ERROR: $*" >&2; exit 2; }
log() { echo "run-client: $*" >&2; }

npm_in() { # npm_in DIR ARGS... (quiet, log shown on failure)
  local dir="$1"; shift
  if ! (cd "$dir" && npm "$@" --no-audit --no-fund --loglevel=error > npm.log 2>&1); then
    cat "$dir/npm.log" >&2; return 1
  fi
}

NODE="${MCP_NODE:-}"
if [[ -z "$NODE" ]]; then
  case "$(uname -m)" in
    x86_64|amd64) ARCH=x64 ;;
    aarch64|arm64) ARCH=arm64 ;;
    *) die "unsupported CPU $(uname -m); set MCP_NODE to a node >= 22 binary" ;;
  esac
  NODE_DIR="$TOOLS_HOME/node-$NODE_SPEC-$ARCH"
  NODE="$NODE_DIR/node_modules/node-linux-$ARCH/bin/node"
  if [[ ! -x "$NODE" ]]; then
    command -v npm >/dev/null 2>&1 || die "npm not found on PATH and no node in $NODE_DIR"
    tmp="$NODE_DIR.tmp.$$"; rm -rf "$tmp"; mkdir -p "$tmp"
    echo '{"name":"mcp-tools-cache","version":"0.0.0","private":true}' > "$tmp/package.json"
    log "installing node-linux-$ARCH@$NODE_SPEC into $NODE_DIR"
    npm_in "$tmp" install "node-linux-$ARCH@$NODE_SPEC" || { rm -rf "$tmp"; die "npm install node failed"; }
    rm -rf "$NODE_DIR"; mv "$tmp" "$NODE_DIR"
  fi
fi
"$NODE" --version >/dev/null 2>&1 || die "node binary $NODE does not run"

LOCK_HASH="$(sha256sum "$HERE/package-lock.json" | cut -c1-12)"
PKG_DIR="$TOOLS_HOME/portcullis-client-checks-$LOCK_HASH"
if [[ ! -d "$PKG_DIR/node_modules/@modelcontextprotocol" ]]; then
  command -v npm >/dev/null 2>&1 || die "npm not found on PATH and $PKG_DIR is not installed"
  tmp="$PKG_DIR.tmp.$$"; rm -rf "$tmp"; mkdir -p "$tmp"
  cp "$HERE/package.json" "$HERE/package-lock.json" "$tmp/"
  log "installing the pinned MCP client packages into $PKG_DIR (npm ci)"
  npm_in "$tmp" ci || { rm -rf "$tmp"; die "npm ci failed"; }
  rm -rf "$PKG_DIR"; mv "$tmp" "$PKG_DIR"
fi
cp "$HERE/$SCRIPT" "$HERE/report.mjs" "$PKG_DIR/"
exec "$NODE" "$PKG_DIR/$SCRIPT" "$URL"
