#!/usr/bin/env bash
# keycloak.sh - install (if missing) and start Keycloak on loopback with the Portcullis realm.
#
# Usage:
#   keycloak.sh install              download + unpack only (idempotent)
#   keycloak.sh start [PORT]         start in the background (default PORT 8180); prints the PID on
#                                    stdout (only that) once the realm's discovery document answers
#   keycloak.sh stop PID             stop a Keycloak started by this script (by its PID)
#
# Issuer of the imported realm:  http://localhost:PORT/realms/portcullis
# (--hostname pins that string; the gateway must use exactly it.)
#
# Environment:
#   KEYCLOAK_VERSION       default 26.7.3 (org.keycloak:keycloak-quarkus-dist from Maven Central)
#   KEYCLOAK_HOME_CACHE    cache directory              (default: ~/.cache/portcullis/keycloak)
#   KEYCLOAK_JAVA_HOME     JDK to run Keycloak with     (default: /usr/lib/jvm/temurin-25-jdk-amd64, else JAVA_HOME)
#   KEYCLOAK_REALM_FILES   realm JSON files to import   (default: portcullis-realm.json and elsewhere-realm.json
#                          next to this script; "elsewhere" is a second issuer that Portcullis does not trust)
#   KEYCLOAK_START_TIMEOUT seconds to wait for readiness (default: 120)
#   KEYCLOAK_LOG           log file                     (default: $KEYCLOAK_HOME_CACHE/logs/keycloak-PORT.log)
# The admin console user is admin / admin (loopback only; never expose this instance).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
VERSION="${KEYCLOAK_VERSION:-26.7.3}"
CACHE="${KEYCLOAK_HOME_CACHE:-$HOME/.cache/portcullis/keycloak}"
REALM_FILES="${KEYCLOAK_REALM_FILES:-$HERE/portcullis-realm.json $HERE/elsewhere-realm.json}"
START_TIMEOUT="${KEYCLOAK_START_TIMEOUT:-120}"
KC_DIR="$CACHE/keycloak-$VERSION"

log() { echo "keycloak: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

pick_java() {
  local candidate
  for candidate in "${KEYCLOAK_JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 "${JAVA_HOME:-}"; do
    if [[ -n "$candidate" && -x "$candidate/bin/java" ]]; then
      echo "$candidate"
      return
    fi
  done
  die "no JDK found; set KEYCLOAK_JAVA_HOME"
}

install() {
  if [[ -x "$KC_DIR/bin/kc.sh" ]]; then
    return
  fi
  mkdir -p "$CACHE"
  local lock="$CACHE/.install.lock"
  exec 9>"$lock"
  flock 9
  if [[ -x "$KC_DIR/bin/kc.sh" ]]; then
    return
  fi
  local dl="$CACHE/download"
  mkdir -p "$dl"
  log "downloading org.keycloak:keycloak-quarkus-dist:$VERSION (tar.gz, ~176 MB) through Maven ..."
  # copy, not unpack: unpack's marker files would skip a second unpack into a fresh cache dir
  JAVA_HOME="$(pick_java)" "$ROOT/mvnw" -q -f "$ROOT/pom.xml" -N \
      org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
      -Dartifact="org.keycloak:keycloak-quarkus-dist:$VERSION:tar.gz" \
      -DoutputDirectory="$dl" >&2 || die "download failed"
  local tmp="$CACHE/unpack.$$"
  rm -rf "$tmp"; mkdir -p "$tmp"
  tar xzf "$dl/keycloak-quarkus-dist-$VERSION.tar.gz" -C "$tmp" || die "unpack failed"
  rm -rf "$KC_DIR"
  mv "$tmp/keycloak-$VERSION" "$KC_DIR"
  rm -rf "$tmp" "$dl"
  log "installed in $KC_DIR"
}

start() {
  local port="${1:-8180}"
  [[ "$port" =~ ^[0-9]+$ ]] || die "PORT must be a number, got '$port'"
  local f
  for f in $REALM_FILES; do [[ -r "$f" ]] || die "realm file not found: $f"; done
  install
  local java_home
  java_home="$(pick_java)"
  # one data dir per port, so parallel instances do not share the imported realm
  local data="$CACHE/data-$port"
  rm -rf "$data"; mkdir -p "$data/import" "$CACHE/logs"
  for f in $REALM_FILES; do cp "$f" "$data/import/"; done
  local logfile="${KEYCLOAK_LOG:-$CACHE/logs/keycloak-$port.log}"
  log "starting Keycloak $VERSION on 127.0.0.1:$port (log: $logfile)"
  # kc.sh reads the import directory from kc.dir; data-<port>/import is linked into it
  rm -rf "$KC_DIR/data/import"; mkdir -p "$KC_DIR/data"
  ln -sfn "$data/import" "$KC_DIR/data/import"
  JAVA_HOME="$java_home" PATH="$java_home/bin:$PATH" \
  KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD=admin \
      setsid "$KC_DIR/bin/kc.sh" start-dev --db dev-mem \
      --http-host 127.0.0.1 --http-port "$port" --hostname "http://localhost:$port" \
      --import-realm >"$logfile" 2>&1 < /dev/null &
  local pid=$!
  local url="http://127.0.0.1:$port/realms/portcullis/.well-known/openid-configuration"
  local deadline=$((SECONDS + START_TIMEOUT))
  while (( SECONDS < deadline )); do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 40 "$logfile" >&2 || true
      die "Keycloak exited during start-up"
    fi
    if curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; then
      log "ready after $((SECONDS - deadline + START_TIMEOUT)) s: issuer http://localhost:$port/realms/portcullis"
      echo "$pid"
      return
    fi
    sleep 0.5
  done
  stop "$pid" || true
  tail -n 40 "$logfile" >&2 || true
  die "Keycloak did not become ready within $START_TIMEOUT s"
}

stop() {
  local pid="${1:-}"
  [[ "$pid" =~ ^[0-9]+$ ]] || die "usage: keycloak.sh stop PID"
  if ! kill -0 "$pid" 2>/dev/null; then
    log "process $pid is not running"
    return 0
  fi
  # kc.sh was started with setsid: its process group holds kc.sh and the JVM it spawned
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  local i
  for i in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || { log "stopped $pid"; return 0; }
    sleep 0.1
  done
  kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  log "killed $pid"
}

case "${1:-}" in
  install) install ;;
  start) shift; start "$@" ;;
  stop) shift; stop "$@" ;;
  *) sed -n '2,20p' "$0" >&2; exit 2 ;;
esac
