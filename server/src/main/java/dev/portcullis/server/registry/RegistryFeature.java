package dev.portcullis.server.registry;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

import dev.portcullis.mcp.UpstreamConnectors;
import dev.portcullis.registry.Registry;
import dev.portcullis.registry.RegistryEvent;
import dev.portcullis.server.Gateway;
import dev.portcullis.server.config.GatewayConfig;
import dev.portcullis.server.mcp.McpEndpoint;
import dev.portcullis.server.mcp.UpstreamDirectory;

/**
 * The trusted registry of upstreams in the gateway: opens the {@link Registry} (configured upstreams plus
 * those registered through the admin API, persisted in the state file), gives the MCP endpoint its
 * {@link UpstreamDirectory} with tool pinning, tells the endpoint when what clients may see changed, checks
 * upstream health in the background, and serves the admin API ({@code /admin/upstreams},
 * {@code /admin/registry/events}) and the read API ({@code /v0.1/servers}).
 */
public final class RegistryFeature implements AutoCloseable {
    private static final System.Logger LOGGER = System.getLogger(RegistryFeature.class.getName());

    private final Registry registry;
    private final RegistrySettings settings;
    private final Optional<Path> temporaryDir;
    private final AdminApi admin;
    private final ServersApi servers;
    private final String version;
    private volatile HealthChecker health;

    private RegistryFeature(Registry registry, RegistrySettings settings, Optional<Path> temporaryDir, boolean authEnabled,
                            String version) {
        this.registry = registry;
        this.settings = settings;
        this.temporaryDir = temporaryDir;
        this.admin = new AdminApi(registry, settings.adminScope(), authEnabled, Clock.systemUTC());
        this.servers = new ServersApi(registry);
        this.version = version;
    }

    /**
     * Opens the registry.
     *
     * @param config      validated configuration
     * @param authEnabled whether layer-1 authentication is on (off only in dev mode: then every admin call is
     *                    allowed as {@code anonymous})
     * @param version     gateway version (announced by health checks)
     * @return the feature; call {@link #start()} once the gateway listens
     * @throws dev.portcullis.registry.RegistryException {@code STORAGE} when the state file cannot be read or
     *                                                  is corrupt (never overwritten)
     */
    public static RegistryFeature open(GatewayConfig config, boolean authEnabled, String version) {
        RegistrySettings settings = config.registry();
        Optional<Path> temporary = Optional.empty();
        Path file;
        if (settings.stateFile().isPresent()) {
            file = settings.stateFile().get();
        } else if (config.mode() == GatewayConfig.Mode.PRODUCTION) {
            file = RegistrySettings.DEFAULT_STATE_FILE;
        } else {
            try {
                temporary = Optional.of(Files.createTempDirectory("portcullis-registry"));
            } catch (IOException e) {
                throw new IllegalStateException("cannot create a temporary directory for the registry", e);
            }
            file = temporary.get().resolve("registry.json");
            LOGGER.log(Level.WARNING, "Registry state is temporary (mode " + config.mode().name().toLowerCase(Locale.ROOT)
                    + ", no registry.state-file): administrator registrations and pins are lost at shutdown");
        }
        Registry registry = Registry.open(file, config.upstreams(), settings.namespace(), Clock.systemUTC());
        if (!authEnabled) {
            LOGGER.log(Level.WARNING, "*** The registry ADMIN API (/admin/upstreams) is open to every caller: layer-1 "
                    + "authentication is disabled (mode " + config.mode().name().toLowerCase(Locale.ROOT)
                    + "). Anyone who can reach this gateway can register upstreams. ***");
        } else if (!covered(config.auth().protect(), AdminApi.UPSTREAMS) || !covered(config.auth().protect(), ServersApi.SERVERS)) {
            LOGGER.log(Level.WARNING, "auth.protect does not cover /admin/* or /v0.1/*: those routes refuse every "
                    + "request (they need an authenticated caller)");
        }
        return new RegistryFeature(registry, settings, temporary, authEnabled, version);
    }

    private static boolean covered(java.util.List<String> protect, String path) {
        return protect.stream().anyMatch(p -> p.equals(path)
                || p.endsWith("/*") && (path + "/").startsWith(p.substring(0, p.length() - 1)));
    }

    /** @return the registry */
    public Registry registry() {
        return registry;
    }

    /** @return the MCP endpoint's view of the registry, with tool pinning */
    public UpstreamDirectory directory() {
        return new RegistryDirectory(registry);
    }

    /**
     * Lets the MCP endpoint follow the registry: whenever a registration is added, replaced, removed,
     * enabled or disabled, or a tool is quarantined or approved, cached listings are dropped and clients
     * are told that the tool list changed.
     *
     * @param mcp the MCP endpoint
     */
    public void follow(McpEndpoint mcp) {
        registry.onChange(event -> {
            switch (event) {
                case RegistryEvent.Registered e -> mcp.catalogChanged(e.upstream());
                case RegistryEvent.Removed e -> mcp.catalogChanged(e.upstream());
                case RegistryEvent.Enabled e -> mcp.catalogChanged(e.upstream());
                case RegistryEvent.Disabled e -> mcp.catalogChanged(e.upstream());
                case RegistryEvent.Quarantined e -> mcp.catalogChanged(e.upstream());
                case RegistryEvent.Approved e -> mcp.catalogChanged(e.upstream());
                case RegistryEvent.HealthChanged e -> {
                    // health is informational: it never changes what clients may call
                }
            }
        });
    }

    /**
     * Registers the admin and read APIs.
     *
     * @param routes the gateway's routes
     */
    public void register(Gateway.Routes routes) {
        admin.register(routes);
        servers.register(routes);
    }

    /** Starts the background health checks. */
    public void start() {
        health = new HealthChecker(registry, UpstreamConnectors.create(new UpstreamConnectors.Options(
                java.time.Duration.ofMillis(1), 1, java.time.Duration.ofSeconds(5), java.time.Duration.ofSeconds(30))),
                settings.healthInterval(), version);
    }

    /** Stops health checks; deletes a temporary state file. */
    @Override
    public void close() {
        HealthChecker h = health;
        if (h != null) {
            h.close();
        }
        if (temporaryDir.isPresent()) {
            try (Stream<Path> files = Files.walk(temporaryDir.get())) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                LOGGER.log(Level.DEBUG, "Could not delete the temporary registry state", e);
            }
        }
    }
}
