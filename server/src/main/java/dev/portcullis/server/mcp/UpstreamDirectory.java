package dev.portcullis.server.mcp;

import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The upstreams the gateway may reach (only registered upstreams: no shadow MCP) and the pinning
 * decision for their tools. Implementations are consulted on every request, so a registration that is
 * added, removed or disabled takes effect at once; they must be thread-safe.
 */
public interface UpstreamDirectory {

    /** @return enabled upstreams, in registration order */
    List<UpstreamSpec> enabled();

    /**
     * @param name upstream name
     * @return the enabled upstream of that name
     */
    default Optional<UpstreamSpec> find(String name) {
        return enabled().stream().filter(u -> u.name().equals(name)).findFirst();
    }

    /**
     * Pinning: which of the tools an upstream lists may be shown and called.
     *
     * @param upstream upstream name
     * @param tools    tool definitions as listed by the upstream
     * @return the approved subset, in the upstream's order
     */
    List<ObjectNode> approvedTools(String upstream, List<ObjectNode> tools);

    /**
     * @param upstream upstream name
     * @param tool     tool name as the upstream names it
     * @return whether the tool is held in quarantine
     */
    boolean quarantined(String upstream, String tool);

    /**
     * A directory of configured upstreams without pinning.
     *
     * @param specs upstreams
     * @return the directory
     */
    static UpstreamDirectory of(List<UpstreamSpec> specs) {
        List<UpstreamSpec> copy = List.copyOf(specs);
        return new UpstreamDirectory() {
            @Override
            public List<UpstreamSpec> enabled() {
                return copy;
            }

            @Override
            public List<ObjectNode> approvedTools(String upstream, List<ObjectNode> tools) {
                return tools;
            }

            @Override
            public boolean quarantined(String upstream, String tool) {
                return false;
            }
        };
    }
}
