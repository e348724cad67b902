#!/usr/bin/env bash
# Authorisation decisions: PolicyBundle.authorize on a bundle with 10,000 tools and 1,000 IdP groups (one
# decision; filtering a tools/list of 1,000 tools), against a naive linear-scan evaluator with regex
# matching of the same bundle, measured in the same JMH run (Mode.SampleTime: p50/p90/p99 per operation).
#
# Usage: bench/personas-decision.sh [extra JMH options]   (e.g. -i 3 for a quicker run, -p callerGroups=20)
# Builds personas with the `bench` profile (package goals only, nothing is installed) and runs
# dev.portcullis.personas.PersonasDecisionBenchmark. Prints the load average before and after.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
JAVA_HOME="${JAVA_HOME:-$("$ROOT/portcullis" java-home)}"
export JAVA_HOME
cd "$ROOT"
./mvnw -q -Pbench -pl personas -am -DskipTests test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
CP="personas/target/jmh-classes:personas/target/classes:$(cat personas/target/bench.classpath)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$JAVA_HOME/bin/java" -cp "$CP" org.openjdk.jmh.Main PersonasDecisionBenchmark "$@"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
