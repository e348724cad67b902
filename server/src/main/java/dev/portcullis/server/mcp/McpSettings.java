package dev.portcullis.server.mcp;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.portcullis.server.config.ConfigReader;
import io.helidon.config.Config;

/**
 * Settings of the MCP endpoint ({@code mcp} section).
 *
 * @param allowedHosts       {@code Host} header values accepted (host names, without port); empty means
 *                           the loopback names when bound to loopback, otherwise the bind address only
 * @param allowedOrigins     browser {@code Origin}s accepted (scheme://host[:port]); requests without an
 *                           Origin are accepted, any other Origin gets 403 (DNS-rebinding protection)
 * @param sessionIdleTimeout session-era sessions idle longer than this are ended (404 afterwards)
 * @param maxSessions        most concurrent sessions; more initialize requests get an error
 * @param inputTimeout       how long a request waits for the client to answer an input request
 * @param stateKey           base64 HMAC key protecting {@code requestState}; random per process when empty
 *                           (set it when several replicas serve the same clients)
 */
public record McpSettings(List<String> allowedHosts, List<String> allowedOrigins, Duration sessionIdleTimeout,
                          int maxSessions, Duration inputTimeout, Optional<String> stateKey) {
    /** Section name. */
    public static final String SECTION = "mcp";

    /** Validates. */
    public McpSettings {
        allowedHosts = List.copyOf(allowedHosts);
        allowedOrigins = List.copyOf(allowedOrigins);
        Objects.requireNonNull(sessionIdleTimeout, "sessionIdleTimeout");
        if (maxSessions < 1) {
            throw new IllegalArgumentException("max-sessions: " + maxSessions + " (expected: > 0)");
        }
        Objects.requireNonNull(inputTimeout, "inputTimeout");
        Objects.requireNonNull(stateKey, "stateKey");
    }

    /** @return the defaults */
    public static McpSettings defaults() {
        return new McpSettings(List.of(), List.of(), Duration.ofMinutes(30), 10_000, Duration.ofMinutes(10), Optional.empty());
    }

    /**
     * Reads the section.
     *
     * @param node section node
     * @param r    problem collector
     * @return settings
     */
    public static McpSettings read(Config node, ConfigReader r) {
        r.allowOnly(node, "allowed-hosts", "allowed-origins", "session-idle-timeout", "max-sessions", "input-timeout",
                "state-key");
        List<String> origins = r.stringList(node.get("allowed-origins"));
        for (String origin : origins) {
            if (!origin.matches("https?://[^/\\s]+")) {
                r.problem(node.get("allowed-origins"), "'" + origin + "' (expected: scheme://host[:port], no path)");
            }
        }
        String key = r.string(node.get("state-key"), "");
        if (!key.isEmpty()) {
            try {
                if (java.util.Base64.getDecoder().decode(key).length < 32) {
                    r.problem(node.get("state-key"), "too short (expected: base64 of at least 32 random bytes)");
                }
            } catch (IllegalArgumentException e) {
                r.problem(node.get("state-key"), "not base64 (expected: base64 of at least 32 random bytes)");
            }
        }
        return new McpSettings(r.stringList(node.get("allowed-hosts")), origins,
                r.duration(node.get("session-idle-timeout"), Duration.ofMinutes(30), Duration.ofSeconds(1), Duration.ofDays(7)),
                r.integer(node.get("max-sessions"), 10_000, 1, 1_000_000),
                r.duration(node.get("input-timeout"), Duration.ofMinutes(10), Duration.ofSeconds(1), Duration.ofHours(24)),
                key.isEmpty() ? Optional.empty() : Optional.of(key));
    }
}
