package dev.portcullis.server.registry;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.portcullis.registry.Registration;
import dev.portcullis.registry.Registry;
import dev.portcullis.registry.RegistryException;
import dev.portcullis.server.mcp.UpstreamDirectory;
import dev.portcullis.server.mcp.UpstreamSpec;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The MCP endpoint's view of the {@link Registry}: enabled registrations in registry order, and tool
 * pinning. Reads the registry on every call, so registrations added, removed, enabled or disabled through
 * the admin API take effect for the next request. Fails closed: when the registry cannot decide (the
 * upstream was removed meanwhile, or new pins cannot be persisted), no tool of that upstream is offered.
 */
public final class RegistryDirectory implements UpstreamDirectory {
    private static final System.Logger LOGGER = System.getLogger(RegistryDirectory.class.getName());

    private final Registry registry;

    /**
     * @param registry the registry
     */
    public RegistryDirectory(Registry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    @Override
    public List<UpstreamSpec> enabled() {
        return registry.list().stream().filter(Registration::enabled).map(UpstreamSpec::of).toList();
    }

    @Override
    public Optional<UpstreamSpec> find(String name) {
        return registry.find(name).filter(Registration::enabled).map(UpstreamSpec::of);
    }

    @Override
    public List<ObjectNode> approvedTools(String upstream, List<ObjectNode> tools) {
        try {
            return registry.review(upstream, tools).approved();
        } catch (RegistryException e) {
            LOGGER.log(Level.WARNING, "No tools of upstream " + upstream + " are offered: the registry could not review "
                    + "them (" + e.reason() + ")");
            return List.of();
        }
    }

    @Override
    public boolean quarantined(String upstream, String tool) {
        try {
            return registry.quarantined(upstream).stream().anyMatch(q -> q.toolName().equals(tool));
        } catch (RegistryException e) {
            return false;
        }
    }
}
