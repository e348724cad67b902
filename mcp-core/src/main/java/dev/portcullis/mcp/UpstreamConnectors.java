package dev.portcullis.mcp;

import java.time.Duration;
import java.util.Objects;

/**
 * Creates the gateway's {@link UpstreamConnector}: one shared HTTP client (JDK {@code java.net.http}, with
 * connection pooling, HTTP/2 over TLS and virtual-thread execution) and the stdio child processes.
 */
public final class UpstreamConnectors {

    private UpstreamConnectors() {
    }

    /** @return a new connector with {@link Options#defaults()}; close it to close everything it opened */
    public static UpstreamConnector create() {
        return create(Options.defaults());
    }

    /**
     * @param options tunables
     * @return a new connector; close it to close every connection and child process it opened
     */
    public static UpstreamConnector create(Options options) {
        return new DefaultConnector(options);
    }

    /**
     * Connector tunables. Per-upstream settings (URL, headers, timeouts, era) live in {@link UpstreamTarget}.
     *
     * @param healthCheckAfter  {@link UpstreamConnection#healthy()} runs a cheap check (ping, or
     *                          {@code server/discover}) when nothing was observed for this long
     * @param maxInputRounds    bound on {@code input_required} rounds of one stateless request
     * @param stdioProbeTimeout how long a stdio child may take to answer the {@code server/discover} probe
     *                          before it is taken for a legacy server
     * @param stdioRestartMax   longest back-off between restarts of a stdio child that keeps dying
     */
    public record Options(Duration healthCheckAfter, int maxInputRounds, Duration stdioProbeTimeout, Duration stdioRestartMax) {

        /** Validates. */
        public Options {
            requirePositive(healthCheckAfter, "health-check-after");
            if (maxInputRounds < 1) {
                throw new IllegalArgumentException("max-input-rounds: " + maxInputRounds + " (expected: >= 1)");
            }
            requirePositive(stdioProbeTimeout, "stdio-probe-timeout");
            requirePositive(stdioRestartMax, "stdio-restart-max");
        }

        /** @return 30 s, 8 rounds, 5 s, 30 s */
        public static Options defaults() {
            return new Options(Duration.ofSeconds(30), 8, Duration.ofSeconds(5), Duration.ofSeconds(30));
        }

        private static void requirePositive(Duration d, String key) {
            Objects.requireNonNull(d, key);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(key + ": " + d + " (expected: > 0)");
            }
        }
    }
}
