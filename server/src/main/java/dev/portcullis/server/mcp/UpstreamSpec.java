package dev.portcullis.server.mcp;

import java.util.Objects;

import dev.portcullis.mcp.UpstreamTarget;
import dev.portcullis.registry.Registration;

/**
 * One registered upstream as the MCP endpoint sees it: where it is and how its tools are named in the
 * aggregated view (the registry's {@code Registration} carries the rest).
 *
 * @param target     how to reach it
 * @param toolPrefix prefix of its tool and prompt names on {@code /mcp} (default {@code <name>__}; may be
 *                   empty, then collisions are resolved by registration order)
 */
public record UpstreamSpec(UpstreamTarget target, String toolPrefix) {
    /** Validates with the registry's rules: name {@code [a-z0-9][a-z0-9-]{0,47}}, tool prefix {@code [A-Za-z0-9_.-]{0,64}}. */
    public UpstreamSpec {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(toolPrefix, "toolPrefix");
        if (!Registration.validName(target.name())) {
            throw new IllegalArgumentException("name: " + target.name() + " (expected: [a-z0-9][a-z0-9-]{0,47})");
        }
        if (!Registration.validToolPrefix(toolPrefix)) {
            throw new IllegalArgumentException("tool-prefix: " + toolPrefix + " (expected: [A-Za-z0-9_.-]{0,64})");
        }
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
    public static UpstreamSpec of(Registration registration) {
        return new UpstreamSpec(registration.target(), registration.toolPrefix());
    }
}
