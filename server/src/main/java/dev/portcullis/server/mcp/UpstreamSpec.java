package dev.portcullis.server.mcp;

import java.util.Objects;

import dev.portcullis.mcp.UpstreamTarget;

/**
 * One registered upstream as the MCP endpoint sees it: where it is and how its tools are named in the
 * aggregated view (the registry's {@code Registration} carries the rest).
 *
 * @param target     how to reach it
 * @param toolPrefix prefix of its tool and prompt names on {@code /mcp} (default {@code <name>__}; may be
 *                   empty, then collisions are resolved by registration order)
 */
public record UpstreamSpec(UpstreamTarget target, String toolPrefix) {
    /**
     * Validates: name {@code [a-z0-9][a-z0-9-]{0,47}}, tool prefix {@code [A-Za-z0-9_.-]{0,64}}. Checked with
     * plain loops: a spec is built for every relayed request.
     */
    public UpstreamSpec {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(toolPrefix, "toolPrefix");
        if (!validName(target.name())) {
            throw new IllegalArgumentException("name: " + target.name() + " (expected: [a-z0-9][a-z0-9-]{0,47})");
        }
        if (!validPrefix(toolPrefix)) {
            throw new IllegalArgumentException("tool-prefix: " + toolPrefix + " (expected: [A-Za-z0-9_.-]{0,64})");
        }
    }

    /**
     * @param name a candidate upstream name
     * @return whether it matches {@code [a-z0-9][a-z0-9-]{0,47}}
     */
    public static boolean validName(String name) {
        int n = name.length();
        if (n == 0 || n > 48 || name.charAt(0) == '-') {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    private static boolean validPrefix(String prefix) {
        if (prefix.length() > 64) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            char c = prefix.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /** @return the upstream's name */
    public String name() {
        return target.name();
    }

    /**
     * The view of a registration the MCP endpoint works with.
     *
     * @param registration a registration
     * @return its target and tool prefix
     */
    public static UpstreamSpec of(dev.portcullis.registry.Registration registration) {
        return new UpstreamSpec(registration.target(), registration.toolPrefix());
    }
}
