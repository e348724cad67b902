#!/usr/bin/env bash
# Tool pinning cost: Registry.review of an upstream with 1,000 pinned, unchanged tools, against plain
# Jackson serialisation + SHA-256 of the same tools, measured in the same JMH run.
#
# Usage: bench/registry-pinning.sh [extra JMH options]   (e.g. -f 1 -wi 3 -i 3 for a quick run)
# Builds mcp-registry with the `bench` profile (package goals only, nothing is installed) and runs
# dev.portcullis.registry.RegistryPinningBenchmark.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
JAVA_HOME="${JAVA_HOME:-$("$ROOT/portcullis" java-home)}"
export JAVA_HOME
cd "$ROOT"
./mvnw -q -Pbench -pl mcp-registry -am -DskipTests test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
CP="mcp-registry/target/jmh-classes:mcp-registry/target/classes:$(cat mcp-registry/target/bench.classpath)"
exec "$JAVA_HOME/bin/java" -cp "$CP" org.openjdk.jmh.Main RegistryPinningBenchmark "$@"
