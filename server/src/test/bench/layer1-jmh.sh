#!/usr/bin/env bash
# Runs the layer-1 token validation benchmark (JMH) and prints JMH's report.
# Usage: server/src/test/bench/layer1-jmh.sh [extra JMH args, e.g. -f 2 -wi 5]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
cd "$ROOT"
# one reactor run: the server module comes last, so its classpath (with mcp-core/target/classes) wins
./mvnw -q -pl server -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$ROOT/server/target/bench.classpath"
CP="server/target/test-classes:server/target/classes:$(cat server/target/bench.classpath)"
exec "$JAVA_HOME/bin/java" -cp "$CP" org.openjdk.jmh.Main 'dev.portcullis.server.auth.TokenValidationBenchmark' \
    -rf json -rff server/target/jmh-layer1.json "$@"
